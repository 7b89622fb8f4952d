import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { computeGae, RolloutBatch, RolloutCollector, VecEnvLike, PPO, Reinforce, TRPO, DQN, evaluate } from "../../lib/rl";
import { CategoricalPolicy, ValueNet, categoricalKl, getFlat } from "../../lib/nn";

before(async () => {
  await initBackend({ quiet: true });
});

test("GAE equals a hand-computed example (γ = λ = 0.5, truncation at t=1)", () => {
  const base = { nSteps: 3, nEnvs: 1, rewards: [1, 2, 3], values: [0.5, 1, 1.5], terminated: [0, 0, 0], truncated: [0, 1, 0], bootstrapValues: [0, 4, 0], lastValues: [2], gamma: 0.5, lambda: 0.5 };
  // t=2: δ = 3 + .5·2 − 1.5 = 2.5; t=1 (cut-off, V(finalObs)=4): δ = 2 + .5·4 − 1 = 3; t=0: δ = 1 + .5·1 − .5 = 1, A = 1 + .25·3
  const { advantages, returns } = computeGae(base);
  assert.deepEqual(Array.from(advantages), [1.75, 3, 2.5]);
  assert.deepEqual(Array.from(returns), [2.25, 4, 4]);
  // a true terminal at t=1: no bootstrap (δ = 2 − 1 = 1)
  const term = computeGae({ ...base, terminated: [0, 1, 0] });
  assert.deepEqual(Array.from(term.advantages), [1.25, 1, 2.5]);
});

/** Two envs with obs = [step]; env 0 terminates and env 1 is truncated after 2 steps; final obs 100 and 200. */
class FakeVec implements VecEnvLike {
  numEnvs = 2;
  obsDim = 1;
  nActions = 2;
  t = 0;
  private res = { obs: new Float32Array(2), rewards: new Float64Array(2), terminated: new Uint8Array(2), truncated: new Uint8Array(2), finalObs: new Float32Array(2), episodeReturn: new Float64Array(2), episodeLength: new Int32Array(2) };
  reset(): Float32Array {
    this.t = 0;
    return new Float32Array([0, 0]);
  }
  step(): ReturnType<VecEnvLike["step"]> {
    this.t++;
    const r = this.res;
    r.rewards.fill(1);
    const end = this.t % 2 === 0;
    r.terminated.set([end ? 1 : 0, 0]);
    r.truncated.set([0, end ? 1 : 0]);
    r.finalObs.set(end ? [100, 200] : [this.t, this.t]);
    r.obs.set(end ? [0, 0] : [this.t, this.t]); // auto-reset rows hold the new episode's obs
    r.episodeReturn.set(end ? [2, 2] : [0, 0]);
    r.episodeLength.set(end ? [2, 2] : [0, 0]);
    return r;
  }
}

test("rollout: a truncated step bootstraps from V(finalObs), a terminated one does not; nextObs is finalObs", () => {
  const env = new FakeVec();
  const pi = new CategoricalPolicy({ obsDim: 1, nActions: 2 }, new Rng(1));
  const v = new ValueNet({ obsDim: 1 }, new Rng(2));
  const batch = new RolloutBatch(4, 2, 1);
  const col = new RolloutCollector(env, 0);
  const stats = col.collect(pi, v, batch, new Rng(3));
  assert.equal(stats.returns.length, 4);
  const v200 = v.predictArray(new Float32Array([200]))[0];
  const v0 = v.predictArray(new Float32Array([0]))[0];
  // row t=1 (index 1*2+e) ends both episodes
  assert.deepEqual(Array.from(batch.nextObs.subarray(2, 4)), [100, 200]);
  assert.equal(batch.terminated[2], 1);
  assert.equal(batch.bootstrapValues[2], 0);
  assert.equal(batch.truncated[3], 1);
  assert.ok(Math.abs(batch.bootstrapValues[3] - v200) < 1e-6);
  assert.notEqual(batch.bootstrapValues[3], v0);
  batch.rewards.set(batch.envRewards);
  batch.computeAdvantages(0.9, 1);
  // return at the truncated step = r + γ V(finalObs); at the terminal one = r
  assert.ok(Math.abs(batch.returns[3] - (1 + 0.9 * v200)) < 1e-5);
  assert.ok(Math.abs(batch.returns[2] - 1) < 1e-6);
  pi.dispose();
  v.dispose();
});

type Trainer = { trainIteration?: () => Promise<unknown>; learn: (n: number) => Promise<unknown>; dispose(): void; step: number };

async function leakCheck(name: string, make: () => Trainer, vars: (t: Trainer) => tf.Variable[], stepFn: (t: Trainer) => Promise<unknown>): Promise<void> {
  const t = make();
  await stepFn(t); // burn-in (optimiser slots, cached tensors)
  const before = getFlat(vars(t));
  const n0 = tf.memory().numTensors;
  await stepFn(t);
  assert.equal(tf.memory().numTensors, n0, `${name} leaks tensors`);
  const after = getFlat(vars(t));
  let changed = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed++;
  assert.ok(changed > before.length / 2, `${name}: only ${changed}/${before.length} weights changed`);
  t.dispose();
}

