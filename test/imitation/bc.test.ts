/** Behavioural cloning: learns the hand-written CartPole controller; split, selection and errors. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { CategoricalPolicy } from "../../lib/nn";
import { evaluate } from "../../lib/rl";
import { trainBC, BCResult, BCOptions, handCodedExpert, recordDemos, GAIL, crossEntropyGrads } from "../../lib/imitation";
import { loadDemos, toTransitions, demoOffsetRng } from "../../lib/data";

before(async () => {
  await initBackend({ quiet: true });
});

const demos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 2, seed: 1000 });

/** Cross-entropy and greedy accuracy of `policy` on a result's selection (validation) pairs, scored afresh. */
function rescore(res: BCResult): { loss: number; acc: number } {
  const { n, obs, actions } = res.selectionSet;
  const logits = tf.tidy(() => res.policy.logits(tf.tensor2d(obs, [n, obs.length / n])).arraySync() as number[][]);
  let loss = 0, hits = 0;
  logits.forEach((l, i) => {
    const m = Math.max(...l);
    const lse = m + Math.log(l.reduce((s, x) => s + Math.exp(x - m), 0));
    loss += lse - l[actions[i]];
    if (l.indexOf(m) === actions[i]) hits++;
  });
  return { loss: loss / n, acc: hits / n };
}

/** The returned policy is the recorded best iterate: re-scored on the validation pairs it gives the best score of the history. */
function assertBestIterate(res: BCResult, by: "accuracy" | "loss"): void {
  const s = rescore(res);
  assert.ok(Math.abs(s.acc - res.bestValAccuracy) < 1e-6, `re-scored accuracy ${s.acc}, recorded best ${res.bestValAccuracy}`);
  // the recorded loss is float32 (log-softmax of logits ~10: ~1e-6 absolute); the re-score is float64
  assert.ok(Math.abs(s.loss - res.bestValLoss) < 2e-6 + 1e-5 * res.bestValLoss, `re-scored loss ${s.loss}, recorded best ${res.bestValLoss}`);
  for (const h of res.history.filter((h) => h.iteration > 0 && h.valLoss !== res.bestValLoss))
    assert.ok(Math.abs(s.loss - res.bestValLoss) < Math.abs(s.loss - h.valLoss), `the returned policy scores like iteration ${h.iteration} (${h.valLoss}), not the best ${res.bestIteration}`);
  const best = res.history.find((h) => h.iteration === res.bestIteration)!;
  assert.deepEqual([best.valAccuracy, best.valLoss], [res.bestValAccuracy, res.bestValLoss]);
  if (by === "loss") assert.ok(res.history.every((h) => h.valLoss >= res.bestValLoss));
  else assert.ok(res.history.every((h) => h.valAccuracy < res.bestValAccuracy || (h.valAccuracy === res.bestValAccuracy && h.valLoss >= res.bestValLoss)));
  // the last scored iterate scores differently, so handing back the last weights would be caught
  const last = res.history.at(-1)!;
  assert.ok(last.iteration > res.bestIteration && (last.valLoss !== res.bestValLoss || last.valAccuracy !== res.bestValAccuracy), `the best iterate is the last one (${last.iteration}): nothing to tell apart`);
}

test("BC learns the hand-written CartPole controller (1000 pairs, 70/30 split, best validation iterate)", () => {
  // what a bare policy of this shape holds (lib/nn's Mlp keeps its initial-value tensors alive too)
  const base = tf.memory().numTensors;
  new CategoricalPolicy({ obsDim: 4, nActions: 2, hidden: [32, 32] }, new Rng(0));
  const policyTensors = tf.memory().numTensors - base;
  const before = tf.memory().numTensors;
  const res = trainBC(demos, { envId: "CartPole-v1", iterations: 600, batchSize: 64, lr: 3e-3, hidden: [32, 32], seed: 0 });
  assert.equal(res.nTrain, 700);
  assert.equal(res.nValidation, 300);
  assert.ok(res.bestValAccuracy > 0.9, `validation accuracy ${res.bestValAccuracy}`);
  assert.ok(res.bestIteration > 0 && res.bestIteration <= 600);
  assert.equal(res.selectionSet.n, 300);
  assertBestIterate(res, "accuracy");
  const ev = evaluate(res.policy, "CartPole-v1", { episodes: 10, seed: 0 });
  assert.ok(ev.mean >= 475, `BC return ${ev.mean}`);
  // nothing but the policy (and its normalisation cache, 2 tensors) survives training
  assert.equal(tf.memory().numTensors, before + policyTensors + 2);
  res.policy.dispose();
});

test("BC: early stopping with patience, subsampling, and clear errors", () => {
  const res = trainBC(demos, { envId: "CartPole-v1", iterations: 3000, evalEvery: 10, patience: 3, demoEvery: 10, lr: 0.01, hidden: [64, 64], selectBy: "loss", seed: 1 });
  assert.ok(res.iterations < 3000, `stopped after ${res.iterations}`);
  assert.equal(res.nTrain + res.nValidation, 100); // every 10th of 2 × 500 pairs
  assertBestIterate(res, "loss");
  res.policy.dispose();
  assert.throws(() => trainBC(demos, { envId: "Acrobot-v1" }), /holds demonstrations for CartPole-v1, not Acrobot-v1/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", lr: -1 }), /lr must be a finite number/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", epochs: 3 } as never), /unknown option 'epochs' for trainBC/);
});

