/** Checks of notebooks/05_tabular_gail.ipynb (same MDP, expert and settings). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { tabularGail, l1Distance, jsDivergence } from "../../lib/tabular";
import { expertSetup, GAMMA } from "./setup";

const { mdp, rhoE } = expertSetup();

test("tabular GAIL: ρ_π converges to ρ_E (JS and L1 fall by orders of magnitude)", () => {
  const res = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 1 });
  assert.ok(res.js[0] > 0.05);
  assert.ok(res.js[100] < res.js[0] / 100);
  assert.ok(res.js.at(-1)! < 1e-5, `final JS ${res.js.at(-1)}`);
  assert.ok(l1Distance(res.rho, rhoE) < 0.02);
  assert.ok(Math.abs(jsDivergence(res.rho, rhoE)) < 1e-5);
  // The discriminator ends near chance: objective ≈ −log 4/(1−γ).
  assert.ok(Math.abs(res.discObjective.at(-1)! + Math.log(4) / (1 - GAMMA)) < 1e-3);
  // Deterministic.
  assert.deepEqual(tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 1 }).js, res.js);
});

test("tabular GAIL: every reward form and the optimal discriminator converge; entropy bonus moves the fixed point", () => {
  for (const reward of ["logD", "neglog1mD", "logit"] as const) {
    const res = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, policyLr: 1, reward });
    assert.ok(res.js.at(-1)! < 1e-5, `${reward}: ${res.js.at(-1)}`);
  }
  const opt = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, policyLr: 1, optimalDiscriminator: true });
  assert.ok(opt.js.at(-1)! < 1e-5);
  const ent = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, policyLr: 1, entropyWeight: 1 });
  assert.ok(l1Distance(ent.rho, rhoE) > 0.5);
  assert.throws(() => tabularGail({ mdp, gamma: GAMMA, rhoE, discLr: 10 }), /discLr/);
});
