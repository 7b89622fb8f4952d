/**
 * Exercises of notebook 12 (the paper's table, ours beside it, the ablation): reading controls and
 * switches off the stored tables, and normalising a paper cell. Expected values are computed here,
 * at check time, from the stored tables and the library (see check.ts).
 */
import type { Exercise } from "./check";
import type * as Core from "../core";
import type * as Experiments from "../experiments";
import type * as Gail from "../experiments/gail";

const core = (): typeof Core => require("../core");
const experiments = (): typeof Experiments => require("../experiments");
const gail = (): typeof Gail => require("../experiments/gail");
const results = (file: string) => experiments().readCsv((require("path") as typeof import("path")).join(core().repoRoot, "data", "results", file));

/** The margin under which notebook 12 calls a GAIL cell "explained by the sign" (best control within it). */
export const SIGN_MARGIN = 0.05;

export const EXERCISES_12: readonly Exercise[] = Object.freeze([
  {
    id: "12.1",
    task: `the number of GAIL cells of the stored v1 table whose best control comes within ${SIGN_MARGIN} of GAIL (gailMinusBestControl ≤ ${SIGN_MARGIN})`,
    expected: () => results("gail-table-v1.csv").filter((r) => r.algo === "GAIL" && r.bestControl !== "" && Number(r.gailMinusBestControl) <= SIGN_MARGIN).length,
    relTol: 0,
    hint: "filter stored.v1 to algo GAIL and count the rows with Number(r.gailMinusBestControl) <= 0.05",
  },
  {
    id: "12.2",
    task: "the paper's BC cell on CartPole-v0 with 1 trajectory as a normalised score (expert 200, random: a uniform-random policy on CartPole-v0 over 100 episodes, referenceReturns)",
    expected: () => {
      const g = gail();
      const random = g.referenceReturns("CartPole-v0", 100).random;
      return (g.PAPER_TABLE["CartPole-v0"].BC![1][0] - random) / (200 - random);
    },
    relTol: 1e-6,
    hint: "(PAPER_TABLE[\"CartPole-v0\"].BC[1][0] − v0Random[\"CartPole-v0\"]) / (200 − v0Random[\"CartPole-v0\"])",
  },
  {
    id: "12.3",
    task: "on Acrobot-v1, the stored ablation's normalised score with gradient penalty λ = 10 minus that without (λ = 0), from data/results/gail-ablation.csv",
    expected: () => {
      const rows = results("gail-ablation.csv");
      const score = (v: number) => Number(rows.find((r) => r.env === "Acrobot-v1" && r.option === "gradPenalty" && Number(r.value) === v)?.normalizedMean);
      return score(10) - score(0);
    },
    relTol: 1e-4,
    hint: "storedAblation rows with env Acrobot-v1 and option gradPenalty, column normalizedMean, value 10 minus value 0 (negative: the penalty hurts here)",
  },
]);
