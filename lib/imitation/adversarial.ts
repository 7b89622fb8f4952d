/**
 * The one adversarial loop of the library, after imitation's `AdversarialTrainer`: GAIL, AIRL
 * (`lib/irl/airl.ts`), FEM and GTAL (`linear.ts`) are this loop with a different adversary, a
 * `Discriminator` (`discriminator.ts`) that a subclass builds once (`makeDiscriminator`).
 *
 * ## One round (the paper's Algorithm 1; `learn` reads as these four steps)
 * 1. Collect: the generator (TRPO, PPO or REINFORCE) collects `numEnvs × nSteps` transitions
 *    with π_θ.
 * 2. Train the discriminator on them against the expert's rows: `disc.update(policy, expert)`
 *    (GAIL, AIRL: Adam steps on the cross-entropy; FEM, GTAL: the best-response cost), with the
 *    rollouts of the last `discReplay` rounds mixed into the policy rows.
 * 3. Relabel the rollout with the discriminator's reward, `disc.reward(rows)` (plain JS: a
 *    constant to the policy update), DAC's absorbing tail added at terminal steps, the optional
 *    causal-entropy bonus −λ log π(a|s).
 * 4. Update the generator on the relabelled batch (GAE, then its own policy and value step).
 *
 * The controls (`control`) change step 2 and 3 only: "const" skips the training and pays the
 * constant `disc.rewardSign` every step; "randomD" skips the training and pays the reward of the
 * discriminator as initialised.
 *
 * Metrics (namespaced): the discriminator's (`disc/*`, see `discriminator.ts`; `cost/*` for the
 * linear costs); `gen/<reward>` (mean per-step learned reward, e.g. `gen/gailReward`),
 * `gen/absorbingReward`, `gen/epReturn` (the TRUE environment return over the last 100 episodes;
 * monitoring only, never used for learning), the generator's `losses/*`, `time/sps`; with
 * `evalEvery`: `eval/return`, `eval/returnStd` (deterministic policy, `evalEpisodes` episodes).
 *
 * ## Inputs standardised with the expert's statistics
 * The expert's state statistics are computed once (`expertStats`); the discriminator's input
 * normaliser (`expertNorm()`) and, with `policyNormFromExpert`, the policy's and value's frozen
 * normaliser are loaded from them.
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
import { RunningMeanStd, ObsNormJson, CategoricalPolicy } from "../nn";
import { clonePolicyInPlace } from "./bc";
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
import { DemoSet, Transitions, demoOffsetRng } from "../data";
import { makeEnv } from "../envs";
import { DemoSource, Samples, SamplesJson, resolveDemos, expertSamples, withAbsorbingRows, concatSamples, samplesToJson, samplesFromJson } from "./demos";
import { Discriminator, DiscriminatorJson, DiscTrainOptions } from "./discriminator";

/** Options every adversarial trainer has (one doc line per field; symbols as in the module comment). */
export interface AdversarialOptions {
  /** Environment id; the demonstrations must be for it. */
  envId: string;
  /** Expert demonstrations: a `ganrl-demos/1` set or a path to one. */
  demos: DemoSource;
  /** Keep every k-th expert pair (the paper: 10 on CartPole, 5 on Acrobot; 1 keeps all). */
  demoEvery: number;
  /** Seed of the subsampling offsets' own stream (`demoOffsetRng`: BC given the same seed keeps the same pairs); null: drawn from the discriminator's stream. */
  demoOffsetSeed: number | null;
  /** Policy optimiser: "trpo" (the paper's), "ppo" or "reinforce". */
  generator: GeneratorName;
  /** Options of the generator (`TRPOOptions`, `PPOOptions` or `ReinforceOptions`), minus envId, seed, rewardFn. */
  generatorOptions: Record<string, unknown>;
  /** c_H, the generator's entropy bonus in its loss (PPO, REINFORCE only; null: the generator's default). */
  genEntCoef: number | null;
  /** λ of the paper's −λ H(π): reward bonus −λ log π(a_t|s_t) (an unbiased causal-entropy term; positive, so it favours long episodes). */
  causalEntropyCoef: number;
  /** Standardise the policy's (and value's) inputs with the expert's state statistics, frozen (the paper's code starts from them but keeps updating them on policy batches: see README, "Where we differ"). */
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
  /**
   * Standardise the per-step reward the generator is paid, r' = (r − μ)/√(σ² + 10⁻⁸), with μ and
   * σ² the running mean and variance of every policy row's reward so far, each rollout scored with
   * the statistics before its own rows join them (the Python imitation library's default,
   * `NormalizedRewardNet` with `RunningNorm`). "none": the reward as D gives it. The mean shift
   * removes the reward's sign, so use it only where no sign could pay for ending or surviving: on
   * fixed-horizon tasks (the constant control then pays 0 after its first rollout).
   */
  rewardNorm: RewardNorm;
  /**
   * Behavioural-cloning warm start: before the first round, this many Adam steps (rate
   * `bcWarmStartLr`, minibatches of 64 expert pairs) fit the generator's policy to the expert's
   * pairs, −log π(a|s) through the policy's own input standardisation (`clonePolicyInPlace`); the
   * value function is left as initialised. 0: off (the policy starts at random, as in the paper).
   * Resuming from a checkpoint loads the trained policy over it.
   */
  bcWarmStart: number;
  /** Adam's rate for `bcWarmStart`. */
  bcWarmStartLr: number;
  /**
   * Policy hold: for the first this many rounds the generator's update runs as usual (value
   * function, optimiser state) but the policy's parameters are put back as they were before it, so
   * only the value function and D learn while π stays put; with `bcWarmStart` this keeps the cloned
   * policy until V and D have caught up with it. 0: off. The rounds still count towards the budget.
   */
  policyHoldRounds: number;
  /**
   * Behavioural-cloning steps every round: after each generator update, this many Adam steps (rate
   * `bcRoundLr`, minibatches of 64 of the expert's pairs, each round a fresh optimiser and a random
   * stream derived from the seed and the round, so no state outlives the round) of −log π(a|s),
   * a BC term kept beside the adversarial reward for the whole run (GAIL + BC). 0: off.
   */
  bcRoundSteps: number;
  /** Adam's rate for `bcRoundSteps`. */
  bcRoundLr: number;
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
   * reward of the reward form's sign every step (`disc.rewardSign`, absorbing tail included), so it
   * measures what the sign alone teaches; "randomD" keeps the discriminator at its random
   * initialisation (never trained) and pays its reward, so it measures what an uninformed network of
   * the same architecture teaches. "none": imitation.
   */
  control: AdversarialControl;
  /** Seed of everything: generator, discriminator, subsampling, minibatches. */
  seed: number;
}

