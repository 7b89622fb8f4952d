/** Checks of notebooks/05_tabular_gail.ipynb (same MDP, expert and settings). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { tabularGail, tabularPairGan, l1Distance, jsDivergence, bellmanFlowResidual, randomMDP, softValueIteration, occupancyMeasure } from "../../lib/tabular";
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

test("tabular pair GAN: matches any target, including one no policy of the MDP reaches; GAIL stops at a floor there (notebook 06)", () => {
  const other = randomMDP({ nStates: 5, nActions: 3, seed: 1 });
  const target = occupancyMeasure(other, softValueIteration(other, GAMMA, other.r.map((row) => row.map((x) => 5 * x))).pi, GAMMA);
  const gan = tabularPairGan({ rhoE: target, gamma: GAMMA, iterations: 300, discSteps: 5, genLr: 1 });
  assert.ok(gan.js.at(-1)! < 1e-9, `GAN final JS ${gan.js.at(-1)}`);
  assert.ok(Math.abs(gan.rho.flat().reduce((u, v) => u + v, 0) - 1 / (1 - GAMMA)) < 1e-9, "ρ_G has the mass of an occupancy measure");
  const flow = (r: number[][]) => bellmanFlowResidual(mdp, r, GAMMA).reduce((u, v) => u + Math.abs(v), 0);
  assert.ok(flow(gan.rho) > 0.5, "the GAN's measure is not an occupancy measure of this MDP");
  const gail = tabularGail({ mdp, gamma: GAMMA, rhoE: target, iterations: 300, discSteps: 5, policyLr: 1 });
  assert.ok(gail.js.at(-1)! > 1e-3 && Math.abs(gail.js.at(-1)! - gail.js[150]) < 1e-4, `GAIL floor ${gail.js[150]} → ${gail.js.at(-1)}`);
  assert.ok(flow(gail.rho) < 1e-9);
  assert.throws(() => tabularPairGan({ rhoE: target, gamma: GAMMA, genLr: 0 }), /genLr/);
});

test("tabular GAIL staleReward: the default is Algorithm 1's order; the stale reward fails at a large policy step and matches at a small one", () => {
  const fresh = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 10 });
  const stale = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 10, staleReward: true });
  assert.deepEqual(tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 10, staleReward: false }).js, fresh.js, "false is the default");
  assert.ok(fresh.js.at(-1)! < 1e-12, `updated reward: ${fresh.js.at(-1)}`);
  assert.ok(stale.js.at(-1)! > 0.05, `stale reward: ${stale.js.at(-1)}`);
  const small = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 1, staleReward: true });
  assert.ok(small.js.at(-1)! < 1e-5);
});
