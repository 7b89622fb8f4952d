/** GAIL and the shared adversarial trainer: discriminator learning, input errors, leaks, determinism, resume, absorbing padding. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { initBackend, tf, Rng } from "../../lib/core";
import { getFlat, CategoricalPolicy } from "../../lib/nn";
import { GAIL, GAILOptions, GailDiscriminator, discriminatorLoss, toDiscBatch, handCodedExpert, recordDemos, expertSamples, withAbsorbingRows, DISC_HEADS, clonePolicyInPlace } from "../../lib/imitation";
import { DemoSet } from "../../lib/data";

before(async () => {
  await initBackend({ quiet: true });
});

const cartDemos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 1, seed: 1000 });
const acroDemos = recordDemos(handCodedExpert("Acrobot-v1"), "Acrobot-v1", { episodes: 2, seed: 1000 });

/** A tiny GAIL: 2 envs × 32 steps a round. */
function tiny(extra: Partial<GAILOptions> = {}): GAIL {
  return new GAIL({
    envId: "CartPole-v1",
    demos: cartDemos,
    generator: "ppo",
    generatorOptions: { numEnvs: 2, nSteps: 32, batchSize: 32, nEpochs: 2, hidden: [16, 16] },
    discHidden: [16, 16],
    discSteps: 2,
    discBatchSize: 32,
    seed: 3,
    ...extra,
  });
}

test("hand-written controllers are experts: CartPole 500, Acrobot about −88", () => {
  assert.equal(cartDemos.expertStats.meanReturn, 500);
  assert.ok(cartDemos.trajectories[0].truncated && !cartDemos.trajectories[0].terminated);
  assert.ok(acroDemos.expertStats.meanReturn > -130, `${acroDemos.expertStats.meanReturn}`);
  assert.ok(acroDemos.trajectories.every((t) => t.terminated));
});

test("the discriminator's loss falls on a fixed batch (both heads, with gradient penalty and spectral norm)", () => {
  const exp = expertSamples(cartDemos, { every: 1, rng: new Rng(0), absorbingHorizon: null }).samples;
  const rng = new Rng(1);
  const n = 64;
  const obs = Float32Array.from({ length: n * 4 }, () => 0.5 + rng.normal() * 0.5); // a shifted state cloud
  const pol = withAbsorbingRows({ n, obsDim: 4, obs, actions: Int32Array.from({ length: n }, () => rng.int(2)), nextObs: obs, terminated: new Uint8Array(n) });
  for (const head of DISC_HEADS) {
    for (const spectralNorm of [false, true]) {
      const d = new GailDiscriminator({ obsDim: 4, nActions: 2, hidden: [32, 32], activation: "tanh", head, labelsExpertIsOne: true, spectralNorm, absorbing: true, inputNorm: null }, new Rng(2));
      const opt: tf.Optimizer = tf.train.adam(3e-3);
      const eIdx = Int32Array.from({ length: n }, (_, i) => i * 7);
      const losses: number[] = [];
      for (let k = 0; k < 60; k++) {
        losses.push(
          tf.tidy(() => {
            const eb = toDiscBatch(exp, eIdx), pb = toDiscBatch(pol);
            const alpha = tf.fill([n, 1], 0.5) as tf.Tensor2D;
            const { value, grads } = tf.variableGrads(() => {
              const bce = discriminatorLoss(d.raw(eb, true), d.raw(pb, true), { labelsExpertIsOne: true, labelSmoothing: 0 }).loss;
              return tf.add(bce, tf.mul(0.1, d.gradientPenalty(eb, pb, alpha, "wgan-gp"))) as tf.Scalar;
            }, d.trainableVariables);
            opt.applyGradients(grads);
            return value.arraySync() as number;
          }),
        );
      }
      assert.ok(losses[59] < (spectralNorm ? 0.8 : 0.7) * losses[0] && losses[59] < losses[30], `${head} sn=${spectralNorm}: ${losses[0]} → ${losses[59]}`);
      d.dispose();
      opt.dispose();
    }
  }
});

