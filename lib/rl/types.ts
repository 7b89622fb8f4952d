/** Types shared by the RL algorithms: the vectorised-environment contract, rewards, metrics, callbacks. */

/** What rollouts need from a vectorised environment (`lib/envs`' `VecEnv` satisfies it). */
export interface VecEnvLike {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly nActions: number;
  /** [numEnvs*obsDim] first observations (buffer may be reused by the env). */
  reset(seed?: number): Float32Array;
  /** Steps every env; finished envs auto-reset (`obs` rows hold the reset obs, `finalObs` the last one). */
  step(actions: ArrayLike<number>): {
    obs: Float32Array;
    rewards: ArrayLike<number>;
    terminated: ArrayLike<number>;
    truncated: ArrayLike<number>;
    finalObs: Float32Array;
    episodeReturn: ArrayLike<number>;
    episodeLength: ArrayLike<number>;
  };
}

/**
 * Transitions (s, a, s', terminated), row-major: the one transition-batch type of rl, imitation
 * (discriminator samples) and irl (reward evaluation sets). `terminated` is Gymnasium's flag: s'
 * is a terminal state (never "done", which would mix in time-limit truncation).
 */
export interface TransitionBatch {
  /** Number of transitions. */
  n: number;
  obsDim: number;
  /** s_t, [n*obsDim] (raw, unnormalised). */
  obs: Float32Array;
  /** a_t, [n]. */
  actions: Int32Array;
  /** s_{t+1}, [n*obsDim]: the true next observation (the finished episode's last one at episode ends, never the reset one). */
  nextObs: Float32Array;
  /** 1 where s_{t+1} is terminal, [n]. */
  terminated: Uint8Array;
}

/** A batch of transitions handed to a reward function (flattened over [steps, envs]). */
export interface RewardInput extends TransitionBatch {
  /** 1 where the episode was cut by the time limit after this step, [n]. */
  truncated: Uint8Array;
  /** The environment's own reward r_t, [n]. */
  envRewards: Float32Array;
}

/**
 * A pluggable reward source: the environment's reward, GAIL's discriminator reward, AIRL's
 * f or g, a world model's reward head. Returns one reward per transition. Algorithms never know
 * which one they are given; the reward is a constant to the policy update.
 */
export type RewardFn = (batch: RewardInput) => Float32Array | Promise<Float32Array>;

/** The default reward source: the environment's reward. */
export const envReward: RewardFn = (batch) => batch.envRewards;

/**
 * Namespaced metrics, e.g. `gen/epReturn`, `gen/epLength`, `losses/policy`, `losses/value`,
 * `losses/entropy`, `losses/approxKl`, `losses/clipFrac`, `time/sps`, `time/step`, `time/iteration`.
 */
export type Metrics = Record<string, number>;

/** What a training callback receives after each iteration. */
export interface IterationInfo {
  /** Environment steps so far (over all envs). */
  step: number;
  /** Iterations (rollout + update) so far. */
  iteration: number;
  metrics: Metrics;
}

/** Returning `false` (or a promise of it) stops training; anything else continues. */
export type Callback = (info: IterationInfo) => boolean | void | Promise<boolean | void>;

export interface LearnOptions {
  /** Called after each iteration (log, checkpoint, stop early). */
  callback?: Callback;
}

/** Result of `learn`. */
export interface LearnResult {
  step: number;
  iteration: number;
  /** Metrics of the last iteration. */
  metrics: Metrics;
  /** Why training ended. */
  stoppedBy: "budget" | "callback";
}
