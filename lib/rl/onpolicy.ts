/**
 * The loop every on-policy algorithm shares (REINFORCE, PPO, TRPO), as in SB3's
 * `OnPolicyAlgorithm`: collect `nSteps` vector steps → relabel rewards with the `RewardFn` →
 * GAE(λ) → algorithm-specific `update` → update obs-normalisation stats → metrics → callback.
 *
 * With `wholeEpisodes` a batch is instead complete episodes only, at least `numEnvs × nSteps`
 * pairs of them, every one started from a reset in this batch (the GAIL paper's sampler,
 * `min_total_sa`; see `RolloutCollector.collectEpisodes`); its size varies from batch to batch.
 */
import { tf, Rng, ensure, checkPositiveInt, checkNumber, checkSeed, profiler } from "../core";
import { CategoricalPolicy, ValueNet, RunningMeanStd, Activation } from "../nn";
import { makeVecEnv } from "../envs";
import { RolloutBatch, RolloutCollector, EpisodeStats } from "./rollout";
import { VecEnvLike, RewardFn, RewardInput, envReward, Metrics, LearnOptions, LearnResult } from "./types";
import { TrainerCheckpoint, checkCheckpoint, loadOptimizer, EpisodeWindow, buildCheckpoint } from "./common";

/** Options every on-policy trainer has. */
export interface OnPolicyOptions {
  /** Environment id (`CartPole-v1`, `Acrobot-v1`, ...), used unless `env` is given. */
  envId: string;
  /** A ready vectorised environment (overrides envId/numEnvs; not saved in checkpoints). */
  env?: VecEnvLike | null;
  /** N, parallel environments. */
  numEnvs: number;
  /** T, vector steps per rollout (batch = T·N transitions). */
  nSteps: number;
  /** γ, discount factor. */
  gamma: number;
  /** λ in GAE(λ). */
  gaeLambda: number;
  /** Hidden widths of the policy and value MLPs. */
  hidden: number[];
  /** Hidden nonlinearity. */
  activation: Activation;
  /** Normalise observations with running statistics (saved with the policy). */
  normalizeObs: boolean;
  /** Batches of complete episodes only, at least numEnvs × nSteps pairs (the GAIL paper's `min_total_sa`); false: exactly nSteps vector steps, episodes running on across batches. */
  wholeEpisodes: boolean;
  /** Reward source (default: the environment's reward). Not saved in checkpoints. */
  rewardFn?: RewardFn | null;
  /** Seed of everything: weights, sampling, shuffles, environments. */
  seed: number;
}

export const ON_POLICY_DEFAULTS: Readonly<OnPolicyOptions> = Object.freeze({
  envId: "CartPole-v1",
  env: null,
  numEnvs: 8,
  nSteps: 128,
  gamma: 0.99,
  gaeLambda: 0.95,
  hidden: [64, 64],
  activation: "tanh" as Activation,
  normalizeObs: false,
  wholeEpisodes: false,
  rewardFn: null,
  seed: 0,
});

export abstract class OnPolicyTrainer<O extends OnPolicyOptions> {
  abstract readonly algo: string;
  readonly opts: Readonly<O>;
  readonly env: VecEnvLike;
  readonly policy: CategoricalPolicy;
  readonly value: ValueNet;
  readonly obsNorm: RunningMeanStd | null;
  /** The batch being collected or last collected (a new one every rollout with `wholeEpisodes`). */
  get batch(): RolloutBatch {
    return this._batch;
  }
  private _batch: RolloutBatch;
  /** Stream for shuffles and algorithm randomness. */
  readonly rng: Rng;
  /** Stream for action sampling. */
  readonly sampleRng: Rng;
  protected readonly collector: RolloutCollector;
  rewardFn: RewardFn;
  step = 0;
  iteration = 0;
  /** Budget of the `learn` call in progress (schedules). */
  totalSteps = 0;
  readonly episodes = new EpisodeWindow();
  /** When the rollout in progress started (ms; `time/rollout`). */
  private collectStart = 0;

