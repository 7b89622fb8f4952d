/**
 * Deep Q-learning (Mnih et al. 2015) with SB3's structure: ε-greedy rollouts over vectorised
 * environments into a typed-array replay buffer, every `trainFreq` env steps `gradientSteps` Adam
 * steps on the Huber loss of
 *
 *   y = r + γ (1 − terminated) · Q_target(s', argmax_a' Q(s', a'))   (double DQN, van Hasselt 2016)
 *   y = r + γ (1 − terminated) · max_a' Q_target(s', a')              (plain DQN)
 *
 * a target network copied every `targetUpdateInterval` env steps, and ε annealed linearly from
 * `explorationInitialEps` to `explorationFinalEps` over `explorationFraction` of the budget.
 * Time-limit truncations are stored as non-terminal with s' = the final observation, so they
 * bootstrap; true terminals do not.
 */
import { tf, Rng, ensure, checkPositiveInt, checkNumber, checkSeed } from "../core";
import { Mlp, Activation, ActOptions, netJson, loadNet, download } from "../nn";
import { makeVecEnv } from "../envs";
import { VecEnvLike, RewardFn, envReward, Metrics, LearnOptions, LearnResult, RewardInput } from "./types";
import { ReplayBuffer } from "./replay";
import { TrainerCheckpoint, checkCheckpoint, loadOptimizer, EpisodeWindow, clipByGlobalNorm, linearSchedule, buildCheckpoint } from "./common";
import { resolveOptions } from "./onpolicy";
import { Actor } from "./evaluate";

export interface DQNOptions {
  /** Environment id, used unless `env` is given. */
  envId: string;
  /** A ready vectorised environment (not saved in checkpoints). */
  env?: VecEnvLike | null;
  /** N, parallel environments. */
  numEnvs: number;
  /** Replay capacity (transitions). */
  bufferSize: number;
  /** Env steps before learning starts (pure ε-greedy with ε from the schedule). */
  learningStarts: number;
  /** Minibatch size of each gradient step. */
  batchSize: number;
  /** α, Adam learning rate. */
  lr: number;
  /** γ, discount factor. */
  gamma: number;
  /** Env steps between training phases. */
  trainFreq: number;
  /** Gradient steps per training phase. */
  gradientSteps: number;
  /** Env steps between target-network copies. */
  targetUpdateInterval: number;
  /** Fraction of the budget over which ε decays. */
  explorationFraction: number;
  /** ε at the start. */
  explorationInitialEps: number;
  /** ε after the decay. */
  explorationFinalEps: number;
  /** Use double-DQN targets. */
  doubleDqn: boolean;
  /** Maximum global gradient norm. */
  maxGradNorm: number;
  /** Hidden widths of the Q network. */
  hidden: number[];
  /** Hidden nonlinearity. */
  activation: Activation;
  /** Env steps between callbacks / metric reports. */
  logInterval: number;
  /** Reward source (default: the environment's). Not saved in checkpoints. */
  rewardFn?: RewardFn | null;
  /** Seed of everything. */
  seed: number;
}

export const DQN_DEFAULTS: Readonly<DQNOptions> = Object.freeze({
  envId: "CartPole-v1",
  env: null,
  numEnvs: 1,
  bufferSize: 100000,
  learningStarts: 1000,
  batchSize: 64,
  lr: 2.3e-3,
  gamma: 0.99,
  trainFreq: 256,
  gradientSteps: 128,
  targetUpdateInterval: 10,
  explorationFraction: 0.16,
  explorationInitialEps: 1.0,
  explorationFinalEps: 0.04,
  doubleDqn: false,
  maxGradNorm: 10,
  hidden: [256, 256],
  activation: "relu" as Activation,
  logInterval: 1000,
  rewardFn: null,
  seed: 0,
});

/** Greedy (or ε-greedy) action selection from a Q network; usable with `evaluate`. */
export class QPolicy implements Actor {
  readonly obsDim: number;
  readonly nActions: number;
  constructor(readonly q: Mlp, private readonly rng: Rng, public epsilon = 0) {
    this.obsDim = q.arch.inputDim;
    this.nActions = q.arch.outputDim;
  }
  /** Q(s, ·) for obs [batch*obsDim], one download: [batch*nActions]. */
  qValues(obs: Float32Array): Float32Array {
    const b = obs.length / this.obsDim;
    return download(tf.tidy(() => this.q.apply(tf.tensor2d(obs, [b, this.obsDim])))) as Float32Array;
  }
  act(obs: Float32Array, opts: ActOptions = {}): { actions: Int32Array } {
    const b = obs.length / this.obsDim;
    const q = this.qValues(obs);
    const actions = new Int32Array(b);
    const eps = opts.deterministic ? 0 : this.epsilon;
    const rng = opts.rng ?? this.rng;
    for (let i = 0; i < b; i++) {
      if (eps > 0 && rng.uniform() < eps) {
        actions[i] = rng.int(this.nActions);
        continue;
      }
      let a = 0;
      for (let k = 1; k < this.nActions; k++) if (q[i * this.nActions + k] > q[i * this.nActions + a]) a = k;
      actions[i] = a;
    }
    return { actions };
  }
}

