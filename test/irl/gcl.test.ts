/** lib/irl/gcl.ts and the study's controls: GCL's objective on hand-worked numbers, its background densities, leaks, determinism, errors; the control margins. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { tf, initBackend, GanrlError } from "../../lib/core";
import { handCodedExpert, recordDemos, DemoSet } from "../../lib/imitation";
import { GCL, episodeRows, constantRewardModel, costRewardModel, withAbsorbingFloor, absorbingValue } from "../../lib/irl";
import { transferRows, IrlRunResult } from "../../lib/irl/experiment";

let demos: DemoSet;
before(async () => {
  await initBackend({ quiet: true });
  demos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 1, seed: 5 });
});

const tiny = { numEnvs: 2, nSteps: 32, batchSize: 64, nEpochs: 1, hidden: [8] };
const makeGcl = (extra: Record<string, unknown> = {}) => new GCL({ envId: "CartPole-v1", demos, generator: "ppo", generatorOptions: tiny, discSteps: 2, costHidden: [8], mixtureRounds: 2, seed: 3, ...extra });

/** Sets an MLP to output the constant `c` (all weights 0, last bias c). */
function constantNet(params: tf.Variable[], c: number): void {
  tf.tidy(() => params.forEach((p, i) => p.assign(i === params.length - 1 ? tf.tensor1d([c]) : tf.zerosLike(p))));
}

/** Two hand-made episodes of CartPole rows: lengths 2 (terminated) and 3 (not). */
const twoEpisodes = () => [
  { obs: new Float32Array(8), nextObs: new Float32Array(8), actions: Int32Array.from([0, 1]), terminated: true },
  { obs: new Float32Array(12), nextObs: new Float32Array(12), actions: Int32Array.from([1, 1, 0]), terminated: false },
];

