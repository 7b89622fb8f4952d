/**
 * On-policy rollouts over vectorised environments into a preallocated `RolloutBatch`
 * (CleanRL's `(num_steps, num_envs)` storage): one plain-JavaScript policy pass per vector
 * step, one batched TF.js value call per rollout.
 */
import { ensure, Rng, profiler } from "../core";
import { CategoricalPolicy, ValueNet, sampleCategorical, ActResult } from "../nn";
import { VecEnvLike, RewardFn, RewardInput } from "./types";
import { computeGae } from "./gae";

/** Storage for one rollout, every array laid out [steps, envs] (index t*nEnvs + e). */
export class RolloutBatch {
  readonly nSteps: number;
  readonly nEnvs: number;
  readonly obsDim: number;
  /** T·N, the number of transitions. */
  readonly size: number;
  /** s_t, [T, N, obsDim] (raw). */
  readonly obs: Float32Array;
  /** s_{t+1}, [T, N, obsDim]: at episode ends the finished episode's last obs (`finalObs`). */
  readonly nextObs: Float32Array;
  /** a_t, [T, N]. */
  readonly actions: Int32Array;
  /** Environment reward, [T, N]. */
  readonly envRewards: Float32Array;
  /** Reward used for learning (from the RewardFn), [T, N]. */
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** log π_old(a_t|s_t), [T, N]. */
  readonly logProb: Float32Array;
  /** V(s_t) at collection, [T, N]. */
  readonly values: Float32Array;
  /** V(finalObs) where truncated and not terminated, else 0, [T, N]. */
  readonly bootstrapValues: Float32Array;
  /** V(s_T) after the last step, [N]. */
  readonly lastValues: Float32Array;
  /** GAE advantages, [T, N]. */
  readonly advantages: Float32Array;
  /** λ-returns (value targets), [T, N]. */
  readonly returns: Float32Array;

  constructor(nSteps: number, nEnvs: number, obsDim: number) {
    this.nSteps = nSteps;
    this.nEnvs = nEnvs;
    this.obsDim = obsDim;
    const n = nSteps * nEnvs;
    this.size = n;
    this.obs = new Float32Array(n * obsDim);
    this.nextObs = new Float32Array(n * obsDim);
    this.actions = new Int32Array(n);
    this.envRewards = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.logProb = new Float32Array(n);
    this.values = new Float32Array(n);
    this.bootstrapValues = new Float32Array(n);
    this.lastValues = new Float32Array(nEnvs);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
  }

  /** The transitions as a reward-function input (views, no copies). */
  rewardInput(): RewardInput {
    return {
      n: this.size,
      obsDim: this.obsDim,
      obs: this.obs,
      actions: this.actions,
      nextObs: this.nextObs,
      terminated: this.terminated,
      truncated: this.truncated,
      envRewards: this.envRewards,
    };
  }

  /** Fills `rewards` from a reward function (validated: one finite number per transition). */
  async relabel(rewardFn: RewardFn): Promise<void> {
    this.setRewards(await rewardFn(this.rewardInput()));
  }

  /** Sets the learning rewards, one finite number per transition (a copy into `rewards`). */
  setRewards(r: ArrayLike<number>): void {
    ensure(r && r.length === this.size, () => `reward function returned ${r?.length} rewards for ${this.size} transitions`);
    for (let i = 0; i < r.length; i++) ensure(Number.isFinite(r[i]), () => `reward function returned a non-finite reward (${r[i]}) at index ${i}`);
    if (r !== this.rewards) this.rewards.set(r);
  }

  /** GAE(λ) from `rewards`, `values`, the flags and bootstraps, into `advantages` and `returns`. */
  computeAdvantages(gamma: number, lambda: number): void {
    computeGae(
      {
        nSteps: this.nSteps,
        nEnvs: this.nEnvs,
        rewards: this.rewards,
        values: this.values,
        terminated: this.terminated,
        truncated: this.truncated,
        bootstrapValues: this.bootstrapValues,
        lastValues: this.lastValues,
        gamma,
        lambda,
      },
      this.advantages,
      this.returns,
    );
  }
}

/** Episode statistics gathered while collecting. */
export interface EpisodeStats {
  returns: number[];
  lengths: number[];
}

/**
 * Carries the environments' current observation between rollouts and fills `RolloutBatch`es.
 * The policy's `obsNorm` (if any) is read, never updated, here.
 */
export class RolloutCollector {
  readonly env: VecEnvLike;
  /** Current observations s_t, [N*obsDim] (our own copy). */
  readonly obs: Float32Array;
  private readonly act: ActResult;
  private logits = new Float64Array(0);