export class DQN {
  readonly algo = "dqn";
  readonly opts: Readonly<DQNOptions>;
  readonly env: VecEnvLike;
  readonly q: Mlp;
  readonly qTarget: Mlp;
  readonly policy: QPolicy;
  readonly buffer: ReplayBuffer;
  readonly optimizer: tf.Optimizer;
  readonly rng: Rng;
  readonly sampleRng: Rng;
  rewardFn: RewardFn;
  step = 0;
  iteration = 0;
  gradSteps = 0;
  readonly episodes = new EpisodeWindow();
  /** Budget of the `learn` call in progress (schedules). */
  totalSteps = 0;
  private obs: Float32Array;
  private pendingLosses: tf.Tensor[] = [];

  constructor(opts: Partial<DQNOptions> = {}) {
    const o = resolveOptions(DQN_DEFAULTS, opts, "DQN");
    checkSeed(o.seed);
    for (const k of ["numEnvs", "bufferSize", "batchSize", "trainFreq", "gradientSteps", "targetUpdateInterval", "logInterval"] as const) checkPositiveInt(o[k], k);
    checkNumber(o.lr, "lr", 0);
    checkNumber(o.gamma, "gamma", 0, 1);
    checkNumber(o.explorationFraction, "explorationFraction", 0, 1);
    this.opts = Object.freeze({ ...o, hidden: [...o.hidden] });
    this.rng = new Rng(o.seed);
    this.env = o.env ?? makeVecEnv(o.envId, o.numEnvs, { seed: o.seed });
    const D = this.env.obsDim;
    const qOpts = { inputDim: D, hidden: o.hidden, outputDim: this.env.nActions, activation: o.activation, init: "glorot" as const, hiddenGain: 1, outputGain: 1, name: "q" };
    this.q = new Mlp(qOpts, this.rng.fork());
    this.qTarget = new Mlp(qOpts, this.rng.fork());
    this.qTarget.copyFrom(this.q);
    this.sampleRng = this.rng.fork();
    this.policy = new QPolicy(this.q, this.sampleRng, o.explorationInitialEps);
    this.buffer = new ReplayBuffer(o.bufferSize, D);
    this.optimizer = tf.train.adam(o.lr);
    this.rewardFn = o.rewardFn ?? envReward;
    this.obs = Float32Array.from(this.env.reset(o.seed));
  }

  /** ε at the current step. */
  epsilon(): number {
    const o = this.opts;
    const p = this.totalSteps > 0 ? this.step / (o.explorationFraction * this.totalSteps) : 0;
    return linearSchedule(o.explorationInitialEps, o.explorationFinalEps, o.explorationFraction > 0 ? p : 1);
  }

  /**
   * The TD targets y [n] of transitions (rewards [n], nextObs [n*obsDim], terminated [n] as 0/1)
   * under the current nets: double DQN or plain (see the module comment). Call inside a tidy.
   */
  tdTargets(rewards: Float32Array, nextObs: Float32Array, terminated: Float32Array): tf.Tensor1D {
    const o = this.opts;
    const next2d = tf.tensor2d(nextObs, [rewards.length, this.env.obsDim]);
    const qNextT = this.qTarget.apply(next2d);
    let next: tf.Tensor;
    if (o.doubleDqn) {
      const aStar = tf.argMax(this.q.apply(next2d), 1);
      next = tf.sum(tf.mul(qNextT, tf.oneHot(aStar, this.env.nActions)), 1);
    } else {
      next = tf.max(qNextT, 1);
    }
    // critical: no bootstrap past a true terminal; truncated transitions were stored as non-terminal
    return tf.add(tf.tensor1d(rewards), tf.mul(tf.mul(o.gamma, tf.sub(1, tf.tensor1d(terminated))), next)) as tf.Tensor1D;
  }

  /** One gradient step on a replay minibatch; returns the loss tensor (kept). */
  trainStep(): tf.Scalar {
    const o = this.opts;
    const D = this.env.obsDim, nA = this.env.nActions;
    const mb = this.buffer.sample(o.batchSize, this.rng);
    const loss = tf.tidy(() => {
      const obs = tf.tensor2d(mb.obs, [o.batchSize, D]);
      const y = this.tdTargets(mb.rewards, mb.nextObs, mb.terminated);
      const oneHot = tf.oneHot(tf.tensor1d(mb.actions, "int32"), nA);
      const { value, grads } = tf.variableGrads(() => {
        const qa = tf.sum(tf.mul(this.q.apply(obs), oneHot), 1);
        return tf.losses.huberLoss(y, qa, undefined, 1.0) as tf.Scalar; // SB3's smooth_l1_loss
      }, this.q.params);
      this.optimizer.applyGradients(clipByGlobalNorm(grads, o.maxGradNorm).grads);
      return value;
    });
    this.gradSteps++;
    return loss;
  }