test("episode rows: absorbing row of weight H − T for a terminated episode, episode index per row", () => {
  const e = episodeRows(twoEpisodes(), 4, 5);
  assert.equal(e.count, 2);
  assert.equal(e.rows.n, 6);
  assert.deepEqual(Array.from(e.episode), [0, 0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(e.rows.absorbing), [0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(e.rows.weight), [1, 1, 1, 1, 1, 3]);
  assert.deepEqual(Array.from(e.rows.terminated), [0, 1, 0, 0, 0, 0]);
  assert.equal(episodeRows(twoEpisodes(), 4, null).rows.n, 5, "no absorbing rows without a horizon");
});

test("GCL objective on hand-worked numbers: constant cost k gives L = log Σ_j e^{−log q_j} − log N, and the notes' form −mean R_E + logsumexp R", () => {
  for (const partition of ["is", "notes"] as const) {
    const gcl = makeGcl({ partition, costL2: 0, discSteps: 1 });
    try {
      const k = 0.5;
      constantNet(gcl.cost.c.params, k);
      const H = 5;
      const demo = episodeRows([twoEpisodes()[1]], 4, H); // 3 steps, not terminated: R_E = −3k
      const bg = episodeRows(twoEpisodes(), 4, H); // R = −(2 + 3)k (padded to H) and −3k
      const logQ = Float64Array.from([Math.log(0.5), Math.log(0.25)]);
      const m = gcl.cost.updateEpisodes(demo, bg, logQ, Uint8Array.from([1, 1]));
      const RE = -3 * k, R = [-5 * k, -3 * k];
      const lse = (xs: number[]) => Math.log(xs.reduce((u, x) => u + Math.exp(x), 0));
      const isLoss = -RE + lse(R.map((r, j) => r - logQ[j])) - Math.log(2);
      const notesLoss = -RE + lse(R);
      const want = partition === "is" ? isLoss : notesLoss;
      assert.ok(Math.abs(m["cost/loss"] - want) < 1e-5, `${partition}: loss ${m["cost/loss"]}, expected ${want}`);
      assert.ok(Math.abs(m["cost/logZ"] - (lse(R.map((r, j) => r - logQ[j])) - Math.log(2))) < 1e-5);
      assert.ok(Math.abs(m["cost/notesBias"] - (lse(R) - (lse(R.map((r, j) => r - logQ[j])) - Math.log(2)))) < 1e-5);
      assert.ok(Math.abs(m["cost/returnExpert"] - RE) < 1e-6 && Math.abs(m["cost/returnPolicy"] - (R[0] + R[1]) / 2) < 1e-6);
      // c(s_a) is read after the step: one Adam step of size lr = 1e-3 away from k
      assert.ok(Math.abs(m["cost/absorbingCost"] - k) < 2e-3);
    } finally {
      gcl.dispose();
    }
  }
});

test("GCL background: with one sampler and no demonstrations log q is the sum of the rollout's own log π; with demonstrations they join at ½q + ½", async () => {
  const gcl = makeGcl({ mixtureRounds: 1, demosInBackground: false });
  try {
    await gcl.learn(tiny.numEnvs * tiny.nSteps);
    const b = gcl.gen.batch;
    const N = tiny.numEnvs;
    const want: number[] = [];
    for (let e = 0; e < N; e++) {
      let acc = 0;
      for (let t = 0; t < tiny.nSteps; t++) {
        const i = t * N + e;
        acc += b.logProb[i];
        if (b.terminated[i] || b.truncated[i]) {
          want.push(acc);
          acc = 0;
        }
      }
    }
    const got = gcl.lastBackground!;
    assert.equal(got.logQ.length, want.length);
    // episodes are gathered in row order, not env order: compare as sorted multisets
    const sort = (x: ArrayLike<number>) => Array.from(x).sort((a, c) => a - c);
    sort(got.logQ).forEach((v, j) => assert.ok(Math.abs(v - sort(want)[j]) < 1e-3, `log q ${v} vs ${sort(want)[j]}`));
  } finally {
    gcl.dispose();
  }
  const withDemos = makeGcl({ mixtureRounds: 1 });
  try {
    await withDemos.learn(tiny.numEnvs * tiny.nSteps);
    const { logQ, isPolicy } = withDemos.lastBackground!;
    const nPol = isPolicy.reduce((u, x) => u + x, 0);
    assert.equal(logQ.length, nPol + demos.trajectories.length);
    // a demonstration's density is ½ q_π + ½·1 ≥ ½
    for (let j = nPol; j < logQ.length; j++) assert.ok(logQ[j] >= -Math.LN2 - 1e-9 && logQ[j] < 0);
  } finally {
    withDemos.dispose();
  }
});

test("GCL: no tensor leaks across rounds, the cost and the policy change, and the same seed gives the same cost", async () => {
  const start = tf.memory().numTensors;
  const run = async (seed: number) => {
    const gcl = makeGcl({ seed });
    try {
      const c0 = gcl.cost.c.params.map((p) => Array.from(p.dataSync()));
      const pi0 = Array.from(gcl.policy.net.params[0].dataSync());
      await gcl.learn(2 * tiny.numEnvs * tiny.nSteps);
      const mid = tf.memory().numTensors;
      await gcl.learn(5 * tiny.numEnvs * tiny.nSteps);
      assert.equal(tf.memory().numTensors, mid, "tensors must stay flat once the sampler copies are full");
      const c1 = gcl.cost.c.params.map((p) => Array.from(p.dataSync()));
      assert.notDeepEqual(c1, c0, "the cost must change");
      assert.notDeepEqual(Array.from(gcl.policy.net.params[0].dataSync()), pi0, "the policy must change");
      return c1.flat();
    } finally {
      gcl.dispose();
    }
  };
  const a = await run(7), b = await run(7), c = await run(8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(tf.memory().numTensors, start, "dispose frees every tensor");
});

test("GCL bad input: unknown partition, discReplay, and the row-wise update are refused with the fix", () => {
  assert.throws(() => makeGcl({ partition: "exact" }), (e: unknown) => e instanceof GanrlError && /partition must be "is" or "notes"/.test(e.message));
  assert.throws(() => makeGcl({ discReplay: 2 }), (e: unknown) => e instanceof GanrlError && /mixtureRounds/.test(e.message));
  assert.throws(() => makeGcl({ mixtureRounds: 0 }), GanrlError);
  const gcl = makeGcl();
  try {
    assert.throws(() => gcl.cost.update(), (e: unknown) => e instanceof GanrlError && /GCL\.learn/.test(e.message));
  } finally {
    gcl.dispose();
  }
});

test("controls: the constant carries no information even with the floor; the floor alone prices s_a below every state; the random net is u = −c", () => {
  const support = { n: 3, obsDim: 4, obs: new Float32Array(12), actions: new Int32Array(3), nextObs: new Float32Array(12), terminated: Uint8Array.from([0, 1, 0]), absorbing: Uint8Array.from([0, 0, 1]), episodes: 1, meanReturn: 0 };
  const c = constantRewardModel("const", 1);
  assert.equal(withAbsorbingFloor(c, support).floor, 1);
  assert.equal(absorbingValue(withAbsorbingFloor(c, support), 4), absorbingValue(c, 4));
  const f = constantRewardModel("floor-only", 0, -1);
  assert.deepEqual(Array.from(f.u(new Float32Array(8), new Int32Array(2), Uint8Array.from([0, 1]), 2)), [0, -1]);
  const gcl = makeGcl();
  try {
    constantNet(gcl.cost.c.params, 2);
    assert.deepEqual(Array.from(costRewardModel(gcl.cost).u(new Float32Array(8), new Int32Array(2), Uint8Array.from([0, 1]), 2)), [-2, -2]);
  } finally {
    gcl.dispose();
  }
});

test("transfer rows: normalised scores, the best control and the margin over it on hand-worked returns", () => {
  const cell = (o: number, c: number) => ({ original: { mean: o, std: 0 }, changed: { mean: c, std: 0 } });
  const result = (seed: number, g: number): IrlRunResult =>
    ({
      envId: "CartPole-v1",
      seed,
      reference: { original: { expert: 500, random: 20 }, changed: { expert: 100, random: 20 } },
      transfer: { "airl-g": cell(g, 260), "random-net": cell(116, 60), const: cell(20, 20), "floor-only": cell(500, 140), true: cell(500, 420) },
    }) as unknown as IrlRunResult;
  const rows = transferRows([result(0, 500), result(1, 452)]);
  const get = (dyn: string, reward: string) => rows.find((r) => r.dynamics === dyn && r.reward === reward)!;
  // original: g = (500 − 20)/480 = 1 and (452 − 20)/480 = 0.9; best control floor-only at 1
  assert.ok(Math.abs((get("original", "airl-g").normalizedMean as number) - 0.95) < 1e-9);
  assert.equal(get("original", "airl-g").atLeast90pctRef, 2);
  assert.equal(get("original", "airl-g").bestControl, "floor-only");
  assert.ok(Math.abs((get("original", "airl-g").marginOverBestControl as number) + 0.05) < 1e-9);
  // changed: reference = true-reward policy (420 > 100): g (260 − 20)/400 = 0.6, floor-only 0.3 → margin 0.3
  assert.equal(get("changed", "airl-g").reference, "true true");
  assert.ok(Math.abs((get("changed", "airl-g").marginOverBestControl as number) - 0.3) < 1e-9);
  assert.equal(get("changed", "const").kind, "control");
  assert.deepEqual(rows.filter((r) => r.dynamics === "original").map((r) => r.reward), ["airl-g", "random-net", "const", "floor-only", "true"]);
});