test("bad demonstrations and mismatched environments give clear errors", () => {
  assert.throws(() => tiny({ demos: acroDemos }), /holds demonstrations for Acrobot-v1, not CartPole-v1/);
  assert.throws(() => tiny({ demos: "/nonexistent/traj-1.json" }), /cannot read demonstrations \/nonexistent\/traj-1.json/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-imit-"));
  const broken = path.join(dir, "broken.json");
  fs.writeFileSync(broken, "{ not json");
  assert.throws(() => tiny({ demos: broken }), /is not valid JSON/);
  const bad: DemoSet = JSON.parse(JSON.stringify(cartDemos));
  bad.trajectories[0].obs[3][2] = null as unknown as number;
  assert.throws(() => tiny({ demos: bad }), /trajectory 0: obs\[3\]\[2\] is null/);
  const badAction: DemoSet = JSON.parse(JSON.stringify(cartDemos));
  badAction.trajectories[0].actions[5] = 2;
  assert.throws(() => tiny({ demos: badAction }), /actions\[5\] is 2; actions are integers in \[0, 2\)/);
  assert.throws(() => tiny({ demos: "" }), /needs expert demonstrations/);
  assert.throws(() => tiny({ rewardForm: "negLog" as never }), /unknown GAIL reward form/);
  assert.throws(() => tiny({ discLR: 1 } as never), /unknown option 'discLR'/);
  assert.throws(() => tiny({ generator: "trpo", generatorOptions: {}, genEntCoef: 0.01 }), /TRPO has none: use causalEntropyCoef/);
  assert.throws(() => tiny({ generatorOptions: { seed: 1 } }), /generatorOptions.seed is set by the adversarial trainer/);
  fs.rmSync(dir, { recursive: true });
});

test("no tensor leaks across a GAIL round (gradient penalty, absorbing, causal entropy); D and π both change", async () => {
  const gail = tiny({ gradPenalty: 1, absorbing: true, causalEntropyCoef: 0.01, spectralNorm: true });
  await gail.learn(64); // burn-in round (creates Adam slots, caches)
  const before = tf.memory().numTensors;
  const d0 = getFlat(gail.discVariables()), p0 = getFlat(gail.policy.trainableVariables);
  const res = await gail.learn(128);
  assert.equal(tf.memory().numTensors, before);
  assert.notDeepEqual(getFlat(gail.discVariables()), d0);
  assert.notDeepEqual(getFlat(gail.policy.trainableVariables), p0);
  for (const k of ["disc/loss", "disc/accExpert", "disc/accGen", "disc/meanDExpert", "disc/meanDGen", "disc/gradPenalty", "gen/gailReward", "gen/absorbingReward", "time/sps"]) {
    assert.ok(Number.isFinite(res.metrics[k]), `${k} = ${res.metrics[k]}`);
  }
  assert.equal(gail.round, 2);
  gail.dispose();
});

test("TRPO and REINFORCE generators run a round too", async () => {
  for (const generator of ["trpo", "reinforce"] as const) {
    const gail = tiny({ generator, generatorOptions: { numEnvs: 2, nSteps: 32, hidden: [16, 16] }, discHead: "perAction", labelsExpertIsOne: false, rewardForm: "logD" });
    const r = await gail.learn(64);
    assert.ok(Number.isFinite(r.metrics["gen/gailReward"]), `${generator}: logD reward ${r.metrics["gen/gailReward"]}`);
    gail.dispose();
  }
});

test("GAIL's reward is its form applied to D's expert-high logit, on hand-set logits (both label conventions, clipping)", () => {
  // D with zero weights and output bias (log 3, −log 2): per-action raw outputs z(s, 0) = log 3, z(s, 1) = −log 2
  const setRaw = (g: GAIL) => tf.tidy(() => g.discVariables().forEach((p, i, all) => p.assign(i === all.length - 1 ? tf.tensor1d([Math.log(3), -Math.log(2)]) : tf.zerosLike(p))));
  const input = { n: 2, obsDim: 4, obs: Float32Array.from([0.1, -0.2, 0.03, 0.4, 0, 0, 0, 0]), actions: Int32Array.from([0, 1]), nextObs: new Float32Array(8), terminated: new Uint8Array(2), truncated: new Uint8Array(2), envRewards: new Float32Array(2) };
  // ℓ = z when the expert is labelled 1, ℓ = −z under the paper's policy-is-1 labels; D_E = σ(ℓ)
  const cases: [Partial<GAILOptions>, number[]][] = [
    [{ labelsExpertIsOne: true, rewardForm: "logD" }, [Math.log(3 / 4), Math.log(1 / 3)]], // log σ(log 3), log σ(−log 2)
    [{ labelsExpertIsOne: false, rewardForm: "logD" }, [Math.log(1 / 4), Math.log(2 / 3)]], // log σ(−log 3), log σ(log 2)
    [{ labelsExpertIsOne: true, rewardForm: "neglog1mD" }, [Math.log(4), Math.log(3 / 2)]], // −log(1 − 3/4), −log(1 − 1/3)
    [{ labelsExpertIsOne: false, rewardForm: "logit" }, [-Math.log(3), Math.log(2)]],
    [{ labelsExpertIsOne: true, rewardForm: "logit", rewardClip: 0.8 }, [0.8, -Math.log(2)]], // log 3 = 1.0986 clipped to 0.8
  ];
  for (const [opts, want] of cases) {
    const gail = tiny({ discHead: "perAction", ...opts });
    setRaw(gail);
    const r = Array.from(gail.rewardTest(input));
    want.forEach((w, i) => assert.ok(Math.abs(r[i] - w) < 1e-6, `${JSON.stringify(opts)}: r[${i}] = ${r[i]}, expected ${w}`));
    gail.dispose();
  }
});

test("determinism: two tiny GAIL runs with one seed agree exactly", async () => {
  const run = async () => {
    const g = tiny({ gradPenalty: 0.5, absorbing: true });
    const r = await g.learn(128);
    const out = { metrics: r.metrics, disc: Array.from(getFlat(g.discVariables())), pi: Array.from(getFlat(g.policy.trainableVariables)) };
    g.dispose();
    return out;
  };
  const a = await run(), b = await run();
  delete a.metrics["time/sps"], delete b.metrics["time/sps"];
  for (const k of Object.keys(a.metrics)) if (k.startsWith("time/")) delete a.metrics[k], delete b.metrics[k];
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.disc, b.disc);
  assert.deepEqual(a.pi, b.pi);
});