  /** Trains until the global step counter reaches `totalSteps` or the callback returns false. */
  async learn(totalSteps: number, opts: LearnOptions = {}): Promise<LearnResult> {
    checkPositiveInt(totalSteps, "totalSteps");
    this.totalSteps = totalSteps;
    const o = this.opts;
    const N = this.env.numEnvs, D = this.env.obsDim;
    const start = Date.now();
    const startStep = this.step;
    let nextLog = this.step + o.logInterval;
    let metrics: Metrics = {};
    const nextObs = new Float32Array(N * D);
    const envRewards = new Float32Array(N);
    const term = new Uint8Array(N), trunc = new Uint8Array(N);
    while (this.step < totalSteps) {
      this.policy.epsilon = this.step < o.learningStarts ? 1 : this.epsilon();
      const { actions } = this.policy.act(this.obs);
      const r = this.env.step(actions);
      nextObs.set(r.obs);
      for (let e = 0; e < N; e++) {
        envRewards[e] = r.rewards[e];
        term[e] = r.terminated[e] ? 1 : 0;
        trunc[e] = r.truncated[e] ? 1 : 0;
        if (term[e] || trunc[e]) {
          nextObs.set(r.finalObs.subarray(e * D, (e + 1) * D), e * D);
          this.episodes.push(r.episodeReturn[e], r.episodeLength[e]);
        }
      }
      const input: RewardInput = { n: N, obsDim: D, obs: this.obs, actions, nextObs, terminated: term, truncated: trunc, envRewards };
      const rewards = await this.rewardFn(input);
      ensure(rewards.length === N, "reward function returned the wrong number of rewards");
      for (let e = 0; e < N; e++) this.buffer.add(this.obs, e * D, actions[e], rewards[e], nextObs, e * D, term[e] === 1);
      this.obs.set(r.obs);
      const prev = this.step;
      this.step += N;
      const crossed = (k: number): boolean => Math.floor(this.step / k) > Math.floor(prev / k);
      if (this.step > o.learningStarts && crossed(o.trainFreq)) {
        for (let g = 0; g < o.gradientSteps; g++) this.pendingLosses.push(this.trainStep());
      }
      if (crossed(o.targetUpdateInterval)) this.qTarget.copyFrom(this.q);
      if (this.step >= nextLog || this.step >= totalSteps) {
        nextLog += o.logInterval;
        this.iteration++;
        const secs = (Date.now() - start) / 1000;
        let loss = NaN;
        if (this.pendingLosses.length) {
          loss = tf.tidy(() => tf.mean(tf.stack(this.pendingLosses)).dataSync()[0]);
          tf.dispose(this.pendingLosses);
          this.pendingLosses = [];
        }
        metrics = { ...this.episodes.metrics(), "losses/q": loss, "train/epsilon": this.policy.epsilon, "train/gradSteps": this.gradSteps, "time/step": this.step, "time/iteration": this.iteration, "time/sps": (this.step - startStep) / Math.max(secs, 1e-9) };
        if (opts.callback) {
          const res = await opts.callback({ step: this.step, iteration: this.iteration, metrics });
          if (res === false) return { step: this.step, iteration: this.iteration, metrics, stoppedBy: "callback" };
        }
      }
    }
    return { step: this.step, iteration: this.iteration, metrics, stoppedBy: "budget" };
  }

  /** Resumable state (networks, Adam moments, rng, counters; the replay buffer is not saved: it refills). */
  async checkpoint(): Promise<TrainerCheckpoint> {
    return buildCheckpoint(this, { q: netJson("q", this.q, null), target: netJson("q", this.qTarget, null) }, { adam: this.optimizer }, { gradSteps: this.gradSteps });
  }


  async restore(ckpt: TrainerCheckpoint): Promise<void> {
    checkCheckpoint(ckpt, this.algo, ["q", "target"]);
    loadNet(ckpt.nets.q, "q", this.q);
    loadNet(ckpt.nets.target, "q", this.qTarget);
    await loadOptimizer(this.optimizer, ckpt.optimizers.adam ?? []);
    this.rng.setState(ckpt.rng.main);
    this.sampleRng.setState(ckpt.rng.sample);
    this.step = ckpt.step;
    this.iteration = ckpt.iteration;
    this.totalSteps = ckpt.totalSteps;
    this.gradSteps = Number(ckpt.extra?.gradSteps ?? 0);
    this.episodes.restore(ckpt.episodes);
    this.obs.set(this.env.reset(this.rng.nextSeed()));
  }

  dispose(): void {
    tf.dispose(this.pendingLosses);
    this.pendingLosses = [];
    this.q.dispose();
    this.qTarget.dispose();
    this.optimizer.dispose();
  }
}
