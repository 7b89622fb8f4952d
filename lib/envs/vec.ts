/**
 * `VecEnv`: n copies of one environment stepped together, with batched float32 observations in
 * ONE `Float32Array` of n·obsDim numbers (row i = env i) and automatic reset of finished envs
 * in the same step (Gymnasium's `AutoresetMode.SAME_STEP`, as Stable-Baselines3 does it).
 *
 * Seeding: env i is created with seed `seed + i` (seed defaults to 0); `reset(seed)` re-seeds
 * env i with `seed + i`. Auto-resets continue each env's own stream, so a run is determined by
 * the seed and the actions.
 *
 * Buffers: `reset` and `step` return views of buffers owned by the VecEnv that are REUSED
 * (overwritten) on every call, and `step` returns the same result object every time. Callers
 * copy what they keep (e.g. `obs.slice()`). This makes stepping allocation-free.
 */
import { GanrlError, checkPositiveInt, describe } from "../core";
import { ClassicControlEnv } from "./env";

export interface VecStepResult {
  /** [n·obsDim] observation after the step; for envs that finished, the FIRST observation of the new episode. */
  obs: Float32Array;
  /** [n] rewards of this step. */
  rewards: Float64Array;
  /** [n] 1 where the episode terminated in this step. */
  terminated: Uint8Array;
  /** [n] 1 where the episode was truncated by the time limit in this step. */
  truncated: Uint8Array;
  /**
   * [n·obsDim] for envs that finished: the LAST observation of the finished episode (bootstrap
   * from it on truncation); for the others equal to the `obs` row.
   */
  finalObs: Float32Array;
  /** [n] the finished episode's total reward (0 where no episode finished in this step). */
  episodeReturn: Float64Array;
  /** [n] the finished episode's length in steps (0 where no episode finished in this step). */
  episodeLength: Int32Array;
}

export class VecEnv {
  readonly envs: ClassicControlEnv[];
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly nActions: number;
  readonly id: string;
  private readonly result: VecStepResult;
  private readonly runningReturn: Float64Array;
  private started = false;

  constructor(envs: ClassicControlEnv[]) {
    if (!Array.isArray(envs) || envs.length === 0) {
      throw new GanrlError(`VecEnv needs at least one environment, got ${describe(envs)}`);
    }
    const e0 = envs[0];
    for (const e of envs) {
      if (e.obsDim !== e0.obsDim || e.actionSpace.n !== e0.actionSpace.n) {
        throw new GanrlError(`VecEnv environments must share observation and action sizes (${e0.id} vs ${e.id})`);
      }
    }
    this.envs = envs;
    this.numEnvs = envs.length;
    this.obsDim = e0.obsDim;
    this.nActions = e0.actionSpace.n;
    this.id = e0.id;
    const n = this.numEnvs, d = this.obsDim;
    this.runningReturn = new Float64Array(n);
    this.result = {
      obs: new Float32Array(n * d),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObs: new Float32Array(n * d),
      episodeReturn: new Float64Array(n),
      episodeLength: new Int32Array(n),
    };
  }

  /** Resets every env (env i with `seed + i` when a seed is given) and returns the [n·obsDim] observations (reused buffer). */
  reset(seed?: number): Float32Array {
    const { obs } = this.result;
    for (let i = 0; i < this.numEnvs; i++) {
      this.envs[i].resetInto(obs, i * this.obsDim, seed === undefined ? undefined : seed + i);
    }
    this.runningReturn.fill(0);
    this.started = true;
    return obs;
  }

  /** Steps every env with `actions[i]`; auto-resets finished envs (see `VecStepResult`). */
  step(actions: ArrayLike<number>): VecStepResult {
    if (!this.started) throw new GanrlError(`${this.id} VecEnv: call reset() before step()`);
    if (actions === null || typeof actions !== "object" || actions.length !== this.numEnvs) {
      throw new GanrlError(
        `${this.id} VecEnv.step needs one action per environment (${this.numEnvs}), got ${describe(actions)}`,
      );
    }
    const r = this.result;
    const { obs, finalObs, rewards, terminated, truncated, episodeReturn, episodeLength } = r;
    const d = this.obsDim;
    const envs = this.envs;
    for (let i = 0; i < this.numEnvs; i++) {
      const env = envs[i];
      const off = i * d;
      const rew = env.stepInto(actions[i], finalObs, off);
      rewards[i] = rew;
      const ret = this.runningReturn[i] + rew;
      const te = env.lastTerminated;
      const tr = env.lastTruncatedFlag;
      terminated[i] = te ? 1 : 0;
      truncated[i] = tr ? 1 : 0;
      if (te || tr) {
        episodeReturn[i] = ret;
        episodeLength[i] = env.elapsedSteps;
        this.runningReturn[i] = 0;
        env.resetInto(obs, off);
      } else {
        episodeReturn[i] = 0;
        episodeLength[i] = 0;
        this.runningReturn[i] = ret;
        for (let j = 0; j < d; j++) obs[off + j] = finalObs[off + j];
      }
    }
    return r;
  }
}

/** Creates a VecEnv of `n` environments from a factory called with each env's seed. */
export function vecEnvFromFactory(n: number, seed: number, make: (seed: number) => ClassicControlEnv): VecEnv {
  checkPositiveInt(n, "number of environments n");
  const envs: ClassicControlEnv[] = [];
  for (let i = 0; i < n; i++) envs.push(make(seed + i));
  return new VecEnv(envs);
}
