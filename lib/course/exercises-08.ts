/**
 * Exercises of notebook 08 (GAIL on CartPole): the sign of the notes' reward (bug 5), returns
 * computed across an episode boundary (bug 4 and the overview sketch's flaw), and BC on the
 * paper's subsampled data (a seeded training run of a few seconds). Expected values are computed
 * here, at check time, with the library (see check.ts).
 */
import type { Exercise } from "./check";
import type * as RL from "../rl";
import type * as Core from "../core";
import type * as Data from "../data";
import type * as Imitation from "../imitation";
import { rewardFromLogit } from "../tabular";

const rl = (): typeof RL => require("../rl");
const core = (): typeof Core => require("../core");
const data = (): typeof Data => require("../data");
const imitation = (): typeof Imitation => require("../imitation");

/** Rewards 1, γ and λ of exercise 08.2: two 5-step episodes laid end to end in one rollout. */
const EPISODE = 5;

/** Notebook 08's BC on its one CartPole-v1 demonstration, keeping every `every`-th pair; greedy return over 10 episodes. */
export function subsampledBcReturn(every: number): number {
  const { loadDemos, takeTrajectories } = data();
  const { trainBC, modernCartPole } = imitation();
  const path = require("path") as typeof import("path");
  const demos = takeTrajectories(loadDemos(path.join(core().repoRoot, "data", "demos", "CartPole-v1", "traj-10.json"), "CartPole-v1"), 1);
  const bc = trainBC(demos, { ...modernCartPole.bc, demoEvery: every, seed: 0 });
  try {
    return rl().evaluate(bc.policy, "CartPole-v1", { episodes: 10, seed: 100_000, deterministic: true }).mean;
  } finally {
    bc.policy.dispose();
  }
}

export const EXERCISES_08: readonly Exercise[] = Object.freeze([
  {
    id: "08.1",
    task: "the notes' smoothed reward log σ(z) (z the output of the policy class, z = −ℓ) on a pair with ℓ = 2, i.e. one the discriminator believes is the expert's",
    expected: () => -rewardFromLogit("neglog1mD", 2),
    relTol: 1e-9,
    hint: "σ(z) = σ(−ℓ) = 1 − D_E, so the reward is log(1 − D_E) = −softplus(ℓ): negative, and more negative the more expert-like the pair",
  },
  {
    id: "08.2",
    task: `the return G_0 that a sketch computes for the first step of a rollout holding two ${EPISODE}-step episodes end to end (reward +1 a step, γ = 0.9) when it ignores the episode boundary`,
    expected: () => {
      const T = 2 * EPISODE;
      const zeros = new Array(T).fill(0);
      return rl().computeGae({ nSteps: T, nEnvs: 1, rewards: new Array(T).fill(1), values: zeros, terminated: zeros, truncated: zeros, bootstrapValues: zeros, lastValues: [0], gamma: 0.9, lambda: 1 }).returns[0];
    },
    relTol: 1e-5,
    hint: "without the boundary the sum runs over all ten rewards: (1 − 0.9^10)/(1 − 0.9); pass terminated = 0 everywhere to computeGae (the right answer would have terminated = 1 at t = 4)",
  },
  {
    id: "08.3",
    task: "the greedy return (10 episodes, seed 100000) of BC trained as in the notebook (modernCartPole.bc, seed 0) on the one demonstration with only every 20th pair kept, as the paper subsampled",
    expected: () => subsampledBcReturn(20),
    relTol: 1e-6,
    hint: "trainBC(demos, { ...modernCartPole.bc, demoEvery: 20, seed: 0 }), then evaluate(bc.policy, envId, { episodes: 10, seed: 100_000, deterministic: true }).mean",
  },
]);