/** The generators an adversarial trainer can drive. */
export const GENERATORS = ["trpo", "ppo", "reinforce"] as const;
export type GeneratorName = (typeof GENERATORS)[number];

/** How the generator's reward is standardised (see `AdversarialOptions.rewardNorm`). */
export const REWARD_NORMS = ["none", "running"] as const;
export type RewardNorm = (typeof REWARD_NORMS)[number];

/** The control runs an adversarial trainer can make (see `AdversarialOptions.control`). */
export const ADVERSARIAL_CONTROLS = ["none", "const", "randomD"] as const;
export type AdversarialControl = (typeof ADVERSARIAL_CONTROLS)[number];

export const ADVERSARIAL_DEFAULTS: Readonly<AdversarialOptions> = Object.freeze({
  envId: "CartPole-v1",
  demos: "",
  demoEvery: 1,
  demoOffsetSeed: null,
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
  rewardNorm: "none" as RewardNorm,
  bcWarmStart: 0,
  bcWarmStartLr: 1e-3,
  policyHoldRounds: 0,
  bcRoundSteps: 0,
  bcRoundLr: 1e-3,
  absorbing: false,
  evalEvery: 0,
  evalEpisodes: 10,
  evalSeed: 10_000,
  control: "none" as AdversarialControl,
  seed: 0,
});

