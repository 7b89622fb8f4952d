/**
 * The GAIL paper protocol's fidelity options of the on-policy trainers: TRPO's trust-region value
 * fit (`vfFit: "trustRegion"`, the paper's vf_max_kl) and whole-episode batches (`wholeEpisodes`,
 * the paper's min_total_sa sampler).
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { TRPO, PPO } from "../../lib/rl";
import { GAIL } from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

/** A fixed regression batch: CartPole-like states and a smooth target of them. */
function fixedBatch(B: number, seed: number): { obs: Float32Array; ret: Float32Array } {
  const rng = new Rng(seed);
  const obs = new Float32Array(B * 4);
  const ret = new Float32Array(B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < 4; j++) obs[i * 4 + j] = rng.normal();
    ret[i] = 50 + 30 * Math.tanh(obs[i * 4]) - 20 * obs[i * 4 + 2] * obs[i * 4 + 3];
  }
  return { obs, ret };
}

test("trust-region value fit: every step keeps KL̄ = mean (V − V_old)²/σ_R² ≤ vfMaxKl and lowers the squared error on a fixed batch", () => {
  const trpo = new TRPO({ envId: "CartPole-v0", numEnvs: 1, nSteps: 8, hidden: [32, 32], vfFit: "trustRegion", vfMaxKl: 0.01, vfDamping: 0.1, seed: 3 });
  const B = 400;
  const { obs, ret } = fixedBatch(B, 11);
  let mean = 0;
  for (const r of ret) mean += r / B;
  let s2 = 0;
  for (const r of ret) s2 += (r - mean) ** 2 / B;
  const obsT = tf.tensor2d(obs, [B, 4]);
  const predict = () => trpo.value.predictArray(obs);
  const mse = (v: Float32Array) => v.reduce((s, x, i) => s + (x - ret[i]) ** 2, 0) / B;
  const n0 = tf.memory().numTensors;
  const first = mse(predict());
  let accepted = 0;
  for (let it = 0; it < 15; it++) {
    const before = predict();
    const step = trpo.fitValueTrustRegion(obsT, ret);
    const after = predict();
    // KL̄ measured afresh from the predictions, in units of the targets' variance
    const kl = before.reduce((s, x, i) => s + (after[i] - x) ** 2, 0) / B / s2;
    assert.ok(kl <= 0.01 + 1e-6, `step ${it}: KL̄ ${kl} exceeds vfMaxKl 0.01`);
    assert.ok(Math.abs(kl - step.kl) < 1e-4, `step ${it}: reported KL̄ ${step.kl}, measured ${kl}`);
    assert.ok(mse(after) <= mse(before) + 1e-9, `step ${it}: squared error rose from ${mse(before)} to ${mse(after)}`);
    if (step.accepted) {
      accepted++;
      assert.ok(mse(after) < mse(before), `step ${it}: an accepted step must lower the squared error`);
    }
  }
  assert.ok(accepted >= 10, `only ${accepted} of 15 steps accepted`);
  // the steps are large enough to matter: the bound is nearly used, and the error falls
  assert.ok(mse(predict()) < 0.8 * first, `squared error ${first} → ${mse(predict())}: the trust-region steps barely moved V`);
  assert.equal(tf.memory().numTensors, n0, "fitValueTrustRegion leaks tensors");
  obsT.dispose();
  trpo.dispose();
});

test("trust-region value fit inside TRPO's update: trains, reports vf/* metrics, Adam is the default", async () => {
  const tr = new TRPO({ envId: "CartPole-v0", numEnvs: 2, nSteps: 64, hidden: [16, 16], vfFit: "trustRegion", seed: 1 });
  const m = await tr.trainIteration();
  assert.ok(m["vf/kl"] <= 0.01 + 1e-6 && Number.isFinite(m["losses/value"]));
  const adam = new TRPO({ envId: "CartPole-v0", numEnvs: 2, nSteps: 64, hidden: [16, 16], seed: 1 });
  assert.equal(adam.opts.vfFit, "adam");
  assert.equal((await adam.trainIteration())["vf/kl"], undefined);
  assert.throws(() => new TRPO({ vfFit: "lbfgs" as never }), /vfFit must be "adam" or "trustRegion"/);
  tr.dispose();
  adam.dispose();
});

