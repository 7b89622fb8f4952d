/**
 * The one adversarial trainer that GAIL (here) and AIRL (later) share, after imitation's
 * `AdversarialTrainer`: discriminator rounds, generator rounds through `lib/rl`'s pluggable
 * `RewardFn`, metrics, evaluation and checkpoints. A subclass supplies
 *
 * - `discRaw(batch, training)`: the discriminator network's raw output z [n], with
 *   `labelsExpertIsOne` saying which class it is high for (ℓ = z or −z, see `rewards.ts`);
 * - `rewardTrain(logits, input)` and `rewardTest(input)`: the reward given to the generator while
 *   training, and the learned reward for evaluation or re-training (GAIL: the same; AIRL: f or g);
 * - optionally `discPenalty` (e.g. GAIL's gradient penalty), the discriminator's variables and
 *   its (de)serialisation.
 *
 * ## One round (the paper's Algorithm 1, one TRPO/PPO/REINFORCE iteration)
 * 1. The generator collects `numEnvs × nSteps` transitions with π_θ and hands them to the
 *    trainer's `RewardFn` (the round's hook; it is called exactly once per generator iteration).
 * 2. Discriminator: `discSteps` Adam steps on L(D) (+ λ_GP·GP − λ_H·H(D)), each on one minibatch
 *    of policy rows and as many expert rows drawn with replacement (`discBatchSize` 0: the whole
 *    policy batch and the expert set resampled to its size, as the paper did).
 * 3. Reward: one batched discriminator call on the policy rows, the reward transform in JS
 *    (a constant to the policy update), DAC's absorbing tail added at terminal steps, the
 *    optional causal-entropy bonus.
 * 4. The generator's own update (GAE, TRPO/PPO/REINFORCE) on the relabelled batch.
 *
 * Metrics (namespaced; `disc/*` averaged over the round's discriminator steps, measured before
 * each step; D means D_E = σ(ℓ), the probability of "expert", whatever the label convention):
 * `disc/loss` (BCE part), `disc/gradPenalty`, `disc/entropy`, `disc/accExpert` (ℓ > 0 on expert
 * rows), `disc/accGen` (ℓ < 0 on policy rows), `disc/meanDExpert`, `disc/meanDGen`;
 * `gen/<reward>` (mean per-step learned reward, e.g. `gen/gailReward`), `gen/absorbingReward`,
 * `gen/epReturn` (the TRUE environment return over the last 100 episodes; monitoring only, never
 * used for learning), the generator's `losses/*`, `time/sps`; with `evalEvery`: `eval/return`,
 * `eval/returnStd` (deterministic policy, `evalEpisodes` episodes).
 *
 * ## Absorbing states (Kostrikov et al. 2019, "Discriminator-Actor-Critic")
 * With `absorbing`, a terminal transition s_{T−1} → s_T is followed by an absorbing state s_a that
 * loops until the time limit H: every terminated episode, expert's or policy's, is padded to H
 * steps. D sees s_a as its own input (zero state, no action, indicator feature 1), as one row of
 * weight H − T per terminated episode (rows are sampled ∝ weight, so D trains on the padded
 * distributions). Its reward r_a = r(s_a) is learned like any other, and the generator (on-policy,
 * GAE with V(terminal) = 0) receives the padded tail's value at the terminal step:
 * r_{T−1} + Σ_{k=1}^{H−T} γᵏ r_a. If the expert ends episodes (Acrobot) D learns s_a is
 * expert-like and termination pays; if it never does (CartPole) s_a is policy-like and
 * termination costs, whatever the sign of the reward form.
 */
import { tf, Rng, GanrlError, ensure, checkKnownKeys, checkNumber, checkPositiveInt, checkSeed, describe, profiler } from "../core";
import { ParamJson, FlatAdam } from "../nn";
import {
  OnPolicyTrainer,
  OnPolicyOptions,
  PPO,
  TRPO,
  Reinforce,
  RewardFn,
  RewardInput,
  Metrics,
  Callback,
  LearnResult,
  TrainerCheckpoint,
  CHECKPOINT_FORMAT,
  checkCheckpoint,
  saveOptimizer,
  loadOptimizer,
  jsonOptions,
  evaluate,
  addEntropyBonus,
} from "../rl";
import { DemoSet } from "../data";
import { makeEnv } from "../envs";
import { DemoSource, Samples, SamplesJson, resolveDemos, expertSamples, withAbsorbingRows, sampleWeighted, concatSamples, samplesToJson, samplesFromJson } from "./demos";
import { bceWithLogits, bernoulliEntropyFromLogits } from "./rewards";