/** A 31-bit seed derived from `seed` and a salt (splitmix32-style), for independent streams. */
export function deriveSeed(seed: number, salt: number): number {
  let z = (seed ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 1;
}

/** `defaults` overridden by the keys of `user` that are not undefined (a trainer's options before validation). */
export function withDefaults<O extends object>(defaults: Readonly<O>, user: Partial<O>): O {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(user)) if (v !== undefined) out[k] = v;
  return out as O;
}

/** What a subclass tells the loop about itself. */
export interface AdversarialKind<O extends AdversarialOptions> {
  /** Name stored in checkpoints ("gail", ...). */
  algo: string;
  /** Metric key of the mean learned reward (`gen/gailReward`, ...). */
  rewardKey: string;
  /** Its frozen defaults: `ADVERSARIAL_DEFAULTS` plus its own options (their keys are the valid ones). */
  defaults: Readonly<O>;
  /** Checks of its own options (GanrlError naming the fix), after the unknown-key check. */
  check?: (o: O) => void;
}

const GEN_RESERVED = ["envId", "seed", "rewardFn", "env"];

/**
 * The adversarial loop (see the module comment). A subclass describes itself (`AdversarialKind`:
 * name, reward metric, defaults, its own checks) and builds its discriminator; everything else
 * (the loop, controls, evaluation, checkpoints, disposal) is here.
 */
export abstract class AdversarialTrainer<O extends AdversarialOptions = AdversarialOptions, D extends Discriminator = Discriminator> {
  /** Name stored in checkpoints ("gail", "airl", "fem", "gtal"). */
  readonly algo: string;
  /** Metric key of the mean learned reward (`gen/gailReward`, ...). */
  protected readonly rewardKey: string;
  readonly opts: Readonly<O>;
  /** The validated demonstration set (all trajectories given). */
  readonly demos: DemoSet;
  /** The expert's discriminator rows (subsampled transitions + absorbing rows). */
  readonly expert: Samples;
  /** The expert's state statistics (absorbing rows excluded), computed once; see `expertNorm`. */
  readonly expertStats: ObsNormJson;
  /** The policy optimiser; its `policy` is the imitating policy. */
  readonly gen: OnPolicyTrainer<OnPolicyOptions>;
  /** The adversary. */
  readonly disc: D;
  /** Stream of the discriminator's minibatches, interpolation weights and the expert subsampling offsets. */
  readonly rng: Rng;
  /** Generator rounds completed (= generator iterations). */
  round = 0;
  /** The expert's pairs the policy is cloned on (`bcWarmStart`, `bcRoundSteps`); null when neither is on. */
  private cloningPairs: { obs: Float32Array; actions: Int32Array } | null = null;
  /** Seconds spent in evaluations so far (included in wall time, not in learning). */
  evalSeconds = 0;
  /** H, the environment's time limit (absorbing padding). */
  readonly horizon: number;
  private evalMetrics: Metrics = {};
  /** Steps taken so far in each generator environment's current episode. */
  private episodeSteps: Int32Array;
  /** Policy samples of the last `discReplay` rounds, newest first. */
  private replay: Samples[] = [];
  /** Running statistics of the policy rows' rewards (`rewardNorm` "running"), else null. */
  private rewardStats: RunningMeanStd | null;