/** Splits a [T, 1] batch into its episodes at the terminated/truncated rows. */
function segments(b: { size: number; terminated: Uint8Array; truncated: Uint8Array }): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < b.size; i++) if (b.terminated[i] || b.truncated[i]) {
    out.push([start, i + 1]);
    start = i + 1;
  }
  assert.equal(start, b.size, "the batch's last row does not end an episode: a trajectory was cut");
  return out;
}

for (const numEnvs of [1, 3]) {
  test(`whole-episode batches (${numEnvs} env${numEnvs > 1 ? "s" : ""}): only complete trajectories, at least numEnvs × nSteps pairs, every batch`, async () => {
    const nSteps = Math.round(300 / numEnvs);
    const tr = new TRPO({ envId: "CartPole-v0", numEnvs, nSteps, hidden: [16, 16], wholeEpisodes: true, seed: 5 });
    const n0 = tf.memory().numTensors;
    for (let it = 0; it < 3; it++) {
      const before = tr.episodes.total;
      tr.collect();
      const b = tr.batch;
      assert.equal(b.nEnvs, 1);
      assert.ok(b.size >= numEnvs * nSteps, `batch of ${b.size} pairs, fewer than ${numEnvs * nSteps}`);
      const segs = segments(b);
      // the environment counts each episode from its reset: the segment lengths are those episodes' lengths
      assert.deepEqual(segs.map(([s, e]) => e - s), tr.episodes.lengths.slice(-segs.length));
      assert.equal(tr.episodes.total - before, segs.length, "every finished episode is in the batch");
      // with one env the overshoot is under one episode (the paper's sequential sampler)
      if (numEnvs === 1) assert.ok(b.size - segs[segs.length - 1][1] + segs[segs.length - 1][0] < nSteps, "one env: the last episode started before the minimum");
      for (const [s, e] of segs) {
        // each starts from CartPole's reset distribution (every state number in ±0.05) ...
        for (let j = 0; j < 4; j++) assert.ok(Math.abs(b.obs[s * 4 + j]) <= 0.05, `episode at row ${s} does not start from a reset`);
        // ... and is one unbroken chain s_{t+1} = next obs of s_t
        for (let t = s; t < e - 1; t++) for (let j = 0; j < 4; j++) assert.equal(b.nextObs[t * 4 + j], b.obs[(t + 1) * 4 + j]);
      }
      await b.relabel(() => new Float32Array(b.size).fill(1));
      await tr.improve();
    }
    assert.ok(tf.memory().numTensors <= n0 + 2, "whole-episode iterations leak tensors");
    tr.dispose();
  });
}

test("whole-episode batches: the default keeps nSteps × numEnvs rows with episodes running across batches; PPO and GAIL run on them", async () => {
  const plain = new TRPO({ envId: "CartPole-v0", numEnvs: 2, nSteps: 50, hidden: [8], seed: 5 });
  plain.collect();
  assert.equal(plain.batch.size, 100);
  assert.equal(plain.batch.nEnvs, 2);
  plain.dispose();
  const ppo = new PPO({ envId: "CartPole-v0", numEnvs: 2, nSteps: 64, batchSize: 64, nEpochs: 1, hidden: [8], wholeEpisodes: true, seed: 2 });
  await ppo.trainIteration();
  assert.ok(ppo.step >= 128);
  ppo.dispose();
  const demos = "data/demos/CartPole-v0/traj-1.json";
  const gail = new GAIL({ envId: "CartPole-v0", demos, demoEvery: 10, generator: "trpo", generatorOptions: { numEnvs: 2, nSteps: 100, hidden: [8], wholeEpisodes: true, vfFit: "trustRegion" }, discHidden: [8], absorbing: true, seed: 0 });
  const r = await gail.learn(600);
  assert.ok(r.step >= 600 && Number.isFinite(r.metrics["gen/gailReward"]));
  gail.dispose();
});
