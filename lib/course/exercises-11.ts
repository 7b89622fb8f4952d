/**
 * Exercises of notebook 11 (adversarial inverse RL and guided cost learning). As in `check.ts`,
 * every expected value is computed by the library functions the notebook uses, when checked.
 */
import { logPartitionIS, notesLogPartition, selfNormalisedWeights } from "../irl/maxent";
import type { Exercise } from "./check";

/** Notebook 11's three sampled trajectories: returns R_j and their sampler's log-probabilities log q_j. */
export const EXERCISE_11_SAMPLES = Object.freeze({ returns: [1, 2, 0.5], logQ: [Math.log(0.5), Math.log(0.3), Math.log(0.2)] });

export const EXERCISES_11: readonly Exercise[] = Object.freeze([
  {
    id: "11.1",
    task: "the importance-sampled log Ẑ = logsumexp_j (R_j − log q_j) − log N for notebook 11's three samples",
    expected: () => logPartitionIS(EXERCISE_11_SAMPLES.returns, EXERCISE_11_SAMPLES.logQ),
    relTol: 1e-6,
    hint: "Ẑ = (1/N) Σ_j exp(R_j)/q_j: divide each exp(R_j) by its q_j, average over the N = 3 samples, then take the log",
  },
  {
    id: "11.2",
    task: "the bias of the notes' sketch on the same samples: logsumexp_j R_j minus the importance-sampled log Ẑ",
    expected: () => notesLogPartition(EXERCISE_11_SAMPLES.returns) - logPartitionIS(EXERCISE_11_SAMPLES.returns, EXERCISE_11_SAMPLES.logQ),
    relTol: 1e-6,
    hint: "log Σ_j exp(R_j) has no 1/q_j and no −log N; subtract your answer to 11.1 from it",
  },
  {
    id: "11.3",
    task: "the self-normalised importance weight w_2 of the second sample (the weight GCL's gradient puts on its return)",
    expected: () => selfNormalisedWeights(EXERCISE_11_SAMPLES.returns, EXERCISE_11_SAMPLES.logQ)[1],
    relTol: 1e-6,
    hint: "w_j ∝ exp(R_j)/q_j, normalised so that the three weights sum to 1",
  },
]);
