import { test } from "node:test";
import * as assert from "node:assert/strict";
import { GanrlError } from "../../lib/core";
import { randomMDP, gridworld, tightrope, checkMDP, occupancyMeasure, policyFromOccupancy, uniformPolicy, randomPolicy, evaluatePolicy } from "../../lib/tabular";

const rowSums = (P: number[][][]) => P.flatMap((r) => r.map((p) => p.reduce((u, v) => u + v, 0)));

test("randomMDP: shapes, normalised rows, same seed same MDP, other seed differs", () => {
  const m = randomMDP({ nStates: 4, nActions: 2, seed: 3 });
  assert.equal(m.P.length, 4);
  assert.equal(m.P[0].length, 2);
  assert.equal(m.P[0][0].length, 4);
  assert.equal(m.r.length, 4);
  assert.equal(m.r[0].length, 2);
  for (const s of rowSums(m.P)) assert.ok(Math.abs(s - 1) < 1e-12);
  assert.ok(Math.abs(m.p0.reduce((u, v) => u + v, 0) - 1) < 1e-12);
  assert.deepEqual(randomMDP({ nStates: 4, nActions: 2, seed: 3 }), m);
  assert.notDeepEqual(randomMDP({ nStates: 4, nActions: 2, seed: 4 }), m);
  const sparse = randomMDP({ nStates: 6, nActions: 2, seed: 1, branching: 2 });
  for (const row of sparse.P.flat()) assert.equal(row.filter((v) => v > 0).length, 2);
  checkMDP(sparse);
});

test("gridworld: deterministic and slippery moves", () => {
  const g = gridworld({ width: 3, height: 2 });
  checkMDP(g);
  assert.equal(g.P.length, 6);
  assert.equal(g.P[0][1][1], 1); // right from (0,0) goes to (1,0)
  assert.equal(g.P[0][0][0], 1); // up from the top row bumps the wall
  assert.equal(g.r[5][0], 1); // goal bottom-right
  const s = gridworld({ width: 3, height: 3, slip: 0.2 });
  checkMDP(s);
  // From the centre (state 4), "right" goes right with 0.8 + 0.2/4 and each other direction with 0.05.
  assert.ok(Math.abs(s.P[4][1][5] - 0.85) < 1e-12);
  assert.ok(Math.abs(s.P[4][1][1] - 0.05) < 1e-12);
  assert.equal(s.P[4][4][4], 1);
});

test("tightrope: expert never falls; recover controls the fallen state", () => {
  const m = tightrope({ length: 4, recover: 0.3 });
  checkMDP(m);
  assert.equal(m.P[3][0][0], 1); // ring
  assert.equal(m.P[2][1][4], 1); // lean = fall
  assert.ok(Math.abs(m.P[4][0][0] - 0.3) < 1e-15);
  assert.equal(m.r[4][0], -1);
});

test("validation: errors name the problem", () => {
  const m = randomMDP({ nStates: 3, nActions: 2, seed: 0 });
  const bad = JSON.parse(JSON.stringify(m));
  bad.P[1][0][0] += 0.1;
  assert.throws(() => checkMDP(bad), (e: Error) => e instanceof GanrlError && /mdp\.P\[1\]\[0\].*sums to/.test(e.message));
  const nan = JSON.parse(JSON.stringify(m));
  nan.r[0][1] = NaN;
  assert.throws(() => checkMDP(nan), /mdp\.r\[0\]\[1\] must be a finite number/);
  const short = { ...m, p0: [1, 0] };
  assert.throws(() => checkMDP(short), /p0.*length 2.*3/);
  const pi = uniformPolicy(3, 2);
  assert.throws(() => occupancyMeasure(m, pi, 1), (e: Error) => e instanceof GanrlError && /gamma.*\[0, 1\)/.test(e.message));
  assert.throws(() => occupancyMeasure(m, pi, -0.1), /gamma/);
  assert.throws(() => occupancyMeasure(m, [[0.5, 0.5]], 0.9), /1 rows but the MDP has 3 states/);
  assert.throws(() => occupancyMeasure(m, [[0.5, 0.6], [0.5, 0.5], [1, 0]], 0.9), /policy pi\[0\] sums to 1\.1/);
  assert.throws(() => evaluatePolicy(m, pi, 0.9, [[1, 2]]), /reward table/);
  assert.throws(() => policyFromOccupancy([[1, -1]]), /negative/);
  assert.throws(() => randomMDP({ nStates: 0, nActions: 2, seed: 0 }), /nStates must be a positive integer/);
  assert.throws(() => randomMDP({ nStates: 2, nActions: 2, seed: -1 }), /seed must be a non-negative integer/);
  assert.throws(() => gridworld({ width: 2, height: 2, goal: [5, 0] }), /goal must be a cell/);
  assert.throws(() => gridworld({ width: 2, height: 2, slip: 2 }), /slip/);
});

test("randomPolicy: seeded, full support, rows sum to 1", () => {
  const p = randomPolicy(4, 3, 5);
  assert.deepEqual(randomPolicy(4, 3, 5), p);
  for (const row of p) {
    assert.ok(Math.abs(row.reduce((u, v) => u + v, 0) - 1) < 1e-12);
    for (const v of row) assert.ok(v > 0);
  }
  assert.deepEqual(randomPolicy(2, 4, 0, 0), uniformPolicy(2, 4));
});
