/** Shared set-ups of the tabular tests; the notebooks build the same objects with the same seeds. */
import { randomMDP, softValueIteration, occupancyMeasure, TabularMDP, Policy } from "../../lib/tabular";

/** γ used by notebooks 03–05. */
export const GAMMA = 0.9;

/** The 5-state, 3-action MDP of notebooks 03–05 and its expert: soft-optimal for reward 5·r. */
export function expertSetup(): { mdp: TabularMDP; piE: Policy; rhoE: number[][] } {
  const mdp = randomMDP({ nStates: 5, nActions: 3, seed: 0 });
  const piE = softValueIteration(mdp, GAMMA, mdp.r.map((row) => row.map((x) => 5 * x))).pi;
  return { mdp, piE, rhoE: occupancyMeasure(mdp, piE, GAMMA) };
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}