test("checkpoint and resume restore the discriminator, its optimiser, the generator and the round", async () => {
  const g = tiny({ absorbing: true });
  await g.learn(64);
  const ckpt = JSON.parse(JSON.stringify(await g.checkpoint()));
  assert.equal(ckpt.algo, "gail");
  assert.equal(ckpt.format, "ganrl.checkpoint/1");
  const h = tiny({ absorbing: true });
  await h.restore(ckpt);
  assert.deepEqual(getFlat(h.discVariables()), getFlat(g.discVariables()));
  assert.deepEqual(getFlat(h.policy.trainableVariables), getFlat(g.policy.trainableVariables));
  assert.equal(h.round, 1);
  assert.equal(h.step, 64);
  const r = await h.learn(128);
  assert.equal(r.step, 128);
  await assert.rejects(() => tiny({ generator: "reinforce", generatorOptions: { numEnvs: 2, nSteps: 32 } }).restore(ckpt), /generator is ppo/);
  g.dispose();
  h.dispose();
});

test("absorbing padding: an expert that ends at step T adds one absorbing row of weight H − T", () => {
  const { samples } = expertSamples(acroDemos, { every: 1, rng: new Rng(0), absorbingHorizon: 500 });
  const lens = acroDemos.trajectories.map((t) => t.actions.length);
  const nReal = lens.reduce((a, b) => a + b, 0);
  assert.equal(samples.n, nReal + 2);
  assert.deepEqual(Array.from(samples.absorbing.subarray(nReal)), [1, 1]);
  assert.deepEqual(Array.from(samples.weight.subarray(nReal)), lens.map((T) => 500 - T));
  // CartPole's expert is cut by the time limit, never terminates: no absorbing rows
  assert.equal(expertSamples(cartDemos, { every: 1, rng: new Rng(0), absorbingHorizon: 500 }).samples.n, 500);
});

