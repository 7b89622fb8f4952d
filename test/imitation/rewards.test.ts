/** Reward forms, label conventions and the gradient penalty, pinned by hand-worked values. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import {
  rewardFromLogits,
  rewardFromLogit,
  bceWithLogits,
  discriminatorLoss,
  gradientPenalty,
  GailDiscriminator,
  GailDiscriminatorOptions,
  toDiscBatch,
  withAbsorbingRows,
  REWARD_FORMS,
} from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("reward forms from logits: ℓ = 0 gives log D = −log 2, −log(1 − D) = log 2, logit 0", () => {
  close(rewardFromLogit("logD", 0), -Math.log(2), 1e-15);
  close(rewardFromLogit("neglog1mD", 0), Math.log(2), 1e-15);
  assert.equal(rewardFromLogit("logit", 0), 0);
  // ℓ = log 3: D = 3/4, log D = log 0.75, −log(1 − D) = log 4
  close(rewardFromLogit("logD", Math.log(3)), Math.log(0.75), 1e-15);
  close(rewardFromLogit("neglog1mD", Math.log(3)), Math.log(4), 1e-15);
  // log D − log(1 − D) = ℓ: the logit form is the sum of the other two
  for (const l of [-30, -2.5, 0.1, 7]) close(rewardFromLogit("logD", l) + rewardFromLogit("neglog1mD", l), l, 1e-12);
  // signs: logD ≤ 0, neglog1mD ≥ 0 everywhere
  for (const l of [-50, -1, 0, 1, 50]) {
    assert.ok(rewardFromLogit("logD", l) <= 0);
    assert.ok(rewardFromLogit("neglog1mD", l) >= 0);
  }
});

test("reward forms stay finite and exact where log(p + ε) would not (log-sigmoid of logits)", () => {
  // σ(−200) underflows in float64; log σ(−200) = −200 − log1p(e^−200) ≈ −200
  close(rewardFromLogit("logD", -200), -200, 1e-9);
  close(rewardFromLogit("neglog1mD", 200), 200, 1e-9);
  close(rewardFromLogit("logD", 200), 0, 1e-12);
  const r = rewardFromLogits(new Float32Array([-1000, 0, 1000]), "logD");
  assert.ok(r.every(Number.isFinite));
  // clipping to ±c
  assert.deepEqual(Array.from(rewardFromLogits([-20, 0.5, 20], "logit", 10)), [-10, 0.5, 10]);
  assert.throws(() => rewardFromLogits([0], "log" as never), /unknown GAIL reward form "log"; valid forms: logD, neglog1mD, logit/);
});

test("binary cross-entropy with logits: BCE(0, y) = log 2, BCE(2, 1) = softplus(−2), stable at ±100", () => {
  const v = tf.tidy(() => bceWithLogits(tf.tensor1d([0, 0, 2, -100, 100]), tf.tensor1d([1, 0, 1, 1, 0])).arraySync());
  close(v[0], Math.log(2));
  close(v[1], Math.log(2));
  close(v[2], Math.log1p(Math.exp(-2)));
  close(v[3], 100, 1e-4);
  close(v[4], 100, 1e-4);
});

test("label conventions: labels policy = 1 (paper) on raw z equals labels expert = 1 on ℓ = −z", () => {
  const z = [0.3, -1.2, 2.0], zp = [-0.7, 0.1, 1.5];
  const [a, b] = tf.tidy(() => {
    const paper = discriminatorLoss(tf.tensor1d(z), tf.tensor1d(zp), { labelsExpertIsOne: false, labelSmoothing: 0.1 });
    const mirrored = discriminatorLoss(tf.tensor1d(z.map((x) => -x)), tf.tensor1d(zp.map((x) => -x)), { labelsExpertIsOne: true, labelSmoothing: 0.1 });
    return [
      [paper.loss.arraySync() as number, ...paper.logitsExpert.arraySync(), ...paper.logitsPolicy.arraySync()],
      [mirrored.loss.arraySync() as number, ...mirrored.logitsExpert.arraySync(), ...mirrored.logitsPolicy.arraySync()],
    ];
  });
  a.forEach((x, i) => close(x, b[i], 1e-6));
  // chance level: ℓ = 0 everywhere → loss log 2
  close(tf.tidy(() => discriminatorLoss(tf.zeros([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D, { labelsExpertIsOne: true, labelSmoothing: 0 }).loss.arraySync() as number), Math.log(2));
});

function discOpts(labelsExpertIsOne: boolean): GailDiscriminatorOptions {
  return { obsDim: 4, nActions: 2, hidden: [16, 16], activation: "tanh", head: "concat", labelsExpertIsOne, spectralNorm: false, absorbing: false, inputNorm: null };
}

/** A batch of 8 random (s, a) rows. */
function randomRows(seed: number, n = 8) {
  const rng = new Rng(seed);
  const obs = Float32Array.from({ length: n * 4 }, () => rng.normal());
  const actions = Int32Array.from({ length: n }, () => rng.int(2));
  return withAbsorbingRows({ n, obsDim: 4, obs, actions, nextObs: obs, terminated: new Uint8Array(n) });
}

