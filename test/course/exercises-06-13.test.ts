/** lib/course exercises of notebooks 06, 10 and 13: the expected values agree with hand computations, and the plausible wrong answers are refused (10's own checks: exercises-10.test.ts). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { checkAnswer, exercise, EXERCISES } from "../../lib/course";
import { randomMDP, softValueIteration, occupancyMeasure, tabularGail, l1Distance } from "../../lib/tabular";

const IDS = ["06.1", "06.2", "06.3", "10.1", "10.2", "10.3", "13.1", "13.2", "13.3"];

test("the exercises of 06, 10 and 13 are registered, finite, and accept their own value", () => {
  for (const id of IDS) {
    assert.ok(EXERCISES.some((e) => e.id === id), `${id} missing from EXERCISES`);
    const v = exercise(id).expected();
    assert.ok(Number.isFinite(v), `${id}: ${v}`);
    assert.equal(checkAnswer(id, v).ok, true, id);
    assert.equal(checkAnswer(id, v * 1.01 + 1e-3).ok, false, `${id} accepts a 1 % error`);
    assert.equal(checkAnswer(id, NaN).unanswered, true);
  }
});

test("06: log 2 at the equilibrium; GAIL's JS floor is above the GAN's; the frozen reward is worse than GAIL's own policy", () => {
  assert.ok(Math.abs(exercise("06.1").expected() - Math.log(2)) < 1e-12);
  assert.equal(checkAnswer("06.1", Math.log(4)).ok, false, "log 4 (the JS constant) is not the reward");
  const gap = exercise("06.2").expected();
  assert.ok(gap > 1e-3, `GAIL's floor minus the GAN's: ${gap}`);
  // the plausible wrong answer to 06.3: GAIL's own distance after 20 iterations
  const mdp = randomMDP({ nStates: 5, nActions: 3, seed: 0 });
  const rhoE = occupancyMeasure(mdp, softValueIteration(mdp, 0.9, mdp.r.map((row) => row.map((x) => 5 * x))).pi, 0.9);
  const own = l1Distance(tabularGail({ mdp, gamma: 0.9, rhoE, iterations: 20, discSteps: 5, policyLr: 1 }).rho, rhoE);
  assert.ok(exercise("06.3").expected() > 2 * own);
  assert.equal(checkAnswer("06.3", own).ok, false);
});

test("13: the sketch's leaked return in closed form; λ = 0.05 is farther from ρ_E than 0.02; the optimal logit grows with the expert's determinism", () => {
  assert.ok(Math.abs(exercise("13.1").expected() - (1 - 0.99 ** 31) / 0.01) < 1e-4);
  assert.equal(checkAnswer("13.1", 1).ok, false, "the right return is not the sketch's");
  const mdp = randomMDP({ nStates: 5, nActions: 3, seed: 0 });
  const rhoE = occupancyMeasure(mdp, softValueIteration(mdp, 0.9, mdp.r.map((row) => row.map((x) => 5 * x))).pi, 0.9);
  const at = (lam: number) => l1Distance(tabularGail({ mdp, gamma: 0.9, rhoE, iterations: 300, discSteps: 1, discLr: 0.05, policyLr: 100, entropyWeight: lam }).rho, rhoE);
  assert.ok(exercise("13.2").expected() > at(0.02));
  assert.equal(checkAnswer("13.2", at(0.02)).ok, false);
  assert.ok(exercise("13.3").expected() > 20, `max |ℓ*| for 50r: ${exercise("13.3").expected()}`);
});