test("controls: 'const' pays the reward form's sign every step and never trains D; 'randomD' pays a frozen random D", async () => {
  for (const [rewardForm, c] of [["neglog1mD", 1], ["logD", -1], ["logit", 0]] as const) {
    const g = tiny({ control: "const", rewardForm, absorbing: true });
    const d0 = Array.from(getFlat(g.discVariables()));
    const p0 = Array.from(getFlat(g.gen.policy.trainableVariables));
    const res = await g.learn(128);
    assert.equal(res.metrics["gen/gailReward"], c, rewardForm);
    assert.equal(res.metrics["gen/absorbingReward"], c, rewardForm);
    assert.equal(res.metrics["disc/accExpert"], undefined, "no discriminator phase");
    assert.deepEqual(Array.from(getFlat(g.discVariables())), d0, "D untouched");
    assert.notDeepEqual(Array.from(getFlat(g.gen.policy.trainableVariables)), p0, "the generator learns");
    g.dispose();
  }
  const r = tiny({ control: "randomD", rewardForm: "logit" });
  const d0 = Array.from(getFlat(r.discVariables()));
  const res = await r.learn(128);
  const before = tf.memory().numTensors;
  assert.deepEqual(Array.from(getFlat(r.discVariables())), d0, "the random D stays frozen");
  const mean = res.metrics["gen/gailReward"];
  assert.ok(Number.isFinite(mean) && mean !== 0, `random D's reward ${mean}`);
  await r.learn(192);
  assert.equal(tf.memory().numTensors, before, "no leak");
  // the imitation run trains D
  const i = tiny({ rewardForm: "logit" });
  const e0 = Array.from(getFlat(i.discVariables()));
  await i.learn(128);
  assert.notDeepEqual(Array.from(getFlat(i.discVariables())), e0);
  assert.throws(() => tiny({ control: "sign" as never }), /control must be one of none, const, randomD/);
  r.dispose();
  i.dispose();
});

test("absorbingScale: the indicator's value on absorbing rows; under a gradient penalty a larger one lets D push the absorbing state further from the policy's ordinary rows", () => {
  // expert: CartPole's demonstration (never terminates: no absorbing rows); policy: the same states
  // shifted, half of its weight on the absorbing row (a policy that ends its episodes early)
  const exp = expertSamples(cartDemos, { every: 1, rng: new Rng(0), absorbingHorizon: 500 }).samples;
  const rng = new Rng(4);
  const n = 128;
  const obs = Float32Array.from({ length: n * 4 }, (_, i) => exp.obs[i % exp.obs.length] + 0.3 + rng.normal() * 0.1);
  const pol = withAbsorbingRows({ n, obsDim: 4, obs, actions: Int32Array.from({ length: n }, () => rng.int(2)), nextObs: obs, terminated: new Uint8Array(n) }, [n]);
  const gap = (absorbingScale: number): number => {
    const d = new GailDiscriminator({ obsDim: 4, nActions: 2, hidden: [32, 32], activation: "tanh", head: "concat", labelsExpertIsOne: true, spectralNorm: false, absorbing: true, absorbingScale, inputNorm: null, train: { lr: 3e-3, steps: 150, batchSize: 64, gradPenalty: 10, gradPenaltyForm: "zero-centred" } }, new Rng(2));
    const x = tf.tidy(() => d.features(toDiscBatch(withAbsorbingRows(pol, [1]))).x.arraySync() as number[][]);
    assert.deepEqual(x[x.length - 1], [0, 0, 0, 0, absorbingScale], "absorbing row: zero state features, indicator = absorbingScale");
    assert.equal(x[0][4], 0, "ordinary rows: indicator 0");
    d.update(pol, exp, new Rng(5)); // the first update uploads the expert rows and makes Adam's moments
    const before = tf.memory().numTensors;
    d.update(pol, exp, new Rng(6));
    assert.equal(tf.memory().numTensors, before, "update leaks no tensors");
    const l = d.logits(pol);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += l[i] / n;
    d.dispose();
    return mean - l[n]; // how far below the policy's own rows D puts the absorbing state
  };
  const g1 = gap(1), g10 = gap(10);
  assert.ok(g1 < 0.2 && g10 > g1 + 0.5, `gap ℓ(policy rows) − ℓ(absorbing): scale 1 ${g1.toFixed(2)}, scale 10 ${g10.toFixed(2)}`);
  assert.throws(() => tiny({ absorbingScale: 0 }), /absorbingScale must be a positive finite number/);
  assert.throws(() => new GailDiscriminator({ obsDim: 4, nActions: 2, hidden: [8], activation: "tanh", head: "concat", labelsExpertIsOne: true, spectralNorm: false, absorbing: true, absorbingScale: Number.NaN, inputNorm: null }, new Rng(2)), /absorbingScale must be a positive finite number/, "the discriminator checks it too");
});

