/** lib/course: every exercise's expected value is finite, check() accepts it and refuses a wrong, missing or non-numeric answer. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { EXERCISES, check, checkAnswer, exercise } from "../../lib/course";
import { GanrlError, Rng } from "../../lib/core";
import { sigmoid, sampleTrajectories, tightrope, tightropeExpert, behaviouralCloning } from "../../lib/tabular";

test("each exercise has a finite expected value, and check() accepts it", () => {
  assert.ok(EXERCISES.length >= 10);
  for (const e of EXERCISES) {
    const v = e.expected();
    assert.ok(Number.isFinite(v), `${e.id}: expected value ${v}`);
    assert.equal(checkAnswer(e.id, v).ok, true, e.id);
    assert.doesNotThrow(() => check(e.id, v, { strict: true }), e.id);
  }
});

test("a wrong answer fails with a hint, a NaN is 'not answered', strict mode throws", () => {
  const e = exercise("05.1");
  const v = e.expected();
  const wrong = checkAnswer("05.1", v * 1.01);
  assert.equal(wrong.ok, false);
  assert.match(wrong.message, /Hint: /);
  const missing = checkAnswer("05.1", NaN);
  assert.equal(missing.unanswered, true);
  assert.throws(() => check("05.1", v * 1.01, { strict: true }), GanrlError);
  assert.throws(() => check("05.1", "0.05", { strict: true }), /finite number/);
  assert.throws(() => checkAnswer("99.9", 1), /unknown exercise '99.9'; valid ids: 01.1/);
});

test("expected values agree with hand computations where one exists", () => {
  assert.ok(Math.abs(exercise("02.1").expected() - 1 / (1 - 0.95)) < 1e-9, "Σρ = 1/(1 − γ)");
  assert.ok(Math.abs(exercise("05.1").expected() - sigmoid(-3)) < 1e-12, "d softplus/dℓ = σ(ℓ)");
  // 01.2: the exact gap equals notebook 01's closed form T − (1 − (1 − ε)^T)/ε, with ε = π_BC(lean | rope)
  const demos = sampleTrajectories(tightrope({ length: 10 }), tightropeExpert(10), 20, 5, new Rng(0));
  const eps = behaviouralCloning(demos, 11, 2, { smoothing: 0.1 })[0][1];
  assert.ok(Math.abs(exercise("01.2").expected() - (100 - (1 - (1 - eps) ** 100) / eps)) < 1e-9, "closed-form BC gap");
});