  protected constructor(kind: AdversarialKind<O>, user: Partial<O>) {
    const opts = withDefaults(kind.defaults, user);
    checkKnownKeys(opts, Object.keys(kind.defaults), this.constructor.name);
    kind.check?.(opts);
    this.algo = kind.algo;
    this.rewardKey = kind.rewardKey;
    this.opts = Object.freeze({ ...opts });
    const o = this.opts;
    checkSeed(o.seed);
    ensure((GENERATORS as readonly string[]).includes(o.generator), () => `unknown generator ${describe(o.generator)}; valid: ${GENERATORS.join(", ")}`);
    checkPositiveInt(o.demoEvery, "demoEvery");
    if (o.demoOffsetSeed !== null) checkSeed(o.demoOffsetSeed, "demoOffsetSeed");
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
    ensure((REWARD_NORMS as readonly string[]).includes(o.rewardNorm), () => `rewardNorm must be one of ${REWARD_NORMS.join(", ")}, got ${describe(o.rewardNorm)}`);
    this.rewardStats = o.rewardNorm === "running" ? new RunningMeanStd(1) : null;
    ensure(Number.isInteger(o.bcWarmStart) && o.bcWarmStart >= 0, () => `bcWarmStart must be a non-negative integer (Adam steps of behavioural cloning before the first round; 0: off), got ${describe(o.bcWarmStart)}`);
    checkNumber(o.bcWarmStartLr, "bcWarmStartLr", 0);
    ensure(Number.isInteger(o.bcRoundSteps) && o.bcRoundSteps >= 0, () => `bcRoundSteps must be a non-negative integer (Adam steps of behavioural cloning after every round; 0: off), got ${describe(o.bcRoundSteps)}`);
    checkNumber(o.bcRoundLr, "bcRoundLr", 0);
    ensure(Number.isInteger(o.policyHoldRounds) && o.policyHoldRounds >= 0, () => `policyHoldRounds must be a non-negative integer (rounds whose policy step is undone; 0: off), got ${describe(o.policyHoldRounds)}`);
    ensure(Number.isInteger(o.evalEvery) && o.evalEvery >= 0, () => `evalEvery must be a non-negative integer, got ${describe(o.evalEvery)}`);
    checkPositiveInt(o.evalEpisodes, "evalEpisodes");
    ensure((ADVERSARIAL_CONTROLS as readonly string[]).includes(o.control), () => `control must be one of ${ADVERSARIAL_CONTROLS.join(", ")}, got ${describe(o.control)}`);
    if (o.demos === "" || o.demos === undefined) throw new GanrlError(`${this.constructor.name} needs expert demonstrations: pass demos (a ganrl-demos/1 set or a path such as data/demos/${o.envId}/traj-1.json)`);
    this.demos = resolveDemos(o.demos, o.envId);
    this.rng = new Rng(deriveSeed(o.seed, 0xd15c));
    this.horizon = makeEnv(o.envId).maxEpisodeSteps;
    const { samples, transitions } = expertSamples(this.demos, { every: o.demoEvery, rng: o.demoOffsetSeed === null ? this.rng : demoOffsetRng(o.demoOffsetSeed), absorbingHorizon: o.absorbing ? this.horizon : null });
    this.expert = samples;
    const stats = new RunningMeanStd(this.demos.obsDim);
    const obs = this.expertObservations();
    stats.update(obs, obs.length / this.demos.obsDim);
    this.expertStats = stats.toJSON();
    this.gen = this.makeGenerator();
    this.episodeSteps = new Int32Array(this.gen.env.numEnvs);
    ensure(this.gen.env.obsDim === this.demos.obsDim && this.gen.env.nActions === this.demos.nActions, "the generator's environment does not match the demonstrations");
    if (o.policyNormFromExpert) {
      const norm = this.gen.obsNorm;
      ensure(norm !== null, "internal: policyNormFromExpert needs the generator's normalizeObs");
      norm.load(this.expertStats);
      norm.frozen = true;
    }
    if (o.bcWarmStart > 0 || o.bcRoundSteps > 0) this.cloningPairs = this.categoricalPairs(transitions);
    if (o.bcWarmStart > 0) this.clonePolicy(o.bcWarmStart, o.bcWarmStartLr, new Rng(deriveSeed(o.seed, 0xbc)));
    // critical: the generator never relabels its own batches; `learn` does (step 3).
    this.gen.rewardFn = () => {
      throw new GanrlError(`the generator of ${this.constructor.name} is driven by the trainer: call its learn(), not gen.learn()`);
    };
    this.disc = this.makeDiscriminator();
  }