test("absorbingActionWeights: with the perAction head an absorbing row's logit is pinned at 0 ('zero') or is the mean of its per-action logits ('uniform')", () => {
  const rows = withAbsorbingRows({ n: 1, obsDim: 4, obs: new Float32Array([0.1, -0.2, 0.3, 0.05]), actions: new Int32Array([1]), nextObs: new Float32Array(4), terminated: new Uint8Array(1) }, [1]);
  const make = (absorbingActionWeights: "zero" | "uniform") =>
    new GailDiscriminator({ obsDim: 4, nActions: 3, hidden: [8], activation: "tanh", head: "perAction", labelsExpertIsOne: true, spectralNorm: false, absorbing: true, absorbingActionWeights, inputNorm: null }, new Rng(7));
  const zero = make("zero"), uniform = make("uniform");
  assert.equal(zero.logits(rows)[1], 0, "'zero': ℓ(s_a) = 0 whatever the weights");
  const perAction = tf.tidy(() => Array.from(uniform.net.apply(tf.tensor2d([[0, 0, 0, 0, 1]])).dataSync()));
  const l = uniform.logits(rows);
  assert.ok(Math.abs(l[1] - perAction.reduce((a, b) => a + b, 0) / 3) < 1e-6, `'uniform': ℓ(s_a) ${l[1]} = mean of ${perAction}`);
  assert.ok(Math.abs(l[1]) > 1e-4, "and not 0");
  assert.equal(l[0], zero.logits(rows)[0], "ordinary rows unchanged");
  zero.dispose();
  uniform.dispose();
  assert.throws(() => tiny({ absorbingActionWeights: "mean" as never }), /absorbingActionWeights must be one of zero, uniform/);
});

test("the state head scores states only: the same state under different actions gets one logit, and different states differ", () => {
  const obs = new Float32Array([0.1, -0.2, 0.3, 0.05, 0.1, -0.2, 0.3, 0.05, -0.4, 0.2, 0.0, 0.3]);
  const rows = withAbsorbingRows({ n: 3, obsDim: 4, obs, actions: new Int32Array([0, 1, 1]), nextObs: new Float32Array(12), terminated: new Uint8Array(3) });
  const state = new GailDiscriminator({ obsDim: 4, nActions: 2, hidden: [8], activation: "tanh", head: "state", labelsExpertIsOne: true, spectralNorm: false, absorbing: false, inputNorm: null }, new Rng(7));
  const concat = new GailDiscriminator({ obsDim: 4, nActions: 2, hidden: [8], activation: "tanh", head: "concat", labelsExpertIsOne: true, spectralNorm: false, absorbing: false, inputNorm: null }, new Rng(7));
  assert.equal(state.net.arch.inputDim, 4, "no action input");
  const l = state.logits(rows), c = concat.logits(rows);
  assert.equal(l[0], l[1], "actions 0 and 1 in one state: one logit");
  assert.notEqual(l[1], l[2], "another state, another logit");
  assert.notEqual(c[0], c[1], "the concat head does read the action (so the check above can fail)");
  state.dispose();
  concat.dispose();
});

