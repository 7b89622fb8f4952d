/**
 * The shared machinery of ganrl's classic-control environments: Gymnasium's `TimeLimit`
 * (elapsed steps, `truncated`), reset/seed handling, action validation, observation buffers
 * and the one-time warning for stepping a finished episode.
 *
 * Subclasses (`CartPoleEnv`, `AcrobotEnv`, `MountainCarEnv` and the seals variants) supply the physics: `sampleInitialState`,
 * `advance` (one integration step, returns the reward) and `writeObs`.
 *
 * Randomness: every environment owns a seeded `Rng` (xoroshiro128+, see `lib/core/rng.ts`).
 * We do NOT reproduce NumPy's PCG64 stream, so `reset(seed)` gives a different (but equally
 * distributed and fully deterministic) initial state than Gymnasium's `reset(seed=seed)`.
 * Bit-exact comparisons with Gymnasium therefore start from a recorded state via `setState`.
 */
import { Rng, GanrlError, checkSeed, describe } from "../core";

/**
 * The environment ids ganrl provides (each has an `EnvSpec`, see `specs.ts`). `CartPole-v0` and
 * `Acrobot-v0` are the GAIL paper's (Ho & Ermon 2016) variants; `seals/*` are the fixed-horizon
 * variants of the seals package (the Python imitation library's benchmarks).
 */
export const ENV_IDS = [
  "CartPole-v1",
  "CartPole-v0",
  "Acrobot-v1",
  "Acrobot-v0",
  "MountainCar-v0",
  "seals/CartPole-v0",
  "seals/MountainCar-v0",
] as const;
export type EnvId = (typeof ENV_IDS)[number];

/** Which registered task an environment class instance is: its id and Gymnasium's time limit. */
export interface EnvVariant {
  readonly id: EnvId;
  /** `TimeLimit`'s max_episode_steps: `truncated` once this many steps were taken. */
  readonly maxEpisodeSteps: number;
}

