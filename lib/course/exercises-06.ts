/**
 * Exercises of notebook 06 (the GAN ↔ RL correspondence). Every expected value is computed when
 * `check` is called, by the library functions the notebook uses.
 */
import type { Exercise } from "./check";
import { randomMDP, softValueIteration, occupancyMeasure, tabularGail, tabularPairGan, rewardFromLogit, l1Distance, TabularMDP } from "../tabular";

const GAMMA = 0.9;

/** Notebook 06's MDP (the shared 5-state, 3-action MDP) and its expert's occupancy measure (soft-optimal for 5r). */
function setup(seed: number): { mdp: TabularMDP; rhoE: number[][] } {
  const mdp = randomMDP({ nStates: 5, nActions: 3, seed });
  const piE = softValueIteration(mdp, GAMMA, mdp.r.map((row) => row.map((x) => 5 * x))).pi;
  return { mdp, rhoE: occupancyMeasure(mdp, piE, GAMMA) };
}

export const EXERCISES_06: readonly Exercise[] = [
  {
    id: "06.1",
    task: "the reward −log(1 − D_E) that every pair earns once the discriminator is at chance, D_E = ½ (the GAN's equilibrium)",
    expected: () => rewardFromLogit("neglog1mD", 0),
    relTol: 1e-9,
    hint: "D_E = σ(ℓ) = ½ means ℓ = 0; −log(1 − ½) = log 2, the same for every pair",
  },
  {
    id: "06.2",
    task: "JS(ρ_π‖ρ_E) − JS(ρ_G‖ρ_E) after 300 iterations (5 discriminator steps, step sizes 1) when ρ_E is the expert's occupancy on the MDP of seed 2 and GAIL runs on the MDP of seed 0",
    expected: () => {
      const { mdp } = setup(0);
      const { rhoE } = setup(2);
      const gail = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 5, policyLr: 1 });
      const gan = tabularPairGan({ rhoE, gamma: GAMMA, iterations: 300, discSteps: 5, genLr: 1 });
      return gail.js.at(-1)! - gan.js.at(-1)!;
    },
    relTol: 1e-6,
    hint: "the notebook's experiment with setup(2).rhoE as the target: tabularGail({ mdp, gamma, rhoE: target, iterations: 300, discSteps: 5, policyLr: 1 }).js.at(-1) minus tabularPairGan({ rhoE: target, gamma, iterations: 300, discSteps: 5, genLr: 1 }).js.at(-1)",
  },
  {
    id: "06.3",
    task: "‖ρ_π − ρ_E‖₁ of the soft-optimal policy for the frozen reward −log(1 − D_E) of the discriminator after 20 GAIL iterations (5 discriminator steps, policyLr 1)",
    expected: () => {
      const { mdp, rhoE } = setup(0);
      const g = tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 20, discSteps: 5, policyLr: 1 });
      const r = g.discLogits.map((row) => row.map((x) => rewardFromLogit("neglog1mD", x)));
      return l1Distance(occupancyMeasure(mdp, softValueIteration(mdp, GAMMA, r).pi, GAMMA), rhoE);
    },
    relTol: 1e-6,
    hint: "the notebook's frozenRewardGap(20): softValueIteration(mdp, gamma, r).pi on r = rewardFromLogit(\"neglog1mD\", ℓ) of tabularGail({ …, iterations: 20 }).discLogits, then l1Distance(occupancyMeasure(…), rhoE)",
  },
];
