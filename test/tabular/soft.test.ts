/** Soft value iteration, causal entropy and softmax policy gradients (used by notebooks 03–05). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  softValueIteration, logSumExp, occupancyMeasure, causalEntropy, expectedUnderOccupancy, uniformPolicy, randomPolicy,
  softmaxPolicyGradient, softmaxPolicy, entropyFromOccupancy, evaluatePolicy, policyStepDirection, softmaxFisherProduct, minimisePolicyObjective,
} from "../../lib/tabular";
import { expertSetup, GAMMA, maxAbsDiff } from "./setup";

const { mdp } = expertSetup();

test("soft value iteration: V = log Σ exp Q, Q = r + γ P V, π = exp(Q − V)", () => {
  const res = softValueIteration(mdp, GAMMA);
  res.V.forEach((v, s) => assert.ok(Math.abs(v - logSumExp(res.Q[s])) < 1e-10));
  for (let s = 0; s < 5; s++)
    for (let a = 0; a < 3; a++) {
      const ev = mdp.P[s][a].reduce((u, p, t) => u + p * res.V[t], 0);
      assert.ok(Math.abs(res.Q[s][a] - mdp.r[s][a] - GAMMA * ev) < 1e-12);
      assert.ok(Math.abs(res.pi[s][a] - Math.exp(res.Q[s][a] - res.V[s])) < 1e-12);
    }
});

test("soft-optimal policy maximises E_π[r] + H(π), and J equals that maximum", () => {
  const res = softValueIteration(mdp, GAMMA);
  const score = (p: number[][]) => expectedUnderOccupancy(occupancyMeasure(mdp, p, GAMMA), mdp.r) + causalEntropy(mdp, p, GAMMA);
  assert.ok(Math.abs(score(res.pi) - res.J) < 1e-9);
  for (let seed = 0; seed < 20; seed++) assert.ok(score(randomPolicy(5, 3, seed)) < res.J - 1e-6);
  // Temperature λ: maximises E[r] + λH.
  const cold = softValueIteration(mdp, GAMMA, undefined, { temperature: 0.1 });
  const rho = occupancyMeasure(mdp, cold.pi, GAMMA);
  assert.ok(Math.abs(expectedUnderOccupancy(rho, mdp.r) + 0.1 * entropyFromOccupancy(rho, cold.pi) - cold.J) < 1e-9);
});

test("causal entropy: uniform policy gives log|A|/(1−γ); deterministic gives 0", () => {
  assert.ok(Math.abs(causalEntropy(mdp, uniformPolicy(5, 3), GAMMA) - Math.log(3) / (1 - GAMMA)) < 1e-10);
  const det = mdp.r.map(() => [1, 0, 0]);
  assert.equal(causalEntropy(mdp, det, GAMMA), 0);
});

test("softmax policy gradient equals finite differences of E_π[c] − λH(π)", () => {
  const logits = randomPolicy(5, 3, 11).map((r) => r.map((p) => 2 * Math.log(p)));
  const cost = mdp.r.map((r) => r.map((x) => 1 - 2 * x));
  const lam = 0.7;
  const L = (th: number[][]) => {
    const p = softmaxPolicy(th);
    return evaluatePolicy(mdp, p, GAMMA, cost).J - lam * causalEntropy(mdp, p, GAMMA);
  };
  const g = softmaxPolicyGradient(mdp, logits, GAMMA, cost, lam);
  assert.ok(Math.abs(g.value - L(logits)) < 1e-10);
  const h = 1e-6;
  let maxErr = 0, maxG = 0;
  for (let s = 0; s < 5; s++)
    for (let a = 0; a < 3; a++) {
      const up = logits.map((r) => r.slice()), dn = logits.map((r) => r.slice());
      up[s][a] += h;
      dn[s][a] -= h;
      const fd = (L(up) - L(dn)) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - g.grad[s][a]));
      maxG = Math.max(maxG, Math.abs(g.grad[s][a]));
    }
  assert.ok(maxErr < 1e-6, `max error ${maxErr}`);
  assert.ok(maxG > 0.01); // the check is not vacuous
});

test("policy steps: g/d_π(s) is π·A, not the natural gradient; A solves the Fisher equation F x = g", () => {
  const logits = randomPolicy(5, 3, 4).map((row) => row.map(Math.log));
  const cost = mdp.r.map((row) => row.map((x) => -x));
  const g = softmaxPolicyGradient(mdp, logits, GAMMA, cost, 0.5);
  const scaled = policyStepDirection(g, "state-scaled");
  const natural = policyStepDirection(g, "natural");
  assert.ok(maxAbsDiff(scaled, g.pi.map((row, s) => row.map((p, a) => p * g.advantage[s][a]))) < 1e-12);
  assert.ok(maxAbsDiff(policyStepDirection(g, "vanilla"), g.grad) === 0);
  // F A = g (the natural gradient), while F (π·A) is not g.
  assert.ok(maxAbsDiff(softmaxFisherProduct(g.pi, g.d, natural), g.grad) < 1e-10);
  assert.ok(maxAbsDiff(softmaxFisherProduct(g.pi, g.d, scaled), g.grad) > 1e-2);
  assert.throws(() => policyStepDirection(g, "newton" as never), /policy step must be one of/);
});

test("one natural step with lr = 1/λ on a linear objective is one soft policy iteration; the state-scaled step is not", () => {
  const lam = 0.5;
  const cost = mdp.r.map((row) => row.map((x) => -x));
  const pi0 = randomPolicy(5, 3, 5);
  const init = pi0.map((row) => row.map(Math.log));
  const linear = () => ({ value: 0, grad: cost });
  // Soft policy iteration: Q̂ of π0 for the cost c + λ log π0, then π1 ∝ exp(−(c + γ P V̂)/λ).
  const chat = cost.map((row, s) => row.map((c, a) => c + lam * Math.log(pi0[s][a])));
  const V = evaluatePolicy(mdp, pi0, GAMMA, chat).V;
  const target = softmaxPolicy(cost.map((row, s) => row.map((c, a) => -(c + GAMMA * mdp.P[s][a].reduce((u, p, t) => u + p * V[t], 0)) / lam)));
  const one = (step: "natural" | "state-scaled") => minimisePolicyObjective({ mdp, gamma: GAMMA, objective: linear, entropyWeight: lam, lr: 1 / lam, iters: 1, step, init });
  assert.ok(maxAbsDiff(one("natural").pi, target) < 1e-10);
  assert.ok(maxAbsDiff(one("state-scaled").pi, target) > 1e-2);
});