test("rewardNorm 'running': each rollout is paid (r − μ)/σ with the statistics of the rollouts before it (the first one unchanged), and a checkpoint carries them", async () => {
  const g = tiny({ control: "randomD", rewardForm: "neglog1mD", rewardNorm: "running", absorbing: false }); // D frozen: its reward is a fixed function; no absorbing tail
  const raw = () => g.disc.reward(withAbsorbingRows(g.gen.batch.rewardInput(), []));
  const seen: { raw: Float32Array; paid: Float32Array }[] = [];
  await g.learn(192, { callback: () => void seen.push({ raw: raw(), paid: Float32Array.from(g.gen.batch.rewards) }) });
  assert.equal(seen.length, 3);
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * (1 + Math.abs(b[i])), `${what}: row ${i}: ${a[i]} vs ${b[i]}`);
  };
  close(seen[0].paid, seen[0].raw, "the first rollout (μ 0, σ 1)");
  const moments = (xs: Float32Array[]) => {
    const all = xs.flatMap((x) => Array.from(x));
    const m = all.reduce((a, b) => a + b, 0) / all.length;
    return { m, s: Math.sqrt(all.reduce((a, b) => a + (b - m) ** 2, 0) / all.length) };
  };
  for (const k of [1, 2]) {
    const { m, s } = moments(seen.slice(0, k).map((x) => x.raw));
    assert.ok(s > 1e-3, "the random D's reward varies");
    close(seen[k].paid, Array.from(seen[k].raw, (r) => (r - m) / s), `rollout ${k + 1}`);
  }
  const ckpt = JSON.parse(JSON.stringify(await g.checkpoint()));
  assert.equal(ckpt.extra.rewardStats.count > 190, true, "the statistics hold every row paid");
  const h = tiny({ control: "randomD", rewardForm: "neglog1mD", rewardNorm: "running", absorbing: false });
  await h.restore(ckpt);
  delete ckpt.extra.rewardStats;
  const k = tiny({ control: "randomD", rewardForm: "neglog1mD", rewardNorm: "running", absorbing: false });
  await assert.rejects(() => k.restore(ckpt), /lacks the reward statistics/);
  assert.throws(() => tiny({ rewardNorm: "ema" as never }), /rewardNorm must be one of none, running/);
  for (const t of [g, h, k]) t.dispose();
});

/** How often the trainer's greedy policy picks the hand-coded CartPole expert's action on its demonstration states. */
function expertAgreement(g: GAIL): number {
  const e = expertSamples(cartDemos, { every: 1, rng: new Rng(0), absorbingHorizon: null }).samples;
  return tf.tidy(() => {
    const pol = g.policy as unknown as { prepare(t: tf.Tensor2D): tf.Tensor2D; net: { apply(t: tf.Tensor): tf.Tensor } };
    const greedy = tf.argMax(pol.net.apply(pol.prepare(tf.tensor2d(e.obs, [e.n, e.obsDim]))), 1).dataSync();
    let same = 0;
    for (let i = 0; i < e.n; i++) if (greedy[i] === e.actions[i]) same++;
    return same / e.n;
  });
}