/** The generators an adversarial trainer can drive. */
export const GENERATORS = ["trpo", "ppo", "reinforce"] as const;
export type GeneratorName = (typeof GENERATORS)[number];

/** Options every adversarial trainer has (one doc line per field; symbols as in the module comment). */
export interface AdversarialOptions {
  /** Environment id; the demonstrations must be for it. */
  envId: string;
  /** Expert demonstrations: a `ganrl-demos/1` set or a path to one. */
  demos: DemoSource;
  /** Keep every k-th expert pair (the paper: 10 on CartPole, 5 on Acrobot; 1 keeps all). */
  demoEvery: number;
  /** Policy optimiser: "trpo" (the paper's), "ppo" or "reinforce". */
  generator: GeneratorName;
  /** Options of the generator (`TRPOOptions`, `PPOOptions` or `ReinforceOptions`), minus envId, seed, rewardFn. */
  generatorOptions: Record<string, unknown>;
  /** c_H, the generator's entropy bonus in its loss (PPO, REINFORCE only; null: the generator's default). */
  genEntCoef: number | null;
  /** λ of the paper's −λ H(π): reward bonus −λ log π(a_t|s_t) (an unbiased causal-entropy term; positive, so it favours long episodes). */
  causalEntropyCoef: number;
  /** Standardise the policy's (and value's) inputs with the expert's state statistics, frozen (the paper). */
  policyNormFromExpert: boolean;
  /** α_D, the discriminator's Adam learning rate. */
  discLr: number;
  /** β₁ of the discriminator's Adam. */
  discBeta1: number;
  /** Discriminator Adam steps per generator iteration. */
  discSteps: number;
  /** Policy rows per discriminator step (the same number of expert rows); 0: the whole policy batch. */
  discBatchSize: number;
  /**
   * k, discriminator replay: D's policy rows are the fresh rollout plus the rollouts of the last k
   * rounds (0: the fresh rollout only). AIRL's implementation mixes past policies' samples into D's
   * batches ("fusion", Fu et al. 2018) so that D does not forget states the current policy has
   * stopped visiting: early off-support states and, on CartPole, the absorbing state, whose learned
   * reward otherwise drifts once the policy no longer terminates.
   */
  discReplay: number;
  /** ε, label smoothing: targets 1 − ε and ε instead of 1 and 0. */
  labelSmoothing: number;
  /** λ_GP, gradient-penalty coefficient (0: off). */
  gradPenalty: number;
  /** Form of the gradient penalty: "wgan-gp" ((‖∇ℓ‖ − 1)²) or "zero-centred" (‖∇ℓ‖²). */
  gradPenaltyForm: "wgan-gp" | "zero-centred";
  /** λ_H, weight of the discriminator's Bernoulli-entropy bonus (the paper: 0.001). */
  discEntCoef: number;
  /** Clip each per-step learned reward to [−c, c] (null: no clipping). */
  rewardClip: number | null;
  /** DAC absorbing-state handling, episodes padded to the time limit (see the module comment). */
  absorbing: boolean;
  /** Evaluate the deterministic policy every this many rounds (0: never). */
  evalEvery: number;
  /** Episodes per evaluation. */
  evalEpisodes: number;
  /** Seed of the first evaluation episode (episode i uses evalSeed + i). */
  evalSeed: number;
  /**
   * A control run instead of imitation (same generator, budget and seed): "const" pays a constant
   * reward of the reward form's sign every step (`controlConstant`, absorbing tail included), so it
   * measures what the sign alone teaches; "randomD" keeps the discriminator at its random
   * initialisation (never trained) and pays its reward, so it measures what an uninformed network of
   * the same architecture teaches. "none": imitation.
   */
  control: AdversarialControl;
  /** Seed of everything: generator, discriminator, subsampling, minibatches. */
  seed: number;
}

/** The control runs an adversarial trainer can make (see `AdversarialOptions.control`). */
export const ADVERSARIAL_CONTROLS = ["none", "const", "randomD"] as const;
export type AdversarialControl = (typeof ADVERSARIAL_CONTROLS)[number];