test("PPO, REINFORCE and TRPO: no tensor leak per iteration, and weights change", async () => {
  const small = { seed: 1, numEnvs: 2, nSteps: 32 };
  await leakCheck("PPO", () => new PPO({ ...small, normalizeObs: true }) as unknown as Trainer, (t) => [...(t as unknown as PPO).policy.trainableVariables, ...(t as unknown as PPO).value.trainableVariables], (t) => t.trainIteration!());
  await leakCheck("REINFORCE", () => new Reinforce(small) as unknown as Trainer, (t) => [...(t as unknown as Reinforce).policy.trainableVariables, ...(t as unknown as Reinforce).value.trainableVariables], (t) => t.trainIteration!());
  await leakCheck("TRPO", () => new TRPO(small) as unknown as Trainer, (t) => [...(t as unknown as TRPO).policy.trainableVariables, ...(t as unknown as TRPO).value.trainableVariables], (t) => t.trainIteration!());
});

test("DQN: no tensor leak per training phase, and weights change", async () => {
  const t = new DQN({ seed: 1, hidden: [32, 32], learningStarts: 100, trainFreq: 50, gradientSteps: 5, logInterval: 50 });
  await t.learn(200);
  const before = getFlat(t.q.params);
  const n0 = tf.memory().numTensors;
  await t.learn(300);
  assert.equal(tf.memory().numTensors, n0, "DQN leaks tensors");
  const after = getFlat(t.q.params);
  assert.ok(before.some((x, i) => x !== after[i]));
  t.dispose();
});

test("TRPO: the accepted step respects the KL bound", async () => {
  const maxKl = 0.01;
  const t = new TRPO({ seed: 2, numEnvs: 4, nSteps: 64, maxKl });
  for (let it = 0; it < 3; it++) {
    const m = await t.trainIteration();
    assert.ok(m["losses/approxKl"] <= maxKl + 1e-9, `line search returned KL ${m["losses/approxKl"]}`);
  }
  // direct check: snapshot the policy, take one update, measure the KL on that batch
  const snapshot = CategoricalPolicy.fromJSON(t.policy.save());
  const m = await t.trainIteration();
  const kl = tf.tidy(() => {
    const x = tf.tensor2d(t.batch.obs, [t.batch.size, t.env.obsDim]);
    return tf.mean(categoricalKl(snapshot.logits(x), t.policy.logits(x))).dataSync()[0];
  });
  // the line search accepted a step whose KL on this very batch is ≤ δ (float32 reductions: 1e-6)
  assert.equal(m["trpo/accepted"], 1, "this seed's step is accepted (otherwise nothing is checked)");
  assert.ok(kl > 0 && kl <= maxKl + 1e-6, `KL after step ${kl}, δ = ${maxKl}`);
  assert.ok(Math.abs(kl - m["losses/approxKl"]) < 1e-6, `measured KL ${kl}, line search's ${m["losses/approxKl"]}`);
  snapshot.dispose();
  t.dispose();
});