  constructor(env: VecEnvLike, seed: number) {
    this.env = env;
    this.obs = Float32Array.from(env.reset(seed));
    this.act = { actions: new Int32Array(env.numEnvs), logProb: new Float32Array(env.numEnvs) };
  }

  /** Re-seeds and resets every environment (after restoring a checkpoint). */
  reset(seed: number): void {
    this.obs.set(this.env.reset(seed));
  }

  /**
   * Collects `batch.nSteps` vector steps with `policy` (sampled with `rng`) and `value`.
   * Fills obs, nextObs, actions, envRewards, flags, logProb, values, bootstrapValues, lastValues.
   *
   * Each vector step runs the policy once in plain JavaScript (`CategoricalPolicy.logitsArray`:
   * at N ≈ 10 rows a TF.js call costs more than the arithmetic); the values V(s_t), V(finalObs) at
   * cut-offs and V(s_T), which no action depends on, are computed afterwards in ONE batched
   * TF.js call.
   */
  collect(policy: CategoricalPolicy, value: ValueNet, batch: RolloutBatch, rng: Rng): EpisodeStats {
    const { numEnvs: N, obsDim: D } = this.env;
    ensure(batch.nEnvs === N && batch.obsDim === D, "RolloutCollector: batch shape does not match the environments");
    const nA = policy.nActions;
    const stats: EpisodeStats = { returns: [], lengths: [] };
    /** Rows cut by the time limit (not terminated): bootstrap from V(finalObs). */
    const truncRows: number[] = [];
    if (this.logits.length !== N * nA) this.logits = new Float64Array(N * nA);
    profiler.begin("rollout");
    for (let t = 0; t < batch.nSteps; t++) {
      const row = t * N;
      batch.obs.set(this.obs, row * D);
      profiler.begin("policy");
      sampleCategorical(policy.logitsArray(this.obs, this.logits), N, nA, rng, false, nA, 0, this.act);
      profiler.end("policy");
      for (let e = 0; e < N; e++) {
        batch.actions[row + e] = this.act.actions[e];
        batch.logProb[row + e] = this.act.logProb[e];
      }
      profiler.begin("env");
      const r = this.env.step(this.act.actions);
      profiler.end("env");
      batch.nextObs.set(r.obs, row * D);
      for (let e = 0; e < N; e++) {
        const i = row + e;
        batch.envRewards[i] = r.rewards[e];
        batch.terminated[i] = r.terminated[e] ? 1 : 0;
        batch.truncated[i] = r.truncated[e] ? 1 : 0;
        batch.bootstrapValues[i] = 0;
        if (r.terminated[e] || r.truncated[e]) {
          // critical: the obs row already holds the NEXT episode's first obs; s_{t+1} is finalObs.
          batch.nextObs.set(r.finalObs.subarray(e * D, (e + 1) * D), i * D);
          stats.returns.push(r.episodeReturn[e]);
          stats.lengths.push(r.episodeLength[e]);
          if (!r.terminated[e]) truncRows.push(i);
        }
      }
      this.obs.set(r.obs);
    }
    // one value call: [s_0 … s_{T−1} (T·N rows) | finalObs of the cut-off rows | s_T (N rows)]
    profiler.begin("values");
    const T = batch.size, K = truncRows.length;
    const inp = new Float32Array((T + K + N) * D);
    inp.set(batch.obs.subarray(0, T * D));
    // time-limit cut-off: bootstrap from V(finalObs), never from the reset observation
    truncRows.forEach((i, k) => inp.set(batch.nextObs.subarray(i * D, (i + 1) * D), (T + k) * D));
    inp.set(this.obs, (T + K) * D);
    const v = value.predictArray(inp);
    batch.values.set(v.subarray(0, T));
    truncRows.forEach((i, k) => (batch.bootstrapValues[i] = v[T + k]));
    batch.lastValues.set(v.subarray(T + K, T + K + N));
    profiler.end("values");
    profiler.end("rollout");
    return stats;
  }