export const ADVERSARIAL_DEFAULTS: Readonly<AdversarialOptions> = Object.freeze({
  envId: "CartPole-v1",
  demos: "",
  demoEvery: 1,
  generator: "trpo" as GeneratorName,
  generatorOptions: {},
  genEntCoef: null,
  causalEntropyCoef: 0,
  policyNormFromExpert: false,
  discLr: 3e-4,
  discBeta1: 0.9,
  discSteps: 5,
  discBatchSize: 256,
  discReplay: 0,
  labelSmoothing: 0,
  gradPenalty: 0,
  gradPenaltyForm: "wgan-gp" as const,
  discEntCoef: 0,
  rewardClip: null,
  absorbing: false,
  evalEvery: 0,
  evalEpisodes: 10,
  evalSeed: 10_000,
  control: "none" as AdversarialControl,
  seed: 0,
});

/** Discriminator rows as tensors (see `Samples`). */
export interface DiscBatch {
  n: number;
  /** s, raw [n, obsDim]. */
  obs: tf.Tensor2D;
  /** a, int32 [n]. */
  actions: tf.Tensor1D;
  /** s', raw [n, obsDim]. */
  nextObs: tf.Tensor2D;
  /** 1 where s' is terminal, float [n]. */
  done: tf.Tensor1D;
  /** 1 for absorbing-state rows, float [n]. */
  absorbing: tf.Tensor1D;
}

/** Uploads samples (rows `idx`, or all) as a `DiscBatch` (call inside a tidy, or dispose). */
export function toDiscBatch(s: Samples, idx?: Int32Array): DiscBatch {
  const d = s.obsDim;
  if (!idx) {
    return {
      n: s.n,
      obs: tf.tensor2d(s.obs.subarray(0, s.n * d), [s.n, d]),
      actions: tf.tensor1d(s.actions.subarray(0, s.n), "int32"),
      nextObs: tf.tensor2d(s.nextObs.subarray(0, s.n * d), [s.n, d]),
      done: tf.tensor1d(Float32Array.from(s.done.subarray(0, s.n))),
      absorbing: tf.tensor1d(Float32Array.from(s.absorbing.subarray(0, s.n))),
    };
  }
  const n = idx.length;
  const obs = new Float32Array(n * d), nextObs = new Float32Array(n * d);
  const actions = new Int32Array(n), done = new Float32Array(n), absorbing = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    obs.set(s.obs.subarray(i * d, (i + 1) * d), k * d);
    nextObs.set(s.nextObs.subarray(i * d, (i + 1) * d), k * d);
    actions[k] = s.actions[i];
    done[k] = s.done[i];
    absorbing[k] = s.absorbing[i];
  }
  return {
    n,
    obs: tf.tensor2d(obs, [n, d]),
    actions: tf.tensor1d(actions, "int32"),
    nextObs: tf.tensor2d(nextObs, [n, d]),
    done: tf.tensor1d(done),
    absorbing: tf.tensor1d(absorbing),
  };
}

/** Row-wise concatenation of two batches (one discriminator call for expert and policy rows). */
export function concatDiscBatch(a: DiscBatch, b: DiscBatch): DiscBatch {
  return {
    n: a.n + b.n,
    obs: tf.concat([a.obs, b.obs], 0),
    actions: tf.concat([a.actions, b.actions], 0),
    nextObs: tf.concat([a.nextObs, b.nextObs], 0),
    done: tf.concat([a.done, b.done], 0),
    absorbing: tf.concat([a.absorbing, b.absorbing], 0),
  };
}

/** The discriminator's state in a checkpoint (`extra.discriminator`). */
export interface DiscriminatorJson {
  format: "ganrl.disc/1";
  kind: string;
  arch: Record<string, unknown>;
  params: ParamJson[];
  /** Input normalisation statistics, when used. */
  inputNorm?: { mean: number[]; var: number[]; count: number; clip: number; eps: number };
}

