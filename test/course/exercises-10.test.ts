/**
 * lib/course/exercises-10.ts (notebook 10): the expected values agree with hand computations and
 * with the stored table's rows, and the plausible wrong answers are refused (registration and the
 * 1 % check: exercises-06-13.test.ts).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { checkAnswer, exercise } from "../../lib/course";
import { repoRoot } from "../../lib/core";
import { readCsv } from "../../lib/experiments";

const mean = (model: string, metric: string) =>
  Number(readCsv(path.join(repoRoot, "data", "results", "worldmodel.csv")).find((r) => r.env === "CartPole-v1" && r.variant === "deterministic" && r.model === model && r.metric === metric)!.mean);

test("10.1 by hand: 25 · (1 + 0.1 c(s)), c in radians; the answers without the shaping or with θ in degrees are refused", () => {
  const thetaMax = (12 * 2 * Math.PI) / 360;
  const c = -((0.1 / thetaMax) ** 2) - (1.2 / 2.4) ** 2;
  assert.ok(Math.abs(exercise("10.1").expected() - 25 * (1 + 0.1 * c)) < 1e-9, `${exercise("10.1").expected()} vs ${25 * (1 + 0.1 * c)}`);
  assert.equal(checkAnswer("10.1", 25).ok, false, "the known reward alone");
  assert.equal(checkAnswer("10.1", 25 * (1 + 0.1 * (-((0.1 / 12) ** 2) - 0.25))).ok, false, "θ_max in degrees");
});

test("10.2 and 10.3 read the stored table: shaped minus unshaped, and the floor-to-simulator share", () => {
  const shaped = mean("gan", "mpcReturn/shaped"), unshaped = mean("gan", "mpcReturn/unshaped");
  assert.ok(Math.abs(exercise("10.2").expected() - (shaped - unshaped)) < 1e-9);
  const floor = mean("random", "randomReturn"), top = mean("simulator", "mpcReturn/unshaped");
  assert.ok(Math.abs(exercise("10.3").expected() - (unshaped - floor) / (top - floor)) < 1e-9);
  // the plausible wrong answer to 10.3: the learned return over the simulator's, without the floor
  assert.equal(checkAnswer("10.3", unshaped / top).ok, false);
});
