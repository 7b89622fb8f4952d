/**
 * Exercises of notebook 13 (GAIL's pitfalls). Every expected value is computed when `check` is
 * called, by the library functions the notebook uses.
 */
import type { Exercise } from "./check";
import { computeGae } from "../rl";
import { randomMDP, softValueIteration, occupancyMeasure, tabularGail, uniformPolicy, l1Distance, TabularMDP } from "../tabular";

const GAMMA = 0.9;

/** The shared 5-state, 3-action MDP and the occupancy measure of its expert, soft-optimal for `scale`·r. */
function setup(scale: number): { mdp: TabularMDP; rhoE: number[][] } {
  const mdp = randomMDP({ nStates: 5, nActions: 3, seed: 0 });
  const piE = softValueIteration(mdp, GAMMA, mdp.r.map((row) => row.map((x) => scale * x))).pi;
  return { mdp, rhoE: occupancyMeasure(mdp, piE, GAMMA) };
}

export const EXERCISES_13: readonly Exercise[] = [
  {
    id: "13.1",
    task: "the overview sketch's discounted return at the last step of the first episode, for one 40-step batch holding an episode of 10 steps and then one of 30, reward 1 a step, γ = 0.99",
    expected: () => {
      const n = 40;
      const zeros = new Float32Array(n);
      // the sketch runs its return over the whole batch, as if no episode ever ended: no terminated flags
      return computeGae({ nSteps: n, nEnvs: 1, rewards: new Float32Array(n).fill(1), values: zeros, terminated: zeros, truncated: zeros, bootstrapValues: zeros, lastValues: [0], gamma: 0.99, lambda: 1 }).returns[9];
    },
    relTol: 1e-5,
    hint: "over the batch the step at index 9 sees the 31 rewards of steps 9…39: Σ_{k=0}^{30} γ^k = (1 − γ^31)/(1 − γ); the right value is 1",
  },
  {
    id: "13.2",
    task: "‖ρ_π − ρ_E‖₁ after 300 iterations of the mode-collapse run (discSteps 1, discLr 0.05, policyLr 100) with the entropy bonus λ = 0.05 instead of 0.02",
    expected: () => {
      const { mdp, rhoE } = setup(5);
      return l1Distance(tabularGail({ mdp, gamma: GAMMA, rhoE, iterations: 300, discSteps: 1, discLr: 0.05, policyLr: 100, entropyWeight: 0.05 }).rho, rhoE);
    },
    relTol: 1e-6,
    hint: "tabularGail({ mdp, gamma, rhoE, iterations: 300, discSteps: 1, discLr: 0.05, policyLr: 100, entropyWeight: 0.05 }), then l1Distance(result.rho, rhoE)",
  },
  {
    id: "13.3",
    task: "max over pairs of |ℓ*(s, a)| = |log(ρ_E/ρ_π)| at the optimal discriminator, uniform policy against the expert soft-optimal for 50r",
    expected: () => {
      const { mdp, rhoE } = setup(50);
      const rhoPi = occupancyMeasure(mdp, uniformPolicy(5, 3), GAMMA);
      return Math.max(...rhoE.flatMap((row, s) => row.map((x, a) => Math.abs(Math.log(x / rhoPi[s][a])))));
    },
    relTol: 1e-6,
    hint: "the notebook's maxLogit(50): D* = ρ_E/(ρ_E + ρ_π) has logit log(ρ_E/ρ_π); take the largest absolute value over the 15 pairs",
  },
];
