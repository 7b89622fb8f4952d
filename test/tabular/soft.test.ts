/** Soft value iteration, causal entropy and softmax policy gradients (used by notebooks 03–05). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  softValueIteration, logSumExp, occupancyMeasure, causalEntropy, expectedUnderOccupancy, uniformPolicy, randomPolicy,
  softmaxPolicyGradient, softmaxPolicy, entropyFromOccupancy, evaluatePolicy,
} from "../../lib/tabular";
import { expertSetup, GAMMA } from "./setup";

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