test("both label conventions give the same learning signal: mirrored discriminators stay mirrored and give identical rewards", () => {
  const dOne = new GailDiscriminator(discOpts(true), new Rng(5));
  const dPaper = new GailDiscriminator(discOpts(false), new Rng(5));
  // mirror the paper-convention network: negate its output layer, so z_paper = −z_one (ℓ equal)
  const L = dPaper.net.params.length;
  tf.tidy(() => {
    dPaper.net.params[L - 2].assign(tf.neg(dPaper.net.params[L - 2]));
    dPaper.net.params[L - 1].assign(tf.neg(dPaper.net.params[L - 1]));
  });
  const expert = randomRows(1), policy = randomRows(2);
  const optOne = tf.train.adam(0.01), optPaper = tf.train.adam(0.01);
  // each network trained with ITS OWN labels on its raw output (expert 1 vs policy 1)
  const step = (d: GailDiscriminator, opt: tf.Optimizer, labelsExpertIsOne: boolean) =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const e = d.raw(toDiscBatch(expert)), p = d.raw(toDiscBatch(policy));
        return discriminatorLoss(e, p, { labelsExpertIsOne, labelSmoothing: 0 }).loss;
      }, d.trainableVariables);
      opt.applyGradients(grads);
    });
  for (let k = 0; k < 5; k++) {
    step(dOne, optOne, true);
    step(dPaper, optPaper, false);
  }
  const probe = randomRows(3, 32);
  const [lOne, lPaper, zOne, zPaper] = tf.tidy(() => {
    const b = toDiscBatch(probe);
    return [dOne.logitsExpertIsHigh(b).arraySync(), dPaper.logitsExpertIsHigh(b).arraySync(), dOne.raw(b).arraySync(), dPaper.raw(b).arraySync()];
  });
  lOne.forEach((x, i) => close(x, lPaper[i], 1e-4));
  // the raw outputs have opposite signs (each is high for its own label-1 class)
  zOne.forEach((x, i) => close(x, -zPaper[i], 1e-4));
  for (const form of REWARD_FORMS) {
    const rOne = rewardFromLogits(lOne, form), rPaper = rewardFromLogits(lPaper, form);
    rOne.forEach((x, i) => close(x, rPaper[i], 1e-4));
  }
  // In the paper's own symbols D_π = σ(z_paper) = 1 − D_E: "log D_E" is log(1 − D_π) and
  // "−log(1 − D_E)" is −log D_π; the same numbers under the other sign convention.
  const dPi = zPaper.map((z) => 1 / (1 + Math.exp(-z)));
  const r = rewardFromLogits(lOne, "neglog1mD");
  dPi.forEach((p, i) => close(r[i], -Math.log(p), 1e-4));
  dOne.dispose();
  dPaper.dispose();
  optOne.dispose();
  optPaper.dispose();
});

test("gradient penalty: zero for a linear D with a unit-norm weight vector (WGAN-GP form), (‖w‖ − 1)² otherwise", () => {
  const w = [0.6, 0, -0.8, 0]; // ‖w‖ = 1
  const vals = tf.tidy(() => {
    const rng = new Rng(0);
    const xE = tf.tensor2d(Float32Array.from({ length: 40 }, () => rng.normal()), [10, 4]);
    const xP = tf.tensor2d(Float32Array.from({ length: 40 }, () => rng.normal()), [10, 4]);
    const alpha = tf.tensor2d(Float32Array.from({ length: 10 }, () => rng.uniform()), [10, 1]);
    const lin = (scale: number) => (x: tf.Tensor2D) => tf.add(tf.matMul(x, tf.tensor2d(w.map((v) => v * scale), [4, 1])).reshape([-1]), 0.3) as tf.Tensor1D;
    return [
      gradientPenalty(lin(1), xE, xP, alpha, "wgan-gp").arraySync() as number,
      gradientPenalty(lin(3), xE, xP, alpha, "wgan-gp").arraySync() as number,
      gradientPenalty(lin(1), xE, xP, alpha, "zero-centred").arraySync() as number,
      gradientPenalty(lin(3), xE, xP, alpha, "zero-centred").arraySync() as number,
    ];
  });
  close(vals[0], 0, 1e-10);
  close(vals[1], 4, 1e-5); // (3 − 1)²
  close(vals[2], 1, 1e-6); // ‖w‖²
  close(vals[3], 9, 1e-5);
});