  protected constructor(opts: O) {
    this.opts = Object.freeze({ ...opts, hidden: [...opts.hidden] });
    checkPositiveInt(opts.numEnvs, "numEnvs");
    checkPositiveInt(opts.nSteps, "nSteps");
    checkNumber(opts.gamma, "gamma", 0, 1);
    checkNumber(opts.gaeLambda, "gaeLambda", 0, 1);
    checkSeed(opts.seed);
    this.rng = new Rng(opts.seed);
    this.env = opts.env ?? makeVecEnv(opts.envId, opts.numEnvs, { seed: opts.seed });
    ensure(this.env.nActions >= 2, "on-policy trainers need a discrete action space with at least 2 actions");
    const obsDim = this.env.obsDim;
    this.obsNorm = opts.normalizeObs ? new RunningMeanStd(obsDim) : null;
    this.policy = new CategoricalPolicy(
      { obsDim, nActions: this.env.nActions, hidden: opts.hidden, activation: opts.activation, obsNorm: this.obsNorm },
      this.rng.fork(),
    );
    this.value = new ValueNet({ obsDim, hidden: opts.hidden, activation: opts.activation, obsNorm: this.obsNorm }, this.rng.fork());
    this.sampleRng = this.rng.fork();
    this._batch = new RolloutBatch(opts.nSteps, this.env.numEnvs, obsDim);
    this.collector = new RolloutCollector(this.env, opts.seed);
    this.rewardFn = opts.rewardFn ?? envReward;
  }

  /** The algorithm's update on a collected batch (advantages and returns filled in). */
  protected abstract update(batch: RolloutBatch): Metrics | Promise<Metrics>;
  /** Named optimisers whose state is checkpointed. */
  protected abstract optimizers(): Record<string, tf.Optimizer>;

  /** Fraction of the budget used before this iteration (0 → 1), for schedules. */
  protected progress(): number {
    return this.totalSteps > 0 ? this.step / this.totalSteps : 0;
  }

  /** One iteration: rollout, relabel, GAE, update, normalisation stats. Returns its metrics. */
  async trainIteration(): Promise<Metrics> {
    this.collect();
    profiler.begin("reward");
    await this.batch.relabel(this.rewardFn);
    profiler.end("reward");
    return this.improve();
  }

  /**
   * Collects one rollout (`nSteps` vector steps, or with `wholeEpisodes` complete episodes of at
   * least numEnvs × nSteps pairs into a new batch) with the current policy into `batch`, records the
   * finished episodes, and returns the transitions (views of the batch). `batch.rewards` is left
   * to the caller (`batch.relabel`, `batch.setRewards`) before `improve`.
   */
  collect(): RewardInput {
    this.collectStart = Date.now();
    let stats: EpisodeStats;
    if (this.opts.wholeEpisodes) {
      const got = this.collector.collectEpisodes(this.policy, this.value, this.env.numEnvs * this.opts.nSteps, this.sampleRng, this.rng.nextSeed());
      this._batch = got.batch;
      stats = got.stats;
    } else stats = this.collector.collect(this.policy, this.value, this.batch, this.sampleRng);
    stats.returns.forEach((r, i) => this.episodes.push(r, stats.lengths[i]));
    return this.batch.rewardInput();
  }

  /** The policy step on the collected, relabelled batch: GAE, the algorithm's update, normalisation stats, counters. */
  async improve(): Promise<Metrics> {
    const t0 = this.collectStart;
    profiler.time("gae", () => this.batch.computeAdvantages(this.opts.gamma, this.opts.gaeLambda));
    const t1 = Date.now();
    profiler.begin("update");
    const m = await this.update(this.batch);
    profiler.end("update");
    // critical: stats change only between iterations, so logProb at collection and in the update see the same inputs.
    if (this.obsNorm) this.obsNorm.update(this.batch.obs);
    this.step += this.batch.size;
    this.iteration++;
    let rsum = 0;
    for (let i = 0; i < this.batch.size; i++) rsum += this.batch.rewards[i];
    return { ...m, "gen/rewardMean": rsum / this.batch.size, "time/rollout": (t1 - t0) / 1000, "time/update": (Date.now() - t1) / 1000 };
  }

  /** The metrics `learn` adds to an iteration's: recent episodes, counters and steps per second since `start` (ms) and `startStep`. */
  progressMetrics(start: number, startStep: number): Metrics {
    const secs = (Date.now() - start) / 1000;
    return { ...this.episodes.metrics(), "time/step": this.step, "time/iteration": this.iteration, "time/sps": (this.step - startStep) / Math.max(secs, 1e-9) };
  }

