/** Checks of notebooks/03_maxent_irl.ipynb (same MDP, expert and settings). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  maxEntIrl, minimisePolicyObjective, l1Distance, featureExpectations, causalEntropy, occupancyMeasure,
  entropyFromOccupancy, softValueIteration, OccupancyObjective,
} from "../../lib/tabular";
import { expertSetup, GAMMA, maxAbsDiff } from "./setup";

const { mdp, piE, rhoE } = expertSetup();

/** ψ(c) = (α/2)‖c‖² has ψ*(x) = ‖x‖²/(2α); f(ρ) = ψ*(ρ − ρ_E). */
const psiStarL2 = (alpha: number): OccupancyObjective => (rho) => {
  let v = 0;
  const grad = rho.map((row, s) => row.map((x, a) => {
    const d = x - rhoE[s][a];
    v += (d * d) / (2 * alpha);
    return d / alpha;
  }));
  return { value: v, grad };
};

test("Proposition 3.2 with ψ(c) = (α/2)‖c‖²: RL(IRL_ψ(π_E)) = argmin_π −H(π) + ψ*(ρ_π − ρ_E)", () => {
  const alpha = 1;
  const left = maxEntIrl({ mdp, gamma: GAMMA, rhoE, l2: alpha, lr: 0.4, tol: 1e-12, iters: 20000 });
  const right = minimisePolicyObjective({ mdp, gamma: GAMMA, objective: psiStarL2(alpha), lr: 0.5, tol: 1e-13, iters: 20000 });
  assert.ok(left.gradNorm.at(-1)! < 1e-12);
  assert.ok(maxAbsDiff(left.pi, right.pi) < 1e-9, `policies differ by ${maxAbsDiff(left.pi, right.pi)}`);
  // The saddle point: c* = ∇ψ*(ρ* − ρ_E) = (ρ* − ρ_E)/α.
  const cStar = right.rho.map((row, s) => row.map((x, a) => (x - rhoE[s][a]) / alpha));
  assert.ok(maxAbsDiff(left.cost, cStar) < 1e-9);
  // Both sides are non-trivial: neither is π_E nor uniform, and another α gives another policy.
  assert.ok(l1Distance(right.rho, rhoE) > 1);
  const other = maxEntIrl({ mdp, gamma: GAMMA, rhoE, l2: 2, lr: 0.4, tol: 1e-10, iters: 20000 });
  assert.ok(maxAbsDiff(other.pi, right.pi) > 1e-3);
  // The right-hand objective is lowest at its argmin: π_E and the α = 2 policy score higher.
  const score = (pi: number[][]) => {
    const rho = occupancyMeasure(mdp, pi, GAMMA);
    return psiStarL2(alpha)(rho).value - entropyFromOccupancy(rho, pi);
  };
  assert.ok(score(piE) > right.value + 1e-3);
  assert.ok(score(other.pi) > right.value + 1e-6);
});

test("ψ → constant (α → 0): the learner's ρ approaches ρ_E; ψ constant (full cost class) matches exactly", () => {
  const l1s = [10, 1, 0.1, 0.01].map((alpha) => {
    const res = maxEntIrl({ mdp, gamma: GAMMA, rhoE, l2: alpha, lr: Math.min(0.4, 1 / alpha), tol: 1e-9, iters: 20000 });
    return l1Distance(res.rho, rhoE);
  });
  for (let i = 1; i < l1s.length; i++) assert.ok(l1s[i] < l1s[i - 1], `L1 not decreasing: ${l1s}`);
  const exact = maxEntIrl({ mdp, gamma: GAMMA, rhoE, lr: 0.4, tol: 1e-8, iters: 20000 });
  assert.ok(l1Distance(exact.rho, rhoE) < 1e-6, `L1 ${l1Distance(exact.rho, rhoE)}`);
  assert.ok(maxAbsDiff(exact.pi, piE) < 1e-6);
  // The recovered cost explains π_E: RL(c) = π_E.
  const rl = softValueIteration(mdp, GAMMA, exact.cost.map((r) => r.map((c) => -c)));
  assert.ok(maxAbsDiff(rl.pi, piE) < 1e-6);
});

test("ψ = indicator of a linear cost class: feature expectations match, ρ does not, entropy is maximal", () => {
  const features = mdp.P.map((row, s) => row.map((_, a) => [s % 2, a === 0 ? 1 : 0]));
  const res = maxEntIrl({ mdp, gamma: GAMMA, rhoE, features, lr: 0.1, tol: 1e-10, iters: 20000 });
  const mu = featureExpectations(res.rho, features), muE = featureExpectations(rhoE, features);
  mu.forEach((m, k) => assert.ok(Math.abs(m - muE[k]) < 1e-8));
  assert.ok(l1Distance(res.rho, rhoE) > 1); // the linear class cannot see the rest of ρ_E
  // π_E also matches the features, so the max-entropy solution has at least its entropy (here much more).
  assert.ok(causalEntropy(mdp, res.pi, GAMMA) > causalEntropy(mdp, piE, GAMMA) + 1);
  // The IRL objective increases monotonically (gradient ascent on a concave function, small step).
  for (let i = 1; i < res.objective.length; i++) assert.ok(res.objective[i] >= res.objective[i - 1] - 1e-9);
});
