/** Checks of notebooks/02_occupancy_measures.ipynb (same set-up: slippery 4×4 gridworld, γ = 0.9). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../lib/core";
import {
  gridworld, randomPolicy, occupancyMeasure, stateOccupancy, bellmanFlowResidual, policyFromOccupancy, evaluatePolicy,
  expectedUnderOccupancy, sampleTrajectories, empiricalOccupancy, l1Distance, randomMDP,
} from "../../lib/tabular";
import { maxAbsDiff } from "./setup";

const gamma = 0.9;
const grid = gridworld({ width: 4, height: 4, slip: 0.2 });
const pi = randomPolicy(16, 5, 1);
const rho = occupancyMeasure(grid, pi, gamma);
const maxAbs = (x: number[]) => Math.max(...x.map(Math.abs));

test("occupancy measure: satisfies the Bellman flow constraints; a perturbed one does not", () => {
  assert.ok(maxAbs(bellmanFlowResidual(grid, rho, gamma)) < 1e-12);
  const total = rho.flat().reduce((u, v) => u + v, 0);
  assert.ok(Math.abs(total - 1 / (1 - gamma)) < 1e-10);
  const bad = rho.map((r) => r.slice());
  bad[3][2] += 0.05;
  assert.ok(maxAbs(bellmanFlowResidual(grid, bad, gamma)) > 0.04);
  // d is the same quantity summed over actions.
  const d = stateOccupancy(grid, pi, gamma);
  d.forEach((v, s) => assert.ok(Math.abs(v - rho[s].reduce((u, x) => u + x, 0)) < 1e-12));
});

test("Proposition 3.1: π ↦ ρ_π ↦ π_ρ gives π back, and ρ_{π_ρ} = ρ", () => {
  const back = policyFromOccupancy(rho);
  assert.ok(maxAbsDiff(back, pi) < 1e-12);
  assert.ok(maxAbsDiff(occupancyMeasure(grid, back, gamma), rho) < 1e-12);
  // Another policy has another occupancy measure (injectivity on this example).
  const other = randomPolicy(16, 5, 2);
  assert.ok(l1Distance(occupancyMeasure(grid, other, gamma), rho) > 0.5);
});

test("Proposition 3.1 needs ρ in the valid set: a table violating the flow constraints is not ρ_{π_ρ}", () => {
  const rng = new Rng(3);
  const raw = rho.map((row) => row.map(() => rng.uniform()));
  const z = raw.flat().reduce((u, v) => u + v, 0);
  const fake = raw.map((row) => row.map((v) => v / z / (1 - gamma))); // same total mass 1/(1−γ)
  assert.ok(maxAbs(bellmanFlowResidual(grid, fake, gamma)) > 0.1);
  assert.ok(l1Distance(occupancyMeasure(grid, policyFromOccupancy(fake), gamma), fake) > 1);
});

test("expected cost: E_π[Σ γ^t c] = Σ ρ c = Σ p0 V_c, and Monte Carlo agrees", () => {
  const rng = new Rng(4);
  const c = grid.r.map((row) => row.map(() => rng.uniform()));
  const viaRho = expectedUnderOccupancy(rho, c);
  const viaV = evaluatePolicy(grid, pi, gamma, c).J;
  assert.ok(Math.abs(viaRho - viaV) < 1e-10);
  const c2 = c.map((r) => r.slice());
  c2[0][0] += 1; // state 0 is the start: the perturbation changes the cost by ρ(0,0) > 0
  assert.ok(Math.abs(expectedUnderOccupancy(rho, c2) - viaV) > 0.05);
  const trajs = sampleTrajectories(grid, pi, 200, 2000, new Rng(5));
  const est = empiricalOccupancy(trajs, 16, 5, gamma);
  const mc = expectedUnderOccupancy(est, c);
  const perTraj = trajs.map((tr) => tr.states.reduce((u, s, t) => u + gamma ** t * c[s][tr.actions[t]], 0));
  const mean = perTraj.reduce((u, v) => u + v, 0) / perTraj.length;
  const sd = Math.sqrt(perTraj.reduce((u, v) => u + (v - mean) ** 2, 0) / (perTraj.length - 1));
  assert.ok(Math.abs(mc - mean) < 1e-9);
  assert.ok(Math.abs(mc - viaRho) < 4 * sd / Math.sqrt(perTraj.length), `MC ${mc} vs exact ${viaRho}`);
  assert.ok(l1Distance(est, rho) < 0.6);
});

test("occupancy measure on a random MDP: flow constraints and round trip", () => {
  const m = randomMDP({ nStates: 6, nActions: 3, seed: 1 });
  const p = randomPolicy(6, 3, 7);
  const r = occupancyMeasure(m, p, 0.95);
  assert.ok(maxAbs(bellmanFlowResidual(m, r, 0.95)) < 1e-11);
  assert.ok(maxAbsDiff(policyFromOccupancy(r), p) < 1e-12);
});
