/** Checks of notebooks/04_gail_regulariser_js.ipynb (same MDP, expert and policy). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../lib/core";
import {
  klDivergence, jsDivergence, optimalDiscriminator, discriminatorObjective, discriminatorObjectiveFromProbs, trainTabularDiscriminator,
  psiGA, psiGAConjugate, occupancyMeasure, uniformPolicy, rewardFromLogit, rewardSlope, REWARD_FORMS, logSigmoid, softplus, sigmoid,
} from "../../lib/tabular";
import { expertSetup, GAMMA, maxAbsDiff } from "./setup";

const { mdp, rhoE } = expertSetup();
const rhoPi = occupancyMeasure(mdp, uniformPolicy(5, 3), GAMMA);
const m = 1 / (1 - GAMMA); // total mass of an occupancy measure

test("KL and JS: hand-worked values, symmetry, bounds", () => {
  assert.ok(Math.abs(klDivergence([0.5, 0.5], [0.25, 0.75]) - (0.5 * Math.log(2) + 0.5 * Math.log(2 / 3))) < 1e-15);
  assert.equal(klDivergence([1, 0], [0, 1]), Infinity);
  assert.ok(Math.abs(jsDivergence([1, 0], [0, 1]) - Math.log(2)) < 1e-15);
  assert.equal(jsDivergence(rhoE, rhoE), 0);
  assert.ok(Math.abs(jsDivergence(rhoE, rhoPi) - jsDivergence(rhoPi, rhoE)) < 1e-15);
  // Inputs are normalised: scaling does not change the divergence.
  assert.ok(Math.abs(klDivergence(rhoE, rhoPi) - klDivergence(rhoE.map((r) => r.map((x) => 3 * x)), rhoPi)) < 1e-14);
  assert.throws(() => klDivergence([1, 2], [1, 2, 3]), /different sizes/);
  assert.throws(() => jsDivergence([-1, 2], [1, 2]), /negative/);
});

test("optimal discriminator: max_D Σρ_π log D + Σρ_E log(1−D) = (2·JS − log 4)/(1−γ) (paper's D on the cost side)", () => {
  const dE = optimalDiscriminator(rhoE, rhoPi);
  const vStar = discriminatorObjectiveFromProbs(dE, rhoE, rhoPi);
  const js = jsDivergence(rhoPi, rhoE);
  assert.ok(js > 0.05);
  assert.ok(Math.abs(vStar - m * (2 * js - Math.log(4))) < 1e-12);
  // Normalised (expectations under (1−γ)ρ): exactly 2·JS − log 4.
  assert.ok(Math.abs((1 - GAMMA) * vStar - (2 * js - Math.log(4))) < 1e-13);
  // The claim fails with another constant (−log 2) or without the factor 2.
  assert.ok(Math.abs((1 - GAMMA) * vStar - (2 * js - Math.log(2))) > 0.5);
  assert.ok(Math.abs((1 - GAMMA) * vStar - (js - Math.log(4))) > 0.05);
  // The paper's D is 1 − D_E; the objective value is the same number written the paper's way.
  let paper = 0;
  for (let s = 0; s < 5; s++) for (let a = 0; a < 3; a++) paper += rhoPi[s][a] * Math.log(1 - dE[s][a]) + rhoE[s][a] * Math.log(dE[s][a]);
  assert.ok(Math.abs(paper - vStar) < 1e-12);
  // Any other discriminator scores lower.
  const rng = new Rng(1);
  for (let k = 0; k < 20; k++) {
    const d = dE.map((r) => r.map((x) => Math.min(0.999, Math.max(0.001, x + 0.05 * (rng.uniform() - 0.5)))));
    assert.ok(discriminatorObjectiveFromProbs(d, rhoE, rhoPi) < vStar);
  }
});

test("discriminator trained by gradient ascent reaches D* and the JS value from below", () => {
  const { logits, history } = trainTabularDiscriminator({ rhoE, rhoPi, steps: 3000, lr: 1 });
  const vStar = discriminatorObjectiveFromProbs(optimalDiscriminator(rhoE, rhoPi), rhoE, rhoPi);
  for (let i = 1; i < history.length; i++) assert.ok(history[i] >= history[i - 1] - 1e-12);
  assert.ok(history.every((v) => v <= vStar + 1e-12));
  assert.ok(vStar - history.at(-1)! < 1e-10);
  assert.ok(maxAbsDiff(logits.map((r) => r.map(sigmoid)), optimalDiscriminator(rhoE, rhoPi)) < 1e-6);
  assert.ok(vStar - history[9] > 1e-3); // after 10 steps it is not there yet
  assert.equal(discriminatorObjective(logits, rhoE, rhoPi), history.at(-1));
});

test("ψ_GA* computed as a numerical sup equals the optimal discriminator's objective; argmax is log D*", () => {
  const x = rhoPi.map((row, s) => row.map((p, a) => p - rhoE[s][a]));
  const conj = psiGAConjugate(x, rhoE);
  const dE = optimalDiscriminator(rhoE, rhoPi);
  const vStar = discriminatorObjectiveFromProbs(dE, rhoE, rhoPi);
  assert.ok(Math.abs(conj.value - vStar) < 1e-9, `${conj.value} vs ${vStar}`);
  assert.ok(maxAbsDiff(conj.argmax, dE.map((r) => r.map((d) => Math.log(1 - d)))) < 1e-6);
  // Fenchel: Σ x c − ψ_GA(c) ≤ ψ_GA*(x) for any c < 0.
  const rng = new Rng(2);
  for (let k = 0; k < 20; k++) {
    const c = x.map((r) => r.map(() => -0.01 - 3 * rng.uniform()));
    const lin = c.reduce((u, row, s) => u + row.reduce((w, v, a) => w + v * x[s][a], 0), 0);
    assert.ok(lin - psiGA(c, rhoE) <= conj.value + 1e-12);
  }
  assert.equal(psiGA([[0.1]], [[1]]), Infinity);
  // At ρ_π = ρ_E: ψ_GA*(0) = −log 4/(1−γ), the minimum.
  assert.ok(Math.abs(psiGAConjugate(x.map((r) => r.map(() => 0)), rhoE).value + m * Math.log(4)) < 1e-9);
});

test("GAIL reward forms from the logit: values, slopes, saturation", () => {
  assert.ok(Math.abs(rewardFromLogit("logD", 0) + Math.log(2)) < 1e-15);
  assert.ok(Math.abs(rewardFromLogit("neglog1mD", 0) - Math.log(2)) < 1e-15);
  for (const u of [-30, -3, -0.5, 0, 0.7, 4, 30]) {
    assert.ok(Math.abs(rewardFromLogit("logit", u) - (rewardFromLogit("logD", u) + rewardFromLogit("neglog1mD", u))) < 1e-12);
    for (const f of REWARD_FORMS) {
      const h = 1e-5;
      const fd = (rewardFromLogit(f, u + h) - rewardFromLogit(f, u - h)) / (2 * h);
      assert.ok(Math.abs(fd - rewardSlope(f, u)) < 1e-7, `${f} at ${u}`);
    }
  }
  assert.ok(rewardFromLogit("logD", 3) < 0 && rewardFromLogit("neglog1mD", -3) > 0);
  assert.ok(rewardSlope("logD", 10) < 1e-4 && rewardSlope("neglog1mD", -10) < 1e-4);
  assert.ok(rewardSlope("logD", -10) > 0.999 && rewardSlope("neglog1mD", 10) > 0.999);
  assert.ok(Number.isFinite(logSigmoid(-800)) && Number.isFinite(softplus(800)));
});
