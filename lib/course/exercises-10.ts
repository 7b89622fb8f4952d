/**
 * Exercises of notebook 10 (GAN world models): the score model-predictive control gives an
 * imagined sequence under the hand-written shaping cost, what that cost adds to the learned
 * model's MPC return, and how much of the gap between the random-action floor and the true
 * simulator's MPC the learned model closes, read off the stored table
 * (`data/results/worldmodel.csv`). Expected values are computed here, at check time, with the
 * library and the stored table (see check.ts).
 */
import type { Exercise } from "./check";
import type * as Core from "../core";
import type * as Experiments from "../experiments";
import type * as Worldmodel from "../worldmodel";

const core = (): typeof Core => require("../core");
const experiments = (): typeof Experiments => require("../experiments");
const worldmodel = (): typeof Worldmodel => require("../worldmodel");

/** Exercise 10.1's imagined CartPole state (x, ẋ, θ, θ̇), horizon and shaping weight. */
export const EXERCISE_10_STATE = Object.freeze({ state: Object.freeze([1.2, 0, 0.1, 0]), horizon: 25, shaping: 0.1 });

/**
 * MPC's score (lib/worldmodel/mpc.ts, γ = 1) of an imagined CartPole-v1 sequence whose `horizon`
 * predicted states are all alive and all equal to `state`: Σ_t (r + w·c(s)) with r the known reward.
 */
export function constantStateScore(state: readonly number[], horizon: number, shaping: number): number {
  const wm = worldmodel();
  const spec = wm.worldSpec("CartPole-v1");
  let score = 0;
  for (let t = 0; t < horizon; t++) score += spec.reward(false) + shaping * wm.shapingTerm(spec, state, 0);
  return score;
}

/** The mean over seeds of one row of `data/results/worldmodel.csv` (deterministic variant). */
export function worldCell(env: string, model: string, metric: string): number {
  const file = (require("path") as typeof import("path")).join(core().repoRoot, "data", "results", "worldmodel.csv");
  const row = experiments().readCsv(file).find((r) => r.env === env && r.variant === "deterministic" && r.model === model && r.metric === metric);
  if (!row) throw new (core().GanrlError)(`worldmodel.csv has no row ${env} ${model} ${metric}; re-run npx ganrl reproduce worldmodel --parts wm (README)`);
  return Number(row.mean);
}

/** (learned − floor)/(upper bound − floor): the share of the random-to-simulator gap a model's MPC closes. */
export function gapClosed(env: string, model: string, cost: "shaped" | "unshaped"): number {
  const floor = worldCell(env, "random", "randomReturn");
  return (worldCell(env, model, `mpcReturn/${cost}`) - floor) / (worldCell(env, "simulator", `mpcReturn/${cost}`) - floor);
}

export const EXERCISES_10: readonly Exercise[] = Object.freeze([
  {
    id: "10.1",
    task: "MPC's score of an imagined 25-step CartPole-v1 sequence whose predicted states are all alive and all equal to s = (x 1.2, ẋ 0, θ 0.1 rad, θ̇ 0), with shaping weight 0.1",
    expected: () => constantStateScore(EXERCISE_10_STATE.state as number[], EXERCISE_10_STATE.horizon, EXERCISE_10_STATE.shaping),
    relTol: 1e-9,
    hint: "each step scores the known reward 1 plus 0.1·c(s), c(s) = −(θ/θ_max)² − (x/x_max)² with θ_max = 12° in radians and x_max = 2.4 (shapingTerm(worldSpec(\"CartPole-v1\"), s, 0)); 25 such steps",
  },
  {
    id: "10.2",
    task: "what the hand-written shaping cost adds to MPC in the GAN model on CartPole-v1: mean mpcReturn/shaped minus mean mpcReturn/unshaped of model gan, from data/results/worldmodel.csv",
    expected: () => worldCell("CartPole-v1", "gan", "mpcReturn/shaped") - worldCell("CartPole-v1", "gan", "mpcReturn/unshaped"),
    relTol: 1e-4,
    hint: "readCsv(\"../data/results/worldmodel.csv\"), rows env CartPole-v1, variant deterministic, model gan, metrics mpcReturn/shaped and mpcReturn/unshaped, column mean",
  },
  {
    id: "10.3",
    task: "the share of the gap between random actions and MPC in the true simulator that MPC in the GAN model closes on CartPole-v1 without the shaping cost: (gan − random)/(simulator − random), from data/results/worldmodel.csv",
    expected: () => gapClosed("CartPole-v1", "gan", "unshaped"),
    relTol: 1e-4,
    hint: "the floor is model random, metric randomReturn; the upper bound model simulator and the learned model gan, metric mpcReturn/unshaped; all column mean",
  },
]);
