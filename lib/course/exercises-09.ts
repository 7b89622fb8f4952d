/**
 * Exercises of notebook 09 (GAIL on Acrobot): the termination bias of a constant-sign reward,
 * predicted from the reward forms and the demonstrations' lengths, and GAIL's margin over its
 * constant-reward control read off the stored v1 table. Expected values are computed here, at
 * check time, with the library and the shipped data (see check.ts).
 */
import type { Exercise } from "./check";
import type * as Core from "../core";
import type * as Data from "../data";
import type * as Envs from "../envs";
import type * as Experiments from "../experiments";
import { rewardFromLogit, RewardForm } from "../tabular";

const core = (): typeof Core => require("../core");
const data = (): typeof Data => require("../data");
const envs = (): typeof Envs => require("../envs");
const experiments = (): typeof Experiments => require("../experiments");
const repoPath = (...parts: string[]): string => (require("path") as typeof import("path")).join(core().repoRoot, ...parts);

/** Mean length (actions) of the 10 Acrobot-v1 demonstrations of notebook 09's "bias in numbers". */
export function acrobotDemoLength(): number {
  const set = data().loadDemos(repoPath("data", "demos", "Acrobot-v1", "traj-10.json"), "Acrobot-v1");
  return set.trajectories.reduce((s, t) => s + t.actions.length, 0) / set.trajectories.length;
}

/**
 * Learned return of an Acrobot-v1 episode that runs into the time limit minus that of one that
 * ends at the demonstrations' mean length, when every pair has logit ℓ and the reward is `form`
 * (undiscounted, no absorbing states): (H − T̄) · r(ℓ).
 */
export function timeoutMinusGoal(form: RewardForm, logit: number): number {
  return (envs().getEnvSpec("Acrobot-v1").maxEpisodeSteps - acrobotDemoLength()) * rewardFromLogit(form, logit);
}

/** A cell of a stored GAIL table (`data/results/<file>`), by environment, algorithm and dataset size. */
export function storedCell(file: string, env: string, algo: string, trajectories: number): Record<string, string | number> {
  const rows = experiments().readCsv(repoPath("data", "results", file));
  const row = rows.find((r) => r.env === env && r.algo === algo && Number(r.trajectories) === trajectories);
  if (!row) throw new (core().GanrlError)(`${file} has no row ${env} ${algo} × ${trajectories}; re-run the sweep that writes it (README)`);
  return row;
}

export const EXERCISES_09: readonly Exercise[] = Object.freeze([
  {
    id: "09.1",
    task: "with r = −log(1 − D_E) and a discriminator that cannot tell the pairs apart (D_E = ½, ℓ = 0, everywhere), the learned return of a 500-step timeout minus that of an episode ending at the demonstrations' mean length",
    expected: () => timeoutMinusGoal("neglog1mD", 0),
    relTol: 1e-9,
    hint: "each step pays −log(1 − ½) = log 2 > 0, so (500 − T̄) log 2 with T̄ the mean demonstration length printed in 'The bias in numbers'",
  },
  {
    id: "09.2",
    task: "the same difference (timeout minus goal) with r = log D_E when the discriminator confidently rejects every pair (ℓ = −3)",
    expected: () => timeoutMinusGoal("logD", -3),
    relTol: 1e-9,
    hint: "log D_E = log σ(−3) = −softplus(3) < 0 a step, so the difference is (500 − T̄) log σ(−3): the timeout costs, reaching the goal is paid",
  },
  {
    id: "09.3",
    task: "GAIL's normalised score minus that of the constant −1 control on Acrobot-v1 with 1 trajectory, from data/results/gail-table-v1.csv",
    expected: () => Number(storedCell("gail-table-v1.csv", "Acrobot-v1", "GAIL", 1).normalizedMean) - Number(storedCell("gail-table-v1.csv", "Acrobot-v1", "control-const", 1).normalizedMean),
    relTol: 1e-4,
    hint: "readCsv(\"../data/results/gail-table-v1.csv\"), the rows with env Acrobot-v1, trajectories 1 and algo GAIL / control-const, column normalizedMean",
  },
]);