test("normalizeFrom 'all': BC's input statistics are those of every kept expert pair, training and validation alike (the paper's)", () => {
  const set = loadDemos("data/demos/Acrobot-v0/traj-4.json", "Acrobot-v0");
  const base: Partial<BCOptions> = { envId: "Acrobot-v0", demoEvery: 5, hidden: [8], iterations: 2, evalEvery: 1, demoOffsetSeed: 7, seed: 4 };
  const all = trainBC(set, { ...base, normalizeFrom: "all" });
  const tr = toTransitions(set, { every: 5, offsets: all.offsets });
  assert.equal(tr.n, all.nTrain + all.nValidation);
  const d = tr.obsDim;
  const stats = all.policy.obsNorm!.toJSON();
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < tr.n; i++) m += tr.obs[i * d + j] / tr.n;
    let v = 0;
    for (let i = 0; i < tr.n; i++) v += (tr.obs[i * d + j] - m) ** 2 / tr.n;
    assert.ok(Math.abs(stats.mean[j] - m) < 1e-5 * (1 + Math.abs(m)), `mean[${j}] ${stats.mean[j]}, all pairs' ${m}`);
    assert.ok(Math.abs(stats.var[j] - v) < 1e-4 * (1 + v), `var[${j}] ${stats.var[j]}, all pairs' ${v}`);
  }
  // the default standardises with the training split's statistics, which differ
  const train = trainBC(set, base);
  assert.notDeepEqual(train.policy.obsNorm!.toJSON().mean, stats.mean);
  assert.throws(() => trainBC(set, { ...base, normalizeFrom: "val" as never }), /normalizeFrom must be "train" or "all"/);
  all.policy.dispose();
  train.policy.dispose();
});

test("demoOffsetSeed: GAIL and BC given the same seed keep exactly the same subsampled expert pairs", () => {
  const file = "data/demos/Acrobot-v0/traj-10.json";
  const set = loadDemos(file, "Acrobot-v0");
  for (const s of [0, 3]) {
    const bc = trainBC(set, { envId: "Acrobot-v0", demoEvery: 5, hidden: [8], iterations: 1, evalEvery: 1, demoOffsetSeed: s, seed: 1 });
    const gail = new GAIL({ envId: "Acrobot-v0", demos: file, demoEvery: 5, demoOffsetSeed: s, absorbing: false, generatorOptions: { numEnvs: 1, nSteps: 8, hidden: [8] }, discHidden: [8], seed: 9 });
    const kept = toTransitions(set, { every: 5, offsets: bc.offsets });
    assert.equal(gail.expert.n, kept.n);
    assert.deepEqual(Array.from(gail.expert.obs), Array.from(kept.obs), `seed ${s}: GAIL's expert rows are not BC's pairs`);
    assert.deepEqual(Array.from(gail.expert.actions), Array.from(kept.actions));
    // and they are the offsets' own stream, not the run seeds'
    assert.deepEqual(Array.from(bc.offsets), Array.from({ length: 10 }, ((r) => () => r.int(5))(demoOffsetRng(s))));
    bc.policy.dispose();
    gail.dispose();
  }
});

test("crossEntropyGrads: the closed-form loss and gradient agree with tf.variableGrads (3 actions, relu and tanh, after Adam steps)", () => {
  for (const activation of ["tanh", "relu"] as const) {
    const rng = new Rng(7);
    const pol = new CategoricalPolicy({ obsDim: 5, nActions: 3, hidden: [16, 8], activation }, rng);
    const B = 24;
    const x = tf.tensor2d(Float32Array.from({ length: B * 5 }, () => rng.normal()), [B, 5]);
    const a = tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(3)), "int32");
    const nib = tf.scalar(-Math.fround(1 / B));
    const opt = tf.train.sgd(0.3);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => {
        const ref = tf.variableGrads(() => tf.mean(tf.neg(tf.sum(tf.mul(tf.logSoftmax(pol.logits(x)), tf.oneHot(a, 3)), 1))) as tf.Scalar, pol.trainableVariables);
        const got = crossEntropyGrads(pol.net, x, a, 3, nib);
        assert.ok(Math.abs(got.loss.dataSync()[0] - ref.value.dataSync()[0]) <= 1e-6, `${activation} step ${step}: loss`);
        for (const v of pol.trainableVariables) {
          const p = ref.grads[v.name].dataSync(), q = got.grads[v.name].dataSync();
          const scale = Math.max(1e-3, ...Array.from(p, Math.abs));
          for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-5 * scale, `${activation} step ${step} ${v.name}[${i}]: ${q[i]} vs ${p[i]}`);
        }
        opt.applyGradients(ref.grads); // move the weights, so later steps check away from the initialisation
      });
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    tf.dispose([x, a, nib]);
    opt.dispose();
    pol.dispose();
  }
});

test("trainBC's checkpoint sees the current iterate on its schedule and can stop training", () => {
  const seen: number[] = [];
  let stepsAtStop = 0;
  const r = trainBC(demos, { envId: "CartPole-v1", hidden: [16], iterations: 200, batchSize: 32, evalEvery: 50, seed: 1 }, {
    every: 30,
    onCheckpoint: (it, policy) => {
      seen.push(it);
      assert.equal(policy.obsDim, 4);
      stepsAtStop = it;
      return it >= 90;
    },
  });
  assert.deepEqual(seen, [30, 60, 90]);
  assert.equal(r.iterations, stepsAtStop, "training stopped where the checkpoint asked");
  assert.equal(r.history[r.history.length - 1].iteration, 90, "the stop point is scored");
  r.policy.dispose();
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", iterations: 10 }, { every: 0, onCheckpoint: () => false }), /checkpoint\.every/);
});