  /**
   * Builds the adversary, once, at the end of the base constructor: it may read `opts`, `demos`,
   * `expert`, `expertStats`/`expertNorm()`, `gen` and `discTrainOptions()`, nothing of the subclass's own.
   */
  protected abstract makeDiscriminator(): D;

  /** The neural discriminators' training options, from the `disc*` options. */
  protected discTrainOptions(): DiscTrainOptions {
    const o = this.opts;
    return { lr: o.discLr, beta1: o.discBeta1, steps: o.discSteps, batchSize: o.discBatchSize, labelSmoothing: o.labelSmoothing, gradPenalty: o.gradPenalty, gradPenaltyForm: o.gradPenaltyForm, entCoef: o.discEntCoef };
  }

  /**
   * What every neural discriminator of this trainer is built with: the demonstrations' sizes,
   * `absorbing`, the expert-statistics normaliser (when `normalize`), `rewardClip` and the training options.
   */
  protected neuralDiscOptions(normalize: boolean): { obsDim: number; nActions: number; absorbing: boolean; inputNorm: RunningMeanStd | null; rewardClip: number | null; train: DiscTrainOptions } {
    const o = this.opts;
    return { obsDim: this.demos.obsDim, nActions: this.demos.nActions, absorbing: o.absorbing, inputNorm: normalize ? this.expertNorm() : null, rewardClip: o.rewardClip, train: this.discTrainOptions() };
  }

  /** The expert's (subsampled) pairs, the discriminator's rows without the absorbing ones, for `bcWarmStart` and `bcRoundSteps`. */
  private categoricalPairs(tr: Transitions): { obs: Float32Array; actions: Int32Array } {
    if (!(this.gen.policy instanceof CategoricalPolicy)) throw new GanrlError(`bcWarmStart and bcRoundSteps clone a categorical policy; ${this.opts.envId}'s generator policy is not one`);
    return { obs: tr.obs.subarray(0, tr.n * tr.obsDim), actions: tr.actions.subarray(0, tr.n) };
  }

  /** `steps` Adam steps of behavioural cloning of the generator's policy on the expert's pairs (`clonePolicyInPlace`). */
  private clonePolicy(steps: number, lr: number, rng: Rng): void {
    const pairs = this.cloningPairs;
    ensure(pairs !== null, "internal: clonePolicy without the expert's pairs");
    clonePolicyInPlace(this.gen.policy as CategoricalPolicy, pairs.obs, pairs.actions, { steps, lr, batchSize: 64, rng });
  }

  /** A frozen normaliser holding the expert's statistics (a fresh instance: its owner disposes it). */
  expertNorm(): RunningMeanStd {
    const n = RunningMeanStd.fromJSON(this.expertStats, this.demos.obsDim);
    n.frozen = true;
    return n;
  }