test("determinism: two PPO runs with one seed agree exactly; checkpoint → restore round trip", async () => {
  const run = async () => {
    const t = new PPO({ seed: 7, numEnvs: 2, nSteps: 32, batchSize: 32 });
    const r = await t.learn(128);
    const w = getFlat(t.policy.trainableVariables);
    return { t, r, w };
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(Array.from(a.w), Array.from(b.w));
  assert.deepEqual(a.r.metrics["losses/policy"], b.r.metrics["losses/policy"]);
  const ckpt = JSON.parse(JSON.stringify(await a.t.checkpoint()));
  const c = new PPO({ seed: 99, numEnvs: 2, nSteps: 32, batchSize: 32 });
  await c.restore(ckpt);
  assert.equal(c.step, 128);
  assert.deepEqual(Array.from(getFlat(c.policy.trainableVariables)), Array.from(a.w));
  const ckpt2 = await c.checkpoint();
  assert.deepEqual(ckpt2.optimizers.adam.map((p) => p.values), ckpt.optimizers.adam.map((p: { values: number[] }) => p.values));
  let calls = 0;
  const res = await c.learn(100000, { callback: () => ++calls < 2 });
  assert.equal(res.stoppedBy, "callback");
  assert.equal(c.step, 128 + 2 * 64);
  for (const t of [a.t, b.t, c]) t.dispose();
});

test("DQN checkpoint → restore: q and target nets, Adam moments, counters and gradient steps", async () => {
  const a = new DQN({ seed: 3, hidden: [16], learningStarts: 32, trainFreq: 16, gradientSteps: 2, logInterval: 64 });
  await a.learn(128);
  const ckpt = JSON.parse(JSON.stringify(await a.checkpoint()));
  assert.equal(ckpt.algo, "dqn");
  assert.ok(ckpt.extra.gradSteps > 0 && ckpt.nets.q && ckpt.nets.target && ckpt.optimizers.adam.length > 0);
  const b = new DQN({ seed: 99, hidden: [16], learningStarts: 32, trainFreq: 16, gradientSteps: 2, logInterval: 64 });
  await b.restore(ckpt);
  assert.equal(b.step, 128);
  assert.deepEqual(Array.from(getFlat(b.q.params)), Array.from(getFlat(a.q.params)));
  const again = JSON.parse(JSON.stringify(await b.checkpoint()));
  for (const k of ["nets", "optimizers", "step", "iteration", "totalSteps", "episodes", "extra"]) assert.deepEqual(again[k], ckpt[k], k);
  a.dispose();
  b.dispose();
});

test("evaluate: returns, lengths, mean, std over seeded episodes", () => {
  const pi = new CategoricalPolicy({ obsDim: 4, nActions: 2 }, new Rng(1));
  const r1 = evaluate(pi, "CartPole-v1", { episodes: 3, seed: 5 });
  const r2 = evaluate(pi, "CartPole-v1", { episodes: 3, seed: 5 });
  assert.deepEqual(r1, r2);
  assert.equal(r1.returns.length, 3);
  assert.deepEqual(r1.returns, r1.lengths);
  pi.dispose();
});

test("determinism: REINFORCE, TRPO and DQN runs with one seed agree exactly, and another seed differs", async () => {
  const weightsAfter = async (make: (seed: number) => { learn(n: number): Promise<unknown>; dispose(): void }, params: (t: never) => tf.Variable[], steps: number, seed: number) => {
    const t = make(seed);
    await t.learn(steps);
    const w = Array.from(getFlat(params(t as never)));
    t.dispose();
    return w;
  };
  const cases: [string, (seed: number) => { learn(n: number): Promise<unknown>; dispose(): void }, (t: never) => tf.Variable[], number][] = [
    ["REINFORCE", (seed) => new Reinforce({ seed, numEnvs: 2, nSteps: 32 }), (t: Reinforce) => t.policy.trainableVariables, 128],
    ["TRPO", (seed) => new TRPO({ seed, numEnvs: 2, nSteps: 32 }), (t: TRPO) => t.policy.trainableVariables, 128],
    ["DQN", (seed) => new DQN({ seed, hidden: [16, 16], learningStarts: 64, trainFreq: 16, gradientSteps: 2, logInterval: 64 }), (t: DQN) => t.q.params, 256],
  ];
  for (const [name, make, params, steps] of cases) {
    const a = await weightsAfter(make, params, steps, 3);
    const b = await weightsAfter(make, params, steps, 3);
    const c = await weightsAfter(make, params, steps, 4);
    assert.deepEqual(a, b, `${name}: two runs with seed 3 differ`);
    assert.notDeepEqual(a, c, `${name}: seeds 3 and 4 gave identical weights`);
  }
});

test("checkpoints keep the episode counter past the 100-episode window, and malformed ones are named errors", async () => {
  // 4 envs × 32 steps, 3,200 steps of a near-random CartPole policy: well over 100 episodes
  const a = new PPO({ seed: 5, numEnvs: 4, nSteps: 32, batchSize: 64, nEpochs: 1 });
  await a.learn(3200);
  assert.ok(a.episodes.total > 100, `only ${a.episodes.total} episodes`);
  const ckpt = JSON.parse(JSON.stringify(await a.checkpoint()));
  assert.equal(ckpt.episodes.total, a.episodes.total);
  assert.equal(ckpt.episodes.returns.length, 100);
  const b = new PPO({ seed: 99, numEnvs: 4, nSteps: 32, batchSize: 64, nEpochs: 1 });
  await b.restore(ckpt);
  assert.equal(b.episodes.total, a.episodes.total);
  assert.deepEqual(b.episodes.returns, a.episodes.returns);
  for (const [field, edit] of [
    ["nets", (c: any) => delete c.nets],
    ["nets.value", (c: any) => delete c.nets.value],
    ["rng.main", (c: any) => (c.rng.main = "x")],
    ["step", (c: any) => (c.step = -1)],
    ["episodes", (c: any) => c.episodes.lengths.pop()],
  ] as [string, (c: unknown) => void][]) {
    const bad = structuredClone(ckpt);
    edit(bad);
    const fresh = new PPO({ seed: 1, numEnvs: 4, nSteps: 32, batchSize: 64, nEpochs: 1 });
    await assert.rejects(fresh.restore(bad), (e: Error) => e.name === "GanrlError" && e.message.includes(`checkpoint field '${field}'`), field);
    fresh.dispose();
  }
  a.dispose();
  b.dispose();
});
