/**
 * FEM's and GTAL's linear costs (lib/imitation/linear.ts) on a hand-worked example: one
 * observation dimension, two actions, three expert rows and one policy row.
 *
 * Expert s = 0, 2, 4 with a = 0, 1, 1: mean 2, std √(8/3), so z = −√1.5, 0, √1.5 (√1.5 = 1.224745).
 * φ(s, a) = [a=0 block: z, (0.01 z)²; a=1 block: z, (0.01 z)²; 1], |φ| = 5:
 *   μ_E = [−√1.5/3, 1.5e-4/3, √1.5/3, 1.5e-4/3, 1] = [−0.408248, 5e-5, 0.408248, 5e-5, 1].
 * Policy s = 4, a = 0: φ = [√1.5, 1.5e-4, 0, 0, 1] = μ_π.
 * FEM: w = (μ_E − μ_π)/‖·‖ with μ_E − μ_π = [−1.632993, −1e-4, 0.408248, 5e-5, 0], ‖·‖ = 1.683251.
 * GTAL: ψ = [φ, −φ] (10 columns); μ_π − μ_E over ψ = [1.632993, 1e-4, −0.408248, −5e-5, 0,
 *   −1.632993, −1e-4, 0.408248, 5e-5, 0], argmin at 5: r(s, a) = −φ_0(s, a)/10 = −[a = 0]·z/10.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../lib/core";
import { LinearCost, LinearCostMode } from "../../lib/imitation/linear";

const S15 = Math.sqrt(1.5);
const make = (mode: LinearCostMode, favorZeroExpertReward = false, seed = 0) =>
  new LinearCost({ mode, obsDim: 1, nActions: 2, expertObs: Float32Array.from([0, 2, 4]), expertActions: Int32Array.from([0, 1, 1]), favorZeroExpertReward, rng: new Rng(seed) });
const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test("features: one block per action of [z, (0.01 z)²] and a constant; expert feature expectations by hand", () => {
  const c = make("l2ball");
  assert.equal(c.featDim, 5);
  close(c.mean, [2]);
  close(c.std, [Math.sqrt(8 / 3)]);
  close(c.features([4], 0, 0, new Float64Array(5)), [S15, 1.5e-4, 0, 0, 1]);
  close(c.features([0], 0, 1, new Float64Array(5)), [0, 0, -S15, 1.5e-4, 1]);
  close(c.expertFeatures, [-S15 / 3, 5e-5, S15 / 3, 5e-5, 1]);
  const g = make("simplex");
  assert.equal(g.columns(), 10);
  close(g.expertFeatures, [-S15 / 3, 5e-5, S15 / 3, 5e-5, 1, S15 / 3, -5e-5, -S15 / 3, -5e-5, -1]);
});

test("FEM: w = (μ_E − μ_π)/‖μ_E − μ_π‖ and r = w·φ/|φ|", () => {
  const c = make("l2ball");
  const m = c.fit(Float32Array.from([4]), Int32Array.from([0]));
  const diff = [-S15 / 3 - S15, 5e-5 - 1.5e-4, S15 / 3, 5e-5, 0];
  const l2 = Math.hypot(...diff);
  assert.ok(Math.abs(m["cost/l2"] - l2) < 1e-6 && Math.abs(l2 - 1.683251) < 1e-6);
  close(c.w, diff.map((v) => v / l2), 1e-7); // (w is divided by ‖·‖ + 1e-8)
  // the expert row s = 0, a = 0 (z = −√1.5): w·φ/5
  const r = c.rawReward(Float32Array.from([0]), Int32Array.from([0]));
  close(r, [(diff[0] * -S15 + diff[1] * 1.5e-4 + 0) / l2 / 5], 1e-7);
  // the policy's own row is paid less than the expert's
  assert.ok(c.rawReward(Float32Array.from([4]), Int32Array.from([0]))[0] < r[0]);
});

test("GTAL: the coordinate of [φ, −φ] where the policy trails the expert most, r = ψ_j*/|ψ|", () => {
  const c = make("simplex");
  const m = c.fit(Float32Array.from([4]), Int32Array.from([0]));
  assert.equal(c.widx, 5);
  assert.ok(Math.abs(m["cost/vmin"] - -(S15 + S15 / 3)) < 1e-6);
  close(c.rawReward(Float32Array.from([0, 4, 0]), Int32Array.from([0, 0, 1])), [S15 / 10, -S15 / 10, 0], 1e-9);
});

test("the running shift gives the task's sign: ≥ 0 for −log(1 − D) tasks, ≤ 0 for log D tasks", () => {
  const obs = Float32Array.from([0, 1, 2, 3, 4]);
  const act = Int32Array.from([0, 1, 0, 1, 0]);
  for (const mode of ["l2ball", "simplex"] as const) {
    const pos = make(mode, false);
    const neg = make(mode, true);
    for (const c of [pos, neg]) c.fit(Float32Array.from([4]), Int32Array.from([0]));
    const rp = pos.reward(obs, act);
    const rn = neg.reward(obs, act);
    assert.ok(rp.every((v) => v >= 0) && Math.min(...rp) === 0, `${mode} positive`);
    assert.ok(rn.every((v) => v <= 0) && Math.max(...rn) === 0, `${mode} non-positive`);
    // the bound only grows in magnitude: a later batch with milder values keeps it
    const before = neg.rewardBound;
    neg.reward(Float32Array.from([2]), Int32Array.from([1]));
    assert.ok(neg.rewardBound >= before);
  }
});

test("the initial cost is seeded; state round-trips; bad input is named", () => {
  assert.deepEqual(Array.from(make("l2ball", false, 3).w), Array.from(make("l2ball", false, 3).w));
  assert.notDeepEqual(Array.from(make("l2ball", false, 3).w), Array.from(make("l2ball", false, 4).w));
  const a = make("simplex");
  a.fit(Float32Array.from([4]), Int32Array.from([0]));
  a.reward(Float32Array.from([0]), Int32Array.from([0]));
  const b = make("simplex", false, 9);
  b.load(JSON.parse(JSON.stringify(a.toJSON())));
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.throws(() => make("l2ball").load(a.toJSON()), /l2ball cost with 5 weights/);
  assert.throws(() => a.features([0], 0, 2, new Float64Array(10)), /action 2 is outside \[0, 2\)/);
  assert.throws(() => new LinearCost({ mode: "ball" as LinearCostMode, obsDim: 1, nActions: 2, expertObs: new Float32Array(1), expertActions: new Int32Array(1), favorZeroExpertReward: false, rng: new Rng(0) }), /l2ball, simplex/);
});