  /**
   * Collects complete episodes only, as the GAIL paper's sampler does (`sim_mp` with
   * `min_total_sa`): every environment is reset (env i with `seed + i`), and each runs episode
   * after episode until `minPairs` pairs have been collected over all environments (finished
   * episodes and those in progress); from then on an environment whose episode ends starts no new
   * one (its further steps are discarded), and collection stops when every environment's last
   * episode has ended. So the batch holds ≥ `minPairs` pairs, every episode whole, none cut by
   * the batch boundary (with one environment exactly the paper's sequential sampler: the last
   * episode started before `minPairs` is finished, the overshoot is under one episode).
   *
   * Returns a new `RolloutBatch` laid out [T, 1]: the episodes one after another in the order
   * they ended, so GAE (which restarts at every terminated/truncated row) treats them as one
   * stream; its last row ends an episode, so `lastValues` is never read. Values are computed
   * in one batched call afterwards, as in `collect`.
   */
  collectEpisodes(policy: CategoricalPolicy, value: ValueNet, minPairs: number, rng: Rng, seed: number): { batch: RolloutBatch; stats: EpisodeStats } {
    const { numEnvs: N, obsDim: D } = this.env;
    ensure(Number.isInteger(minPairs) && minPairs >= 1, () => `collectEpisodes: minPairs must be a positive integer, got ${minPairs}`);
    const nA = policy.nActions;
    if (this.logits.length !== N * nA) this.logits = new Float64Array(N * nA);
    this.obs.set(this.env.reset(seed));
    /** Rows of each environment's episode in progress, and the finished episodes in the order they ended. */
    type Ep = { obs: number[]; nextObs: number[]; actions: number[]; logProb: number[]; rewards: number[]; terminated: boolean; truncated: boolean; ret: number; len: number };
    const fresh = (): Ep => ({ obs: [], nextObs: [], actions: [], logProb: [], rewards: [], terminated: false, truncated: false, ret: 0, len: 0 });
    const cur: Ep[] = Array.from({ length: N }, fresh);
    const active = new Uint8Array(N).fill(1);
    let nActive = N;
    const done: Ep[] = [];
    let collected = 0;
    profiler.begin("rollout");
    while (nActive > 0) {
      profiler.begin("policy");
      sampleCategorical(policy.logitsArray(this.obs, this.logits), N, nA, rng, false, nA, 0, this.act);
      profiler.end("policy");
      profiler.begin("env");
      const r = this.env.step(this.act.actions);
      profiler.end("env");
      for (let e = 0; e < N; e++) {
        if (!active[e]) continue;
        const ep = cur[e];
        for (let j = 0; j < D; j++) ep.obs.push(this.obs[e * D + j]);
        ep.actions.push(this.act.actions[e]);
        ep.logProb.push(this.act.logProb[e]);
        ep.rewards.push(r.rewards[e]);
        collected++;
        if (r.terminated[e] || r.truncated[e]) {
          // critical: the obs row already holds the NEXT episode's first obs; s_{t+1} is finalObs.
          for (let j = 0; j < D; j++) ep.nextObs.push(r.finalObs[e * D + j]);
          ep.terminated = !!r.terminated[e];
          ep.truncated = !r.terminated[e];
          ep.ret = r.episodeReturn[e];
          ep.len = r.episodeLength[e];
          done.push(ep);
          cur[e] = fresh();
          if (collected >= minPairs) {
            active[e] = 0;
            nActive--;
          }
        } else for (let j = 0; j < D; j++) ep.nextObs.push(r.obs[e * D + j]);
      }
      this.obs.set(r.obs);
    }
    const batch = new RolloutBatch(collected, 1, D);
    const stats: EpisodeStats = { returns: [], lengths: [] };
    const truncRows: number[] = [];
    let row = 0;
    for (const ep of done) {
      const T = ep.actions.length;
      batch.obs.set(ep.obs, row * D);
      batch.nextObs.set(ep.nextObs, row * D);
      batch.actions.set(ep.actions, row);
      batch.logProb.set(ep.logProb, row);
      batch.envRewards.set(ep.rewards, row);
      const last = row + T - 1;
      batch.terminated[last] = ep.terminated ? 1 : 0;
      batch.truncated[last] = ep.truncated ? 1 : 0;
      if (ep.truncated) truncRows.push(last);
      stats.returns.push(ep.ret);
      stats.lengths.push(ep.len);
      row += T;
    }
    ensure(row === collected, "internal: collectEpisodes lost rows");
    // one value call: [s_0 … s_{T−1} | finalObs of the cut-off rows]
    profiler.begin("values");
    const K = truncRows.length;
    const inp = new Float32Array((collected + K) * D);
    inp.set(batch.obs);
    truncRows.forEach((i, k) => inp.set(batch.nextObs.subarray(i * D, (i + 1) * D), (collected + k) * D));
    const v = value.predictArray(inp);
    batch.values.set(v.subarray(0, collected));
    truncRows.forEach((i, k) => (batch.bootstrapValues[i] = v[collected + k]));
    batch.lastValues[0] = 0;
    profiler.end("values");
    profiler.end("rollout");
    return { batch, stats };
  }
}
