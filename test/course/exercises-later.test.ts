/**
 * The exercises of notebooks 07, 08, 09 and 12 (lib/course/exercises-*.ts): each expected value
 * agrees with a hand computation (or the stored table's own column), the right answer is accepted
 * and a wrong one refused. The worked solutions in notebooks/solutions/ are run by solutions.test.ts.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { EXERCISES, checkAnswer, exercise } from "../../lib/course";
import { acrobotDemoLength } from "../../lib/course/exercises-09";
import { initBackend, repoRoot, tf } from "../../lib/core";
import { PPO_CARTPOLE_ZOO } from "../../lib/rl";
import { sigmoid, softplus } from "../../lib/tabular";
import { readCsv } from "../../lib/experiments";

const LATER = ["07.1", "07.2", "07.3", "08.1", "08.2", "08.3", "09.1", "09.2", "09.3", "12.1", "12.2", "12.3"];
const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("notebooks 07, 08, 09, 12 have 3 exercises each in EXERCISES", () => {
  for (const nb of ["07", "08", "09", "12"]) assert.equal(EXERCISES.filter((e) => e.id.startsWith(`${nb}.`)).length, 3, nb);
  assert.deepEqual(LATER.filter((id) => !EXERCISES.some((e) => e.id === id)), []);
});

test("expected values agree with the hand computations the solutions show", () => {
  const g = PPO_CARTPOLE_ZOO.gamma as number;
  near(exercise("07.1").expected(), (1 - g ** 500) / (1 - g), 1e-5, "07.1: Σ_{t<500} γ^t");
  // δ = (1 + 0.99·1.5 − 2, 1 + 0.99·1 − 1.5, 1 − 1), Â_0 = δ_0 + γλ δ_1 + (γλ)² δ_2
  const gl = 0.99 * 0.95;
  near(exercise("07.2").expected(), 0.485 + gl * 0.49 + gl * gl * 0, 1e-5, "07.2: GAE by hand");
  near(exercise("07.3").expected(), -1.6, 1e-6, "07.3: min(−1, 0.8 · −2)");
  near(exercise("08.1").expected(), Math.log(1 - sigmoid(2)), 1e-12, "08.1: log(1 − D_E)");
  assert.ok(exercise("08.1").expected() < 0, "08.1: the notes' reward is negative on an expert-like pair");
  near(exercise("08.2").expected(), (1 - 0.9 ** 10) / (1 - 0.9), 1e-5, "08.2: ten rewards summed across the boundary");
  const T = acrobotDemoLength();
  assert.ok(T > 30 && T < 200, `mean Acrobot demonstration length ${T}`);
  near(exercise("09.1").expected(), (500 - T) * Math.log(2), 1e-12, "09.1: (H − T̄) log 2");
  near(exercise("09.2").expected(), -(500 - T) * softplus(3), 1e-12, "09.2: (H − T̄) log σ(−3)");
  const v1 = readCsv(path.join(repoRoot, "data", "results", "gail-table-v1.csv"));
  const margin = Number(v1.find((r) => r.env === "Acrobot-v1" && r.algo === "GAIL" && Number(r.trajectories) === 1)!.gailMinusBestControl);
  near(exercise("09.3").expected(), margin, 1e-4, "09.3: the table's own margin column (the constant is the best control there)");
  const explained = exercise("12.1").expected();
  assert.ok(Number.isInteger(explained) && explained >= 0 && explained <= 8, `12.1: ${explained}`);
  assert.ok(exercise("12.3").expected() < 0, "12.3: the gradient penalty lowers Acrobot's stored score");
});

test("the right answer is accepted, a wrong one refused with a hint, for every later exercise", async () => {
  await initBackend({ quiet: true });
  let leaked = 0;
  for (const id of LATER) {
    const before = tf.memory().numTensors;
    const v = exercise(id).expected();
    assert.ok(Number.isFinite(v), `${id}: ${v}`);
    assert.equal(checkAnswer(id, v).ok, true, `${id} right answer`);
    for (const wrong of [v * 1.05 + 0.05, -v - 1]) {
      const r = checkAnswer(id, wrong);
      assert.equal(r.ok, false, `${id} accepted the wrong answer ${wrong}`);
      assert.match(r.message, /Hint: /);
    }
    leaked += tf.memory().numTensors - before;
  }
  assert.equal(leaked, 0, "the checks leave no tensors behind");
});