  /** The discriminator's trainable variables. */
  discVariables(): tf.Variable[] {
    return this.disc.trainableVariables;
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

  /**
   * H − T for each row of a rollout that terminates its episode after T steps (0 elsewhere), from
   * per-environment step counters carried across rollouts (rows are laid out [steps, envs]).
   */
  protected remainingHorizon(input: RewardInput): Int32Array {
    // a whole-episode batch (generator option wholeEpisodes) is one stream of complete episodes, laid out [T, 1]
    if (this.gen.batch.nEnvs !== this.episodeSteps.length) this.episodeSteps = new Int32Array(this.gen.batch.nEnvs);
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
    return withAbsorbingRows(input, weights);
  }

  /** ℓ for samples [n], expert high (one batched call). */
  logitsOf(s: Samples): Float32Array {
    return this.disc.logits(s);
  }

  /**
   * The generator's rewards for a rollout: the discriminator's reward on the policy rows (the
   * controls: `disc.rewardSign` with "const"), plus the padded absorbing tail Σ_{k=1}^{H−T} γᵏ r_a
   * at terminal steps (with `absorbing`), plus −λ log π(a|s) (causal entropy).
   */
  protected generatorRewards(input: RewardInput, remaining: Int32Array): { rewards: Float32Array; metrics: Metrics } {
    const o = this.opts;
    const n = input.n;
    const c = this.disc.rewardSign;
    // the policy rows plus one absorbing row, in one call
    const paid = o.control === "const" ? null : this.disc.reward(withAbsorbingRows(input, o.absorbing ? [1] : []));
    let rAbs = paid ? (o.absorbing ? paid[n] : 0) : c;
    const r = paid ? paid.slice(0, n) : new Float32Array(n).fill(c);
    if (this.rewardStats) {
      // r' = (r − μ)/√(σ² + ε) with the statistics before this rollout; then its rows join them
      const st = this.rewardStats;
      const mu = st.mean[0];
      const inv = 1 / Math.sqrt(st.var[0] + 1e-8);
      const raw = Float64Array.from(r);
      for (let i = 0; i < n; i++) r[i] = (r[i] - mu) * inv;
      rAbs = (rAbs - mu) * inv;
      st.update(raw, n);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r[i];
    const metrics: Metrics = { [this.rewardKey]: sum / n };
    if (o.absorbing) {
      const rA = rAbs;
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

  /**
   * Step 2 of a round (never called by the controls): trains the adversary on the fresh policy rows,
   * with the replayed rounds' rows mixed in, against the expert's rows. A learner whose adversary
   * trains on something else (guided cost learning: whole episodes with their sampler
   * log-probabilities, `lib/irl/gcl.ts`) overrides this hook; `rollout` is the round's raw batch
   * (rows [steps, envs]; `gen.batch.logProb` holds the sampler's log π(a|s) of each row).
   */
  protected updateDiscriminator(fresh: Samples, _rollout: RewardInput): Metrics {
    return this.disc.update(this.replay.length ? concatSamples([fresh, ...this.replay]) : fresh, this.expert, this.rng);
  }

  /** Keeps a round's policy rows for the next `discReplay` rounds' discriminator batches. */
  private remember(fresh: Samples): void {
    if (this.opts.discReplay === 0) return;
    this.replay.unshift(fresh);
    this.replay.length = Math.min(this.replay.length, this.opts.discReplay);
  }

  /** Evaluates the deterministic policy when the round is an evaluation round (`evalEvery`); the last evaluation's metrics. */
  private evaluateEvery(): Metrics {
    const o = this.opts;
    if (o.evalEvery > 0 && this.round % o.evalEvery === 0) {
      const t0 = Date.now();
      const ev = profiler.time("eval", () => evaluate(this.gen.policy, o.envId, { episodes: o.evalEpisodes, seed: o.evalSeed, deterministic: true }));
      this.evalSeconds += (Date.now() - t0) / 1000;
      this.evalMetrics = { "eval/return": ev.mean, "eval/returnStd": ev.std };
    }
    return this.evalMetrics;
  }

  /** The learned reward as a `RewardFn` (e.g. to train a fresh policy on it). */
  get learnedReward(): RewardFn {
    return (input) => this.rewardTest(input);
  }

  /** The learned reward (`disc.testReward`) on any batch of transitions (absorbing tail not included). */
  rewardTest(input: RewardInput): Float32Array {
    return this.disc.testReward(withAbsorbingRows(input));
  }

  /**
   * Trains until `totalSteps` environment steps (global, so a resumed run given the same budget
   * ends where the original would have) or until the callback returns false. Each iteration is one
   * round of the module comment; the callback sees the generator's metrics with the round's
   * `disc/*`, `gen/*` and `eval/*`.
   */
  async learn(totalSteps: number, opts: { callback?: Callback } = {}): Promise<LearnResult> {
    checkPositiveInt(totalSteps, "totalSteps");
    const o = this.opts;
    const gen = this.gen;
    gen.totalSteps = totalSteps;
    const start = Date.now();
    const startStep = gen.step;
    let metrics: Metrics = {};
    while (gen.step < totalSteps) {
      // 1. collect a rollout with π_θ
      const rollout = gen.collect();
      const remaining = this.remainingHorizon(rollout);
      const fresh = this.policySamples(rollout, remaining);
      profiler.begin("reward");
      // 2. train the discriminator on it (and the replayed rounds) against the expert's rows; the controls never train it
      profiler.begin("disc-update");
      const discMetrics = o.control === "none" ? this.updateDiscriminator(fresh, rollout) : {};
      profiler.end("disc-update");
      this.remember(fresh);
      // 3. relabel the rollout with the discriminator's reward
      profiler.begin("relabel");
      const { rewards, metrics: rewardMetrics } = this.generatorRewards(rollout, remaining);
      gen.batch.setRewards(rewards);
      profiler.end("relabel");
      profiler.end("reward");
      // 4. update the generator on the relabelled batch (during the policy hold, V only: π is put back)
      const held = this.round < o.policyHoldRounds ? gen.policy.trainableVariables.map((v) => tf.clone(v)) : null;
      const genMetrics = await gen.improve();
      if (held) {
        gen.policy.trainableVariables.forEach((v, i) => v.assign(held[i]));
        tf.dispose(held);
      }
      if (o.bcRoundSteps > 0) this.clonePolicy(o.bcRoundSteps, o.bcRoundLr, new Rng(deriveSeed(deriveSeed(o.seed, 0xbd), this.round)));
      this.round++;
      metrics = { ...genMetrics, ...gen.progressMetrics(start, startStep), ...discMetrics, ...rewardMetrics, ...this.evaluateEvery(), "time/round": this.round, "time/eval": this.evalSeconds };
      if (opts.callback && (await opts.callback({ step: gen.step, iteration: gen.iteration, metrics })) === false) {
        return { step: gen.step, iteration: gen.iteration, metrics, stoppedBy: "callback" };
      }
    }
    return { step: gen.step, iteration: gen.iteration, metrics, stoppedBy: "budget" };
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
      optimizers: { ...g.optimizers, disc: this.disc.optimizer ? await saveOptimizer(this.disc.optimizer) : [] },
      extra: {
        round: this.round,
        generator: { algo: g.algo, options: g.options },
        discriminator: this.disc.toJSON(),
        replay: this.replay.map(samplesToJson),
        ...(this.rewardStats ? { rewardStats: this.rewardStats.toJSON() } : {}),
      },
    };
  }

  /** Restores a checkpoint into this freshly built trainer (same options); environments are re-seeded. */
  async restore(ckpt: TrainerCheckpoint): Promise<void> {
    checkCheckpoint(ckpt, this.algo);
    const extra = ckpt.extra as { round: number; generator: { algo: string }; discriminator: DiscriminatorJson; replay?: SamplesJson[]; rewardStats?: ObsNormJson } | undefined;
    ensure(extra && extra.discriminator && extra.generator, "checkpoint lacks the discriminator (extra.discriminator); was it written by an adversarial trainer?");
    ensure(extra.generator.algo === this.gen.algo, () => `checkpoint's generator is ${extra.generator.algo}, this trainer's is ${this.gen.algo}`);
    await this.gen.restore({ ...ckpt, algo: this.gen.algo });
    this.disc.load(extra.discriminator);
    if (this.disc.optimizer) await loadOptimizer(this.disc.optimizer, ckpt.optimizers.disc ?? []);
    this.rng.setState(ckpt.rng.disc);
    this.round = extra.round;
    this.replay = (extra.replay ?? []).map(samplesFromJson);
    if (this.rewardStats) {
      ensure(extra.rewardStats !== undefined, "checkpoint lacks the reward statistics (extra.rewardStats) that rewardNorm \"running\" needs; it was written without rewardNorm");
      this.rewardStats.load(extra.rewardStats);
    }
    // the generator re-seeded and reset its environments: every episode starts afresh
    this.episodeSteps.fill(0);
  }

  /** Frees every tensor the trainer holds. */
  dispose(): void {
    this.gen.dispose();
    this.disc.dispose();
  }
}
