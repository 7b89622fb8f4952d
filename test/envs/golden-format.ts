/**
 * The layout of recorded Gymnasium episodes (shared/golden/README.md): the golden files that
 * test/envs/golden.test.ts replays, and the fresh episodes of test/live/gymnasium.live.ts.
 */

/** One `step` call: its action, what Gymnasium returned, and the internal float64 state after it. */
export interface GoldenStep {
  t: number;
  action: number;
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  state: number[];
}

/** One episode from `initial_state` (flavour "reset": reset(seed); "state": a state set after reset). */
export interface GoldenEpisode {
  id: string;
  flavour: "reset" | "state";
  seed: number;
  steps_after_done: number;
  initial_state: number[];
  initial_obs: number[];
  first_done_step: number;
  total_reward: number;
  steps: GoldenStep[];
}

/** A golden file. */
export interface GoldenFile {
  env_id: string;
  max_episode_steps: number;
  episodes: GoldenEpisode[];
}