/** A 31-bit seed derived from `seed` and a salt (splitmix32-style), for independent streams. */
export function deriveSeed(seed: number, salt: number): number {
  let z = (seed ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 1;
}

const GEN_RESERVED = ["envId", "seed", "rewardFn", "env"];

export abstract class AdversarialTrainer<O extends AdversarialOptions = AdversarialOptions> {
  /** Name stored in checkpoints ("gail", "airl"). */
  abstract readonly algo: string;
  /** Metric key of the mean learned reward (`gen/gailReward`, ...). */
  protected abstract readonly rewardKey: string;
  readonly opts: Readonly<O>;
  /** The validated demonstration set (all trajectories given). */
  readonly demos: DemoSet;
  /** The expert's discriminator rows (subsampled transitions + absorbing rows). */
  readonly expert: Samples;
  /** The policy optimiser; its `policy` is the imitating policy. */
  readonly gen: OnPolicyTrainer<OnPolicyOptions>;
  /** Stream of the discriminator's minibatches, interpolation weights and the expert subsampling offsets. */
  readonly rng: Rng;
  readonly discOptimizer: tf.Optimizer;
  /** Generator rounds completed (= generator iterations). */
  round = 0;
  /** Metrics of the last round's discriminator phase and reward (merged into the learn metrics). */
  protected lastRound: Metrics = {};
  private expertBatch: DiscBatch | null = null;
  private evalMetrics: Metrics = {};
  /** Seconds spent in evaluations so far (included in wall time, not in learning). */
  evalSeconds = 0;
  /** H, the environment's time limit (absorbing padding). */
  readonly horizon: number;
  /** Steps taken so far in each generator environment's current episode. */
  private episodeSteps: Int32Array;
  /** Policy samples of the last `discReplay` rounds, newest first. */
  private replay: Samples[] = [];

  protected constructor(opts: O) {
    checkKnownKeys(opts, Object.keys(ADVERSARIAL_DEFAULTS).concat(this.extraOptionKeys()), this.constructor.name);
    this.opts = Object.freeze({ ...opts });
    const o = this.opts;
    checkSeed(o.seed);
    ensure((GENERATORS as readonly string[]).includes(o.generator), () => `unknown generator ${describe(o.generator)}; valid: ${GENERATORS.join(", ")}`);
    checkPositiveInt(o.demoEvery, "demoEvery");
    checkNumber(o.discLr, "discLr", 0);
    checkNumber(o.discBeta1, "discBeta1", 0, 1);
    checkPositiveInt(o.discSteps, "discSteps");
    ensure(Number.isInteger(o.discBatchSize) && o.discBatchSize >= 0, () => `discBatchSize must be a non-negative integer (0: whole batch), got ${describe(o.discBatchSize)}`);
    ensure(Number.isInteger(o.discReplay) && o.discReplay >= 0, () => `discReplay must be a non-negative integer (rounds of past policy samples; 0: off), got ${describe(o.discReplay)}`);
    checkNumber(o.labelSmoothing, "labelSmoothing", 0, 0.5);
    checkNumber(o.gradPenalty, "gradPenalty", 0);
    ensure(o.gradPenaltyForm === "wgan-gp" || o.gradPenaltyForm === "zero-centred", () => `gradPenaltyForm must be "wgan-gp" or "zero-centred", got ${describe(o.gradPenaltyForm)}`);
    checkNumber(o.discEntCoef, "discEntCoef", 0);
    checkNumber(o.causalEntropyCoef, "causalEntropyCoef", 0);
    if (o.rewardClip !== null) checkNumber(o.rewardClip, "rewardClip", 0);
    ensure(Number.isInteger(o.evalEvery) && o.evalEvery >= 0, () => `evalEvery must be a non-negative integer, got ${describe(o.evalEvery)}`);
    checkPositiveInt(o.evalEpisodes, "evalEpisodes");
    ensure((ADVERSARIAL_CONTROLS as readonly string[]).includes(o.control), () => `control must be one of ${ADVERSARIAL_CONTROLS.join(", ")}, got ${describe(o.control)}`);
    if (o.demos === "" || o.demos === undefined) throw new GanrlError(`${this.constructor.name} needs expert demonstrations: pass demos (a ganrl-demos/1 set or a path such as data/demos/${o.envId}/traj-1.json)`);
    this.demos = resolveDemos(o.demos, o.envId);
    this.rng = new Rng(deriveSeed(o.seed, 0xd15c));
    this.horizon = makeEnv(o.envId).maxEpisodeSteps;
    this.expert = expertSamples(this.demos, { every: o.demoEvery, rng: this.rng, absorbingHorizon: o.absorbing ? this.horizon : null }).samples;
    this.gen = this.makeGenerator();
    this.episodeSteps = new Int32Array(this.gen.env.numEnvs);
    ensure(this.gen.env.obsDim === this.demos.obsDim && this.gen.env.nActions === this.demos.nActions, "the generator's environment does not match the demonstrations");
    if (o.policyNormFromExpert) {
      const norm = this.gen.obsNorm;
      ensure(norm !== null, "internal: policyNormFromExpert needs the generator's normalizeObs");
      norm.update(this.expertObservations(), this.expertObservations().length / this.demos.obsDim);
      norm.frozen = true;
    }
    this.discOptimizer = new FlatAdam(o.discLr, o.discBeta1, 0.999);
    this.gen.rewardFn = this.roundRewardFn;
  }

  /** Option keys a subclass adds to `AdversarialOptions` (for the unknown-key check). */
  protected abstract extraOptionKeys(): string[];
  /** The discriminator's raw output z [n] (ℓ = z if `labelsExpertIsOne` else −z). Call inside a tidy. */
  protected abstract discRaw(b: DiscBatch, training: boolean): tf.Tensor1D;
  /** Which class the discriminator's cross-entropy labels 1 (and its raw output is high for). */
  abstract get labelsExpertIsOne(): boolean;
  /** The discriminator's trainable variables. */
  abstract discVariables(): tf.Variable[];
  /** Per-step reward during training from ℓ of the policy rows [n] (JS; a constant to the policy update). */
  protected abstract rewardTrain(logitsExpertIsHigh: Float32Array, input: RewardInput): Float32Array;
  /** The learned reward for evaluation or re-training a fresh policy (a `RewardFn`). */
  abstract rewardTest(input: RewardInput): Float32Array;
  /** Discriminator state for checkpoints. */
  abstract saveDiscriminator(): DiscriminatorJson;
  abstract loadDiscriminator(j: DiscriminatorJson): void;
  protected abstract disposeDiscriminator(): void;

  /** A regulariser added to L(D) at every step on the step's expert and policy rows (AIRL: the potential penalty), or null. Call in the loss. */
  protected discRegularizer(_both: DiscBatch): tf.Scalar | null {
    return null;
  }

  /** A regulariser added to L(D) (GAIL: λ_GP·GP); `alpha` [n, 1] are the interpolation weights. Call in the loss. */
  protected discPenalty(_expert: DiscBatch, _policy: DiscBatch, _alpha: tf.Tensor2D): tf.Scalar | null {
    return null;
  }

  /** ℓ(s, a) [n], expert high. Call inside a tidy. */
  logitsExpertIsHigh(b: DiscBatch, training = false): tf.Tensor1D {
    const z = this.discRaw(b, training);
    return this.labelsExpertIsOne ? z : (tf.neg(z) as tf.Tensor1D);
  }

  /** The imitating policy. */
  get policy(): OnPolicyTrainer<OnPolicyOptions>["policy"] {
    return this.gen.policy;
  }

  /** Environment steps so far. */
  get step(): number {
    return this.gen.step;
  }

  /** Raw expert states s, [nExpertRows*obsDim] (absorbing rows excluded). */
  expertObservations(): Float32Array {
    const e = this.expert;
    let m = 0;
    for (let i = 0; i < e.n; i++) if (!e.absorbing[i]) m++;
    const out = new Float32Array(m * e.obsDim);
    for (let i = 0, k = 0; i < e.n; i++) if (!e.absorbing[i]) out.set(e.obs.subarray(i * e.obsDim, (i + 1) * e.obsDim), k++ * e.obsDim);
    return out;
  }

  private makeGenerator(): OnPolicyTrainer<OnPolicyOptions> {
    const o = this.opts;
    const g: Record<string, unknown> = { ...o.generatorOptions };
    for (const k of GEN_RESERVED) {
      if (k in g) throw new GanrlError(`generatorOptions.${k} is set by the adversarial trainer; set ${k === "rewardFn" || k === "env" ? "it through the trainer" : k} on the ${this.constructor.name} options instead`);
    }
    if (o.genEntCoef !== null) {
      if (o.generator === "trpo") throw new GanrlError("genEntCoef is a loss bonus of PPO and REINFORCE; TRPO has none: use causalEntropyCoef (a reward bonus) instead");
      checkNumber(o.genEntCoef, "genEntCoef", 0);
      g.entCoef = o.genEntCoef;
    }
    if (o.policyNormFromExpert) g.normalizeObs = true;
    const full = { ...g, envId: o.envId, seed: o.seed };
    switch (o.generator) {
      case "trpo":
        return new TRPO(full) as unknown as OnPolicyTrainer<OnPolicyOptions>;
      case "ppo":
        return new PPO(full) as unknown as OnPolicyTrainer<OnPolicyOptions>;
      default:
        return new Reinforce(full) as unknown as OnPolicyTrainer<OnPolicyOptions>;
    }
  }

  /** The expert rows as tensors, uploaded once. */
  private expertTensors(): DiscBatch {
    if (!this.expertBatch) this.expertBatch = tf.tidy(() => toDiscBatch(this.expert) as unknown as tf.TensorContainer) as unknown as DiscBatch;
    return this.expertBatch;
  }

  /**
   * H − T for each row of a rollout that terminates its episode after T steps (0 elsewhere), from
   * per-environment step counters carried across rollouts (rows are laid out [steps, envs]).
   */
  protected remainingHorizon(input: RewardInput): Int32Array {
    const N = this.episodeSteps.length;
    ensure(input.n % N === 0, "rollout size is not a multiple of the number of environments");
    const rem = new Int32Array(input.n);
    for (let i = 0; i < input.n; i++) {
      const e = i % N;
      this.episodeSteps[e]++;
      if (input.terminated[i]) rem[i] = Math.max(1, this.horizon - this.episodeSteps[e]);
      if (input.terminated[i] || input.truncated[i]) this.episodeSteps[e] = 0;
    }
    return rem;
  }

  /** Policy rows of a rollout (+ one absorbing row of weight H − T per terminated episode when `absorbing`). */
  protected policySamples(input: RewardInput, remaining: Int32Array): Samples {
    const weights: number[] = [];
    if (this.opts.absorbing) for (let i = 0; i < input.n; i++) if (input.terminated[i]) weights.push(remaining[i]);
    return withAbsorbingRows({ n: input.n, obsDim: input.obsDim, obs: input.obs, actions: input.actions, nextObs: input.nextObs, done: input.terminated }, weights);
  }

  /**
   * `discSteps` Adam steps on L(D) = ½(E_E[BCE(ℓ, 1−ε)] + E_π[BCE(ℓ, ε)]) + λ_GP·GP − λ_H·E[H(σ(ℓ))],
   * expert rows drawn with replacement, policy rows cycling through a shuffled order (both drawn
   * with replacement ∝ weight when absorbing rows are present). Returns the `disc/*` metrics
   * averaged over the steps.
   */
  trainDiscriminator(policy: Samples): Metrics {
    const o = this.opts;
    const nG = policy.n;
    const nE = this.expert.n;
    const bs = o.discBatchSize > 0 ? Math.min(o.discBatchSize, nG) : nG;
    const expertAll = this.expertTensors();
    const policyAll = tf.tidy(() => toDiscBatch(policy) as unknown as tf.TensorContainer) as unknown as DiscBatch;
    const vars = this.discVariables();
    const stats: tf.Tensor[] = [];
    const weighted = policy.weight.some((w) => w !== 1) || this.expert.weight.some((w) => w !== 1);
    let perm = this.rng.permutation(nG);
    let cursor = 0;
    for (let k = 0; k < o.discSteps; k++) {
      let gIdx: Int32Array | null;
      let eIdx: Int32Array;
      if (weighted) {
        gIdx = sampleWeighted(policy.weight, bs, this.rng);
        eIdx = sampleWeighted(this.expert.weight, bs, this.rng);
      } else {
        if (cursor + bs > nG) {
          perm = this.rng.permutation(nG);
          cursor = 0;
        }
        gIdx = bs === nG ? null : perm.slice(cursor, cursor + bs);
        cursor += bs;
        eIdx = new Int32Array(bs);
        for (let i = 0; i < bs; i++) eIdx[i] = this.rng.int(nE);
      }
      const alpha = o.gradPenalty > 0 ? Float32Array.from({ length: bs }, () => this.rng.uniform()) : null;
      stats.push(
        tf.tidy(() => {
          const gather = (b: DiscBatch, idx: Int32Array | null): DiscBatch => {
            if (!idx) return b;
            const i = tf.tensor1d(idx, "int32");
            return { n: idx.length, obs: tf.gather(b.obs, i), actions: tf.gather(b.actions, i), nextObs: tf.gather(b.nextObs, i), done: tf.gather(b.done, i), absorbing: tf.gather(b.absorbing, i) };
          };
          const eb = gather(expertAll, eIdx);
          const gb = gather(policyAll, gIdx);
          const both = concatDiscBatch(eb, gb);
          const alphaT = alpha ? tf.tensor2d(alpha, [bs, 1]) : null;
          let aux: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            // one discriminator call for expert and policy rows
            const l = this.logitsExpertIsHigh(both, true);
            const lE = tf.slice(l, [0], [bs]) as tf.Tensor1D;
            const lG = tf.slice(l, [bs], [bs]) as tf.Tensor1D;
            // expert-is-one labels on ℓ: identical to the raw output's own convention (BCE(z,y) = BCE(−z,1−y))
            const bce = tf.mul(0.5, tf.add(tf.mean(bceWithLogits(lE, 1 - o.labelSmoothing)), tf.mean(bceWithLogits(lG, o.labelSmoothing)))) as tf.Scalar;
            const ent = tf.mean(bernoulliEntropyFromLogits(l));
            let loss: tf.Tensor = bce;
            if (o.discEntCoef > 0) loss = tf.sub(loss, tf.mul(o.discEntCoef, ent));
            const reg = this.discRegularizer(both);
            if (reg) loss = tf.add(loss, reg);
            let gp: tf.Tensor = tf.scalar(0);
            if (alphaT) {
              const p = this.discPenalty(eb, gb, alphaT);
              if (p) {
                gp = p;
                loss = tf.add(loss, tf.mul(o.gradPenalty, p));
              }
            }
            const accE = tf.mean(tf.cast(tf.greater(lE, 0), "float32"));
            const accG = tf.mean(tf.cast(tf.less(lG, 0), "float32"));
            // critical: variableGrads disposes what f creates; keep the diagnostics.
            aux = [bce, gp, ent, accE, accG, tf.mean(tf.sigmoid(lE)), tf.mean(tf.sigmoid(lG))].map((t) => tf.keep(t));
            return loss as tf.Scalar;
          }, vars);
          this.discOptimizer.applyGradients(grads);
          const out = tf.stack(aux);
          tf.dispose(aux);
          return out;
        }),
      );
    }
    const mean = tf.tidy(() => tf.mean(tf.stack(stats), 0).dataSync());
    tf.dispose(stats);
    tf.dispose(policyAll as unknown as tf.TensorContainer);
    return {
      "disc/loss": mean[0],
      "disc/gradPenalty": mean[1],
      "disc/entropy": mean[2],
      "disc/accExpert": mean[3],
      "disc/accGen": mean[4],
      "disc/meanDExpert": mean[5],
      "disc/meanDGen": mean[6],
    };
  }

  /**
   * The constant reward of the "const" control: the sign of the trainer's reward form (GAIL: +1 for
   * −log(1 − D) ≥ 0, −1 for log D ≤ 0, 0 for the sign-free logit). Default 0.
   */
  protected controlConstant(): number {
    return 0;
  }

  /** ℓ for samples [n] (one batched call, one download). */
  logitsOf(s: Samples): Float32Array {
    return tf.tidy(() => this.logitsExpertIsHigh(toDiscBatch(s)).dataSync() as Float32Array);
  }

  /**
   * The generator's rewards for a rollout: rewardTrain on the policy rows, plus the padded
   * absorbing tail Σ_{k=1}^{H−T} γᵏ r_a at terminal steps (with `absorbing`), plus −λ log π(a|s)
   * (causal entropy).
   */
  protected generatorRewards(input: RewardInput, remaining: Int32Array): { rewards: Float32Array; metrics: Metrics } {
    const o = this.opts;
    const n = input.n;
    // the policy rows plus one absorbing row, in one call
    const rows = withAbsorbingRows({ n, obsDim: input.obsDim, obs: input.obs, actions: input.actions, nextObs: input.nextObs, done: input.terminated }, o.absorbing ? [1] : []);
    const constant = o.control === "const";
    const c = constant ? this.controlConstant() : 0;
    const logits = constant ? null : this.logitsOf(rows);
    const r = logits ? this.rewardTrain(logits.subarray(0, n), input) : new Float32Array(n).fill(c);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r[i];
    const metrics: Metrics = { [this.rewardKey]: sum / n };
    if (o.absorbing) {
      const rA = logits ? this.rewardTrain(logits.subarray(n, n + 1), { ...input, n: 1 })[0] : c;
      const gamma = this.gen.opts.gamma;
      for (let i = 0; i < n; i++) {
        if (!input.terminated[i]) continue;
        const k = remaining[i];
        // Σ_{j=1}^{k} γ^j r_a
        r[i] += rA * (gamma < 1 ? (gamma * (1 - Math.pow(gamma, k))) / (1 - gamma) : k);
      }
      metrics["gen/absorbingReward"] = rA;
    }
    addEntropyBonus(r, this.gen.policy, input, o.causalEntropyCoef);
    return { rewards: r, metrics };
  }

  /** The round's hook: discriminator steps on the fresh rollout, then its rewards (see the module comment). */
  private readonly roundRewardFn: RewardFn = (input: RewardInput) => {
    const remaining = this.remainingHorizon(input);
    const fresh = this.policySamples(input, remaining);
    profiler.begin("disc-update");
    // controls never train the discriminator (randomD keeps its random initialisation; const ignores it)
    const disc = this.opts.control === "none" ? this.trainDiscriminator(this.replay.length ? concatSamples([fresh, ...this.replay]) : fresh) : {};
    profiler.end("disc-update");
    if (this.opts.discReplay > 0) {
      this.replay.unshift(fresh);
      this.replay.length = Math.min(this.replay.length, this.opts.discReplay);
    }
    profiler.begin("relabel");
    const { rewards, metrics } = this.generatorRewards(input, remaining);
    profiler.end("relabel");
    this.lastRound = { ...disc, ...metrics };
    this.round++;
    return rewards;
  };

  /** The learned reward as a `RewardFn` (e.g. to train a fresh policy on it). */
  get learnedReward(): RewardFn {
    return (input) => this.rewardTest(input);
  }

  /**
   * Trains until `totalSteps` environment steps (global, so a resumed run given the same budget
   * ends where the original would have) or until the callback returns false. The callback sees the
   * generator's metrics merged with the round's `disc/*`, `gen/*` and `eval/*` metrics.
   */
  async learn(totalSteps: number, opts: { callback?: Callback } = {}): Promise<LearnResult> {
    const o = this.opts;
    return this.gen.learn(totalSteps, {
      callback: async (info) => {
        if (o.evalEvery > 0 && this.round % o.evalEvery === 0) {
          const t0 = Date.now();
          const ev = profiler.time("eval", () => evaluate(this.gen.policy, o.envId, { episodes: o.evalEpisodes, seed: o.evalSeed, deterministic: true }));
          this.evalSeconds += (Date.now() - t0) / 1000;
          this.evalMetrics = { "eval/return": ev.mean, "eval/returnStd": ev.std };
        }
        // critical: merge into the object learn() returns, so the result carries the round's metrics too.
        Object.assign(info.metrics, this.lastRound, this.evalMetrics, { "time/round": this.round, "time/eval": this.evalSeconds });
        return opts.callback ? opts.callback(info) : undefined;
      },
    });
  }

  /** Evaluates the current policy (deterministic by default) on `envId`. */
  evaluate(episodes = this.opts.evalEpisodes, seed = this.opts.evalSeed, deterministic = true): ReturnType<typeof evaluate> {
    return evaluate(this.gen.policy, this.opts.envId, { episodes, seed, deterministic });
  }

  /** Resumable state in the rl trainers' checkpoint format (generator nets and optimisers, plus `disc`). */
  async checkpoint(): Promise<TrainerCheckpoint> {
    const g = await this.gen.checkpoint();
    const options = jsonOptions(this.opts);
    return {
      ...g,
      format: CHECKPOINT_FORMAT,
      algo: this.algo,
      options,
      rng: { ...g.rng, disc: this.rng.getState() },
      optimizers: { ...g.optimizers, disc: await saveOptimizer(this.discOptimizer) },
      extra: {
        round: this.round,
        generator: { algo: g.algo, options: g.options },
        discriminator: this.saveDiscriminator(),
        replay: this.replay.map(samplesToJson),
      },
    };
  }

  /** Restores a checkpoint into this freshly built trainer (same options); environments are re-seeded. */
  async restore(ckpt: TrainerCheckpoint): Promise<void> {
    checkCheckpoint(ckpt, this.algo);
    const extra = ckpt.extra as { round: number; generator: { algo: string }; discriminator: DiscriminatorJson; replay?: SamplesJson[] } | undefined;
    ensure(extra && extra.discriminator && extra.generator, "checkpoint lacks the discriminator (extra.discriminator); was it written by an adversarial trainer?");
    ensure(extra.generator.algo === this.gen.algo, () => `checkpoint's generator is ${extra.generator.algo}, this trainer's is ${this.gen.algo}`);
    await this.gen.restore({ ...ckpt, algo: this.gen.algo });
    this.loadDiscriminator(extra.discriminator);
    await loadOptimizer(this.discOptimizer, ckpt.optimizers.disc ?? []);
    this.rng.setState(ckpt.rng.disc);
    this.round = extra.round;
    this.replay = (extra.replay ?? []).map(samplesFromJson);
    // the generator re-seeded and reset its environments: every episode starts afresh
    this.episodeSteps.fill(0);
  }

  /** Frees every tensor the trainer holds. */
  dispose(): void {
    this.gen.dispose();
    this.disposeDiscriminator();
    this.discOptimizer.dispose();
    if (this.expertBatch) tf.dispose(this.expertBatch as unknown as tf.TensorContainer);
    this.expertBatch = null;
  }
}
