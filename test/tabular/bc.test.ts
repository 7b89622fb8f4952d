/** Checks of notebooks/01_mdps_and_behavioural_cloning.ipynb (same set-ups and seeds). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../lib/core";
import {
  behaviouralCloning, bcNegLogLikelihood, expectedPolicyKL, sampleTrajectories, stateOccupancy, tightrope, tightropeExpert,
  finiteHorizonReturn, evaluatePolicy, occupancyMeasure, expectedUnderOccupancy,
} from "../../lib/tabular";
import { expertSetup, GAMMA } from "./setup";

const { mdp, piE } = expertSetup();

test("returns: discounted return of a policy = Σ p0 V = Σ ρ r; finite horizon return is exact", () => {
  const J = evaluatePolicy(mdp, piE, GAMMA).J;
  assert.ok(Math.abs(J - expectedUnderOccupancy(occupancyMeasure(mdp, piE, GAMMA), mdp.r)) < 1e-10);
  // Finite-horizon T = 1: just E_{p0, π}[r].
  const r1 = mdp.p0.reduce((u, p, s) => u + p * piE[s].reduce((w, q, a) => w + q * mdp.r[s][a], 0), 0);
  assert.ok(Math.abs(finiteHorizonReturn(mdp, piE, 1) - r1) < 1e-14);
});

test("BC is maximum likelihood: it minimises the demonstrations' NLL (the KL to the empirical expert)", () => {
  const demos = sampleTrajectories(mdp, piE, 30, 50, new Rng(0));
  const bc = behaviouralCloning(demos, 5, 3);
  const nll = bcNegLogLikelihood(demos, bc);
  const rng = new Rng(1);
  for (let k = 0; k < 20; k++) {
    const pert = bc.map((row) => {
      const w = row.map((p) => p * Math.exp(0.1 * (rng.uniform() - 0.5)));
      const z = w.reduce((u, v) => u + v, 0);
      return w.map((v) => v / z);
    });
    assert.ok(bcNegLogLikelihood(demos, pert) > nll);
  }
});

test("BC's KL to the expert on expert states shrinks with more demonstrations", () => {
  const dE = stateOccupancy(mdp, piE, GAMMA);
  const kls = [2, 20, 200].map((n) => expectedPolicyKL(piE, behaviouralCloning(sampleTrajectories(mdp, piE, 30, n, new Rng(0)), 5, 3, { smoothing: 0.5 }), dE));
  assert.ok(kls[0] > kls[1] && kls[1] > kls[2], `${kls}`);
  assert.ok(kls[2] < 0.01);
});

/** The tightrope set-up: 10 rope positions, 5 demonstrations of 20 steps, add-0.1 smoothing. */
function tightropeBC() {
  const L = 10;
  const expert = tightropeExpert(L);
  const demos = sampleTrajectories(tightrope({ length: L }), expert, 20, 5, new Rng(0));
  const bc = behaviouralCloning(demos, L + 1, 2, { smoothing: 0.1 });
  return { L, expert, bc, eps: bc[0][1] };
}

test("tightrope BC: ε = α/(n + 2α) on rope states, uniform where the expert never went", () => {
  const { L, bc, eps, expert } = tightropeBC();
  assert.ok(Math.abs(eps - 0.1 / 10.2) < 1e-15);
  for (let s = 0; s < L; s++) assert.ok(Math.abs(bc[s][1] - eps) < 1e-15);
  assert.deepEqual(bc[L], [0.5, 0.5]);
  // Per-state KL on expert states: −log(1 − ε).
  const dE = stateOccupancy(tightrope({ length: L }), expert, 0.9);
  assert.ok(Math.abs(expectedPolicyKL(expert, bc, dE) + Math.log(1 - eps)) < 1e-14);
});

test("compounding error: gap = T − (1 − (1−ε)^T)/ε ≈ εT²/2 without recovery, linear in T with recovery", () => {
  const { L, expert, bc, eps } = tightropeBC();
  const noRec = tightrope({ length: L, recover: 0 });
  const rec = tightrope({ length: L, recover: 1 });
  const gap = (m: ReturnType<typeof tightrope>, T: number) => finiteHorizonReturn(m, expert, T) - finiteHorizonReturn(m, bc, T);
  for (const T of [1, 5, 10, 20, 40, 80]) {
    const closed = T - (1 - (1 - eps) ** T) / eps;
    assert.ok(Math.abs(gap(noRec, T) - closed) < 1e-10, `T=${T}`);
    assert.ok(gap(noRec, T) <= (eps * T * (T - 1)) / 2 + 1e-12); // Ross & Bagnell style bound
    assert.ok(gap(rec, T) <= 2 * eps * T); // each fall costs 2 steps on average (climb w.p. ½)
  }
  assert.equal(finiteHorizonReturn(noRec, expert, 50), 0);
  const quad = gap(noRec, 40) / gap(noRec, 20), lin = gap(rec, 40) / gap(rec, 20);
  assert.ok(quad > 3.7 && quad < 4, `quad ratio ${quad}`);
  assert.ok(lin > 1.9 && lin < 2.2, `lin ratio ${lin}`);
  // Small εT: gap/(εT²/2) is close to 1 without recovery.
  assert.ok(Math.abs(gap(noRec, 10) / ((eps * 100) / 2) - 1) < 0.15);
});