/** A box observation space (Gymnasium's `spaces.Box`, dtype float32). */
export interface BoxSpace {
  readonly shape: number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** A discrete action space (Gymnasium's `spaces.Discrete(n)`): actions are 0..n-1. */
export interface DiscreteSpace {
  readonly n: number;
}

/** What `env.step` returns (Gymnasium's 5-tuple without `info`). */
export interface StepResult {
  /** float32 observation after the step. */
  obs: Float32Array;
  reward: number;
  /** The MDP reached a terminal state (pole fell / cart left / free end above the line). */
  terminated: boolean;
  /** The time limit was reached: `elapsedSteps >= maxEpisodeSteps`. May be true with `terminated`. */
  truncated: boolean;
}

/** Options common to every environment. */
export interface BaseEnvOptions {
  /** Seed of the environment's `Rng` (resets, noise). Default 0. `reset(seed)` re-seeds. */
  seed?: number;
  /**
   * When true, `step()` writes the observation into ONE buffer owned by the environment and
   * returns the same result object every step (no allocation at all; copy what you keep).
   * Default false: every `step()` returns a fresh `Float32Array` and a fresh result object,
   * which is safe to store (the cost is small, see `bench/envs.ts`).
   */
  reuseObs?: boolean;
}

/** Option keys every environment accepts. */
export const BASE_OPTION_KEYS = ["seed", "reuseObs"] as const;

const UNSAFE_STEP_WARNING =
  "is being stepped after its episode ended (terminated or truncated) without reset(); " +
  "the dynamics continue as in Gymnasium, but further steps are undefined behaviour in RL terms: " +
  "call reset() once you receive terminated or truncated (this warning is shown once per environment)";

/** Base class of ganrl's environments (a port of Gymnasium's `Env` + `TimeLimit`). */
export abstract class ClassicControlEnv {
  readonly id: EnvId;
  readonly maxEpisodeSteps: number;
  readonly actionSpace: DiscreteSpace;
  abstract readonly observationSpace: BoxSpace;
  /** Number of float32 numbers in one observation. */
  readonly obsDim: number;

  /** Internal float64 state, as Gymnasium's `env.unwrapped.state`. */
  protected readonly s: Float64Array;
  /** Stream for initial states. */
  protected rng: Rng;
  /** Independent stream for dynamics noise (forked from `rng` whenever the env is seeded). */
  protected noiseRng: Rng;
  /** Set by `advance`: whether the new state is terminal. */
  protected terminatedFlag = false;

  private elapsed = 0;
  private started = false;
  private finished = false;
  private warned = false;
  private lastTruncated = false;
  private readonly reuseObs: boolean;
  private readonly sharedObs: Float32Array;
  private readonly sharedResult: StepResult;

  protected constructor(id: EnvId, maxEpisodeSteps: number, nActions: number, stateDim: number, obsDim: number, opts: BaseEnvOptions) {
    this.id = id;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.actionSpace = Object.freeze({ n: nActions });
    this.obsDim = obsDim;
    this.s = new Float64Array(stateDim);
    const seed = opts.seed ?? 0;
    checkSeed(seed, `${id} seed`);
    this.rng = new Rng(seed);
    this.noiseRng = this.rng.fork();
    if (opts.reuseObs !== undefined && typeof opts.reuseObs !== "boolean") {
      throw new GanrlError(`${id} option reuseObs must be true or false, got ${describe(opts.reuseObs)}`);
    }
    this.reuseObs = opts.reuseObs ?? false;
    this.sharedObs = new Float32Array(obsDim);
    this.sharedResult = { obs: this.sharedObs, reward: 0, terminated: false, truncated: false };
  }

  // ---------------------------------------------------------------- physics (subclasses)

  /** Draws a fresh initial state into `this.s` from `rng`. */
  protected abstract sampleInitialState(rng: Rng): void;
  /** Integrates one step with a validated action; updates `this.s` and `terminatedFlag`; returns the reward. */
  protected abstract advance(action: number): number;
  /** Writes the float32 observation of the current state into `out[offset .. offset + obsDim)`. */
  abstract writeObs(out: Float32Array, offset: number): void;
  /** Called by `reset` after the state is drawn (clears per-episode physics bookkeeping). */
  protected onReset(): void {}
  /** A self-contained SVG picture of the current state (see `render.ts`). */
  abstract render(): string;

  // ---------------------------------------------------------------- public API

  /** Steps taken since the last reset (the `TimeLimit` counter). */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** A copy of the internal float64 state (Gymnasium's `env.unwrapped.state`). */
  get state(): Float64Array {
    return this.s.slice();
  }

  /**
   * Overwrites the internal state (like assigning `env.unwrapped.state` in Gymnasium).
   * The elapsed-step counter is kept (it is 0 right after a reset), so
   * `reset(); setState(s0)` starts an episode from `s0`.
   */
  setState(state: ArrayLike<number>): void {
    if (state === null || typeof state !== "object" || typeof state.length !== "number") {
      throw new GanrlError(`${this.id}.setState needs an array of ${this.s.length} numbers, got ${describe(state)}`);
    }
    if (state.length !== this.s.length) {
      throw new GanrlError(
        `${this.id}.setState needs exactly ${this.s.length} numbers (${this.stateNames().join(", ")}), got ${state.length}`,
      );
    }
    for (let i = 0; i < state.length; i++) {
      const v = state[i];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new GanrlError(`${this.id}.setState: ${this.stateNames()[i]} (index ${i}) must be a finite number, got ${describe(v)}`);
      }
    }
    for (let i = 0; i < state.length; i++) this.s[i] = state[i];
  }

  /** Names of the state entries, in order. */
  abstract stateNames(): string[];

  /** The current observation (a fresh array). */
  observe(): Float32Array {
    const o = new Float32Array(this.obsDim);
    this.writeObs(o, 0);
    return o;
  }

  /**
   * Starts a new episode and returns its first observation (a fresh array).
   * `seed` re-seeds the environment's generator (as Gymnasium's `reset(seed=...)`);
   * without it the generator continues, so successive episodes differ.
   */
  reset(seed?: number): Float32Array {
    const o = new Float32Array(this.obsDim);
    this.resetInto(o, 0, seed);
    return o;
  }

  /** `reset`, writing the observation into `out[offset ..]` (no allocation; used by `VecEnv`). */
  resetInto(out: Float32Array, offset: number, seed?: number): void {
    if (seed !== undefined) this.seed(seed);
    this.sampleInitialState(this.rng);
    this.onReset();
    this.elapsed = 0;
    this.started = true;
    this.finished = false;
    this.terminatedFlag = false;
    this.lastTruncated = false;
    this.writeObs(out, offset);
  }

  /** Re-seeds the environment's generators (done by `reset(seed)`). */
  seed(seed: number): void {
    checkSeed(seed, `${this.id}.reset seed`);
    this.rng = new Rng(seed);
    this.noiseRng = this.rng.fork();
  }

  /**
   * Takes one step. Throws a `GanrlError` for an invalid action or when `reset()` was never
   * called. Stepping after `terminated`/`truncated` without reset follows Gymnasium (see the
   * golden `steps_after_done` episodes) and warns once per environment.
   */
  step(action: number): StepResult {
    const obs = this.reuseObs ? this.sharedObs : new Float32Array(this.obsDim);
    const reward = this.stepInto(action, obs, 0);
    if (this.reuseObs) {
      const r = this.sharedResult;
      r.reward = reward;
      r.terminated = this.terminatedFlag;
      r.truncated = this.lastTruncated;
      return r;
    }
    return { obs, reward, terminated: this.terminatedFlag, truncated: this.lastTruncated };
  }

  /**
   * Low-level step without allocation: writes the observation into `out[offset ..]` and returns
   * the reward; read `lastTerminated` / `lastTruncated` afterwards. Same checks as `step`.
   */
  stepInto(action: number, out: Float32Array, offset: number): number {
    // critical: `>>> 0` maps NaN, negatives and fractions to a different number, so this one
    // comparison rejects every non-integer / out-of-range action.
    if ((action >>> 0) !== action || action >= this.actionSpace.n) this.badAction(action);
    if (!this.started) {
      throw new GanrlError(`${this.id}: call reset() before step() (the environment has no state yet)`);
    }
    if (this.finished && !this.warned) {
      this.warned = true;
      console.warn(`ganrl: ${this.id} ${UNSAFE_STEP_WARNING}`);
    }
    const reward = this.advance(action);
    this.elapsed++;
    this.lastTruncated = this.elapsed >= this.maxEpisodeSteps;
    if (this.terminatedFlag || this.lastTruncated) this.finished = true;
    this.writeObs(out, offset);
    return reward;
  }

  /** `terminated` of the last step. */
  get lastTerminated(): boolean {
    return this.terminatedFlag;
  }

  /** `truncated` of the last step. */
  get lastTruncatedFlag(): boolean {
    return this.lastTruncated;
  }

  private badAction(action: unknown): never {
    throw new GanrlError(
      `${this.id}: invalid action ${describe(action)}; actions are integers 0..${this.actionSpace.n - 1} ` +
        `(${this.actionMeanings().join(", ")})`,
    );
  }

  /** Human-readable meaning of each action, for error messages. */
  protected abstract actionMeanings(): string[];
}

/** Checks a physics-parameter override: known keys, finite numbers, positive where required. */
export function checkParams<P extends object>(
  id: string,
  defaults: P,
  params: Partial<P> | undefined,
  mustBePositive: readonly (keyof P)[],
): P {
  const out = { ...defaults };
  if (params === undefined) return out;
  if (params === null || typeof params !== "object") {
    throw new GanrlError(`${id} option params must be an object such as { gravity: 9.8 }, got ${describe(params)}`);
  }
  const known = Object.keys(defaults);
  for (const [k, v] of Object.entries(params)) {
    if (!known.includes(k)) {
      throw new GanrlError(`unknown physics parameter '${k}' for ${id}; valid parameters: ${known.join(", ")}`);
    }
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new GanrlError(`${id} parameter ${k} must be a finite number, got ${describe(v)}`);
    }
    if (mustBePositive.includes(k as keyof P) && !(v > 0)) {
      throw new GanrlError(`${id} parameter ${k} must be > 0, got ${v}`);
    }
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** Checks a noise standard deviation option (finite, >= 0). */
export function checkNoiseStd(id: string, name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new GanrlError(`${id} option ${name} must be a finite number >= 0 (0 = Gymnasium's noiseless dynamics), got ${describe(v)}`);
  }
  return v;
}