test("bcWarmStart: the generator's policy starts fitted to the expert's pairs (its greedy action agrees with the expert's far more often, its cross-entropy falls), 0 leaves it as it was, no tensors leak", () => {
  const e = expertSamples(cartDemos, { every: 1, rng: new Rng(0), absorbingHorizon: null }).samples;
  const cold = tiny();
  const off = tiny({ bcWarmStart: 0 });
  assert.deepEqual(getFlat(off.policy.trainableVariables), getFlat(cold.policy.trainableVariables), "bcWarmStart 0 changes nothing");
  const before = tf.memory().numTensors;
  const warm = tiny({ bcWarmStart: 300, bcWarmStartLr: 3e-3 });
  const warmTensors = tf.memory().numTensors - before;
  const aCold = expertAgreement(cold);
  const aWarm = expertAgreement(warm);
  assert.ok(aWarm >= 0.9 && aWarm > aCold + 0.2, `greedy agreement with the expert: cold ${aCold.toFixed(3)}, warm ${aWarm.toFixed(3)}`);
  // the warm trainer holds exactly as many tensors as a cold one (the cloning disposed all of its own)
  const b2 = tf.memory().numTensors;
  const cold2 = tiny();
  assert.equal(warmTensors, tf.memory().numTensors - b2, "the warm start leaks no tensors");
  assert.throws(() => tiny({ bcWarmStart: 1.5 }), /bcWarmStart must be a non-negative integer/);
  // the cloning itself: the cross-entropy on the pairs falls
  const fit = clonePolicyInPlace(cold2.policy as CategoricalPolicy, e.obs.subarray(0, e.n * e.obsDim), e.actions.subarray(0, e.n), { steps: 100, lr: 3e-3, batchSize: 64, rng: new Rng(1) });
  assert.ok(fit.lossAfter < 0.8 * fit.lossBefore, `cross-entropy ${fit.lossBefore.toFixed(3)} → ${fit.lossAfter.toFixed(3)}`);
  for (const t of [cold, off, warm, cold2]) t.dispose();
});

test("policyHoldRounds: during the hold the policy stays exactly as it was while the value function learns; after it the policy moves; no tensors leak", async () => {
  // 2 envs × 32 steps = 64 steps a round
  const g = tiny({ policyHoldRounds: 2 });
  const pol0 = getFlat(g.policy.trainableVariables);
  const val0 = getFlat(g.gen.value.trainableVariables);
  await g.learn(64);
  const before = tf.memory().numTensors;
  await g.learn(128);
  assert.equal(tf.memory().numTensors, before, "a held round leaks no tensors");
  assert.deepEqual(getFlat(g.policy.trainableVariables), pol0, "two held rounds leave π's parameters as they were");
  assert.notDeepEqual(getFlat(g.gen.value.trainableVariables), val0, "V learns during the hold");
  await g.learn(192);
  assert.notDeepEqual(getFlat(g.policy.trainableVariables), pol0, "the third round moves π");
  const free = tiny();
  await free.learn(64);
  assert.notDeepEqual(getFlat(free.policy.trainableVariables), pol0, "without the hold the first round moves π");
  assert.throws(() => tiny({ policyHoldRounds: -1 }), /policyHoldRounds must be a non-negative integer/);
  for (const t of [g, free]) t.dispose();
});

test("bcRoundSteps: cloning steps after every generator update pull the policy to the expert's actions, the same seed gives the same run, no tensors leak", async () => {
  const plain = tiny();
  await plain.learn(128);
  const g = tiny({ bcRoundSteps: 150, bcRoundLr: 3e-3 });
  await g.learn(64);
  const before = tf.memory().numTensors;
  await g.learn(128);
  assert.equal(tf.memory().numTensors, before, "a round with cloning steps leaks no tensors");
  const aPlain = expertAgreement(plain);
  const aBc = expertAgreement(g);
  assert.ok(aBc >= 0.75 && aBc > aPlain + 0.3, `greedy agreement with the expert after 2 rounds: plain ${aPlain.toFixed(3)}, with cloning ${aBc.toFixed(3)}`);
  const h = tiny({ bcRoundSteps: 150, bcRoundLr: 3e-3 });
  await h.learn(128);
  assert.deepEqual(getFlat(h.policy.trainableVariables), getFlat(g.policy.trainableVariables), "one seed, one run");
  assert.throws(() => tiny({ bcRoundSteps: 0.5 }), /bcRoundSteps must be a non-negative integer/);
  for (const t of [plain, g, h]) t.dispose();
});