  /**
   * Trains until the global step counter reaches `totalSteps` (so a resumed run given the same
   * budget finishes where the original would have), or the callback returns false.
   */
  async learn(totalSteps: number, opts: LearnOptions = {}): Promise<LearnResult> {
    checkPositiveInt(totalSteps, "totalSteps");
    this.totalSteps = totalSteps;
    const start = Date.now();
    const startStep = this.step;
    let metrics: Metrics = {};
    while (this.step < totalSteps) {
      const m = await this.trainIteration();
      metrics = { ...m, ...this.progressMetrics(start, startStep) };
      if (opts.callback) {
        const r = await opts.callback({ step: this.step, iteration: this.iteration, metrics });
        if (r === false) return { step: this.step, iteration: this.iteration, metrics, stoppedBy: "callback" };
      }
    }
    return { step: this.step, iteration: this.iteration, metrics, stoppedBy: "budget" };
  }

  /**
   * Fits the value function: `iters` Adam steps of ½(V(s) − R)² on random minibatches of `mbSize`
   * drawn from `obs` [B, obsDim] and targets `ret` [B]. Returns the mean loss.
   */
  protected fitValue(obs: tf.Tensor2D, ret: tf.Tensor1D, optimizer: tf.Optimizer, iters: number, mbSize: number): number {
    profiler.begin("value");
    const B = obs.shape[0];
    const mb = Math.min(mbSize, B);
    // the statistics are fixed during the fit: normalise once (gather∘normalise = normalise∘gather exactly)
    const x = this.value.obsNorm ? tf.tidy(() => (this.value.obsNorm as RunningMeanStd).apply(obs)) : obs;
    const losses: tf.Tensor[] = [];
    for (let it = 0; it < iters; it++) {
      const idx = mb === B ? null : this.rng.permutation(B).subarray(0, mb);
      losses.push(
        tf.tidy(() => {
          const i = idx ? tf.tensor1d(idx, "int32") : null;
          const xb = i ? (tf.gather(x, i) as tf.Tensor2D) : x;
          const y = i ? (tf.gather(ret, i) as tf.Tensor1D) : ret;
          const { value, grads } = tf.variableGrads(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(this.value.net.apply(xb).reshape([-1]), y)))) as tf.Scalar, this.value.trainableVariables);
          optimizer.applyGradients(grads);
          return value;
        }),
      );
    }
    if (x !== obs) x.dispose();
    const mean = tf.tidy(() => tf.mean(tf.stack(losses)).dataSync()[0]);
    tf.dispose(losses);
    profiler.end("value");
    return mean;
  }

  /** The resumable state (see `TrainerCheckpoint`). */
  async checkpoint(): Promise<TrainerCheckpoint> {
    return buildCheckpoint(this, { policy: this.policy.save(), value: this.value.save() }, this.optimizers());
  }


  /** Restores a checkpoint into this (freshly built, never trained) trainer; re-seeds and resets the envs. */
  async restore(ckpt: TrainerCheckpoint): Promise<void> {
    checkCheckpoint(ckpt, this.algo, ["policy", "value"]);
    this.policy.load(ckpt.nets.policy);
    this.value.load(ckpt.nets.value);
    for (const [k, o] of Object.entries(this.optimizers())) await loadOptimizer(o, ckpt.optimizers[k] ?? []);
    this.rng.setState(ckpt.rng.main);
    this.sampleRng.setState(ckpt.rng.sample);
    this.step = ckpt.step;
    this.iteration = ckpt.iteration;
    this.totalSteps = ckpt.totalSteps;
    this.episodes.restore(ckpt.episodes);
    this.collector.reset(this.rng.nextSeed());
  }

  /** Frees the networks and optimisers. */
  dispose(): void {
    this.policy.dispose();
    this.value.dispose();
    this.obsNorm?.dispose();
    for (const o of Object.values(this.optimizers())) o.dispose();
  }
}

/** Merges user options over frozen defaults, rejecting unknown keys. */
export function resolveOptions<O extends object>(defaults: Readonly<O>, user: Partial<O> | undefined, what: string): O {
  const known = Object.keys(defaults);
  if (user) {
    for (const k of Object.keys(user)) {
      ensure(known.includes(k), () => `unknown option '${k}' for ${what}; valid options: ${known.join(", ")}`);
    }
  }
  const out = { ...defaults } as O;
  if (user) for (const [k, v] of Object.entries(user)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
