/**
 * Adversarial Inverse Reinforcement Learning (Fu, Luo & Levine 2018), a small specialisation of
 * the shared `AdversarialTrainer` (`lib/imitation/adversarial.ts`).
 *
 * ## The discriminator (notebook 11, "From the max-ent trajectory distribution to D")
 * Max-ent IRL models expert trajectories as p_θ(τ) ∝ p(dynamics) exp(Σ_t f_θ(s_t, a_t)). Guided
 * cost learning samples from a policy π and corrects with importance weights; Finn, Christiano,
 * Abbeel & Levine (2016) showed that a GAN discriminator of the special form
 *
 *     D(s, a) = exp f(s, a) / (exp f(s, a) + π(a|s))    ⇔    logit ℓ = log D − log(1 − D) = f(s, a) − log π(a|s)
 *
 * trained by cross-entropy (expert = 1) recovers the max-ent IRL objective's gradient, with
 * π the sampler. AIRL applies it per transition. Here log π(a|s) comes from the CURRENT
 * generator and is treated as a constant input (downloaded and re-uploaded: no gradient can
 * reach the policy); only f is trained.
 *
 * ## The two forms of f (`rewardType`)
 * - `"state-action"`: f(s, a) = g(s, a). At the optimum f = log π_E(a|s) = A*(s, a), the soft
 *   advantage: a reward entangled with the dynamics (it does not transfer).
 * - `"disentangled"` (default): f(s, a, s') = g(s) + γ h(s') − h(s), a state-only reward plus
 *   potential shaping. Under deterministic dynamics g recovers the true reward up to a constant
 *   and h the soft value (the AIRL paper's Theorem 5.1; checked exactly in `tabular.ts`). The
 *   terminal potential is 0: h(s') := 0 when s' is terminal, so the shaping telescopes to −h(s_0)
 *   over an episode that ends (see `shaping.ts`).
 *
 * ## Rewards
 * - training (`AirlRewardNet.reward`): r = log D − log(1 − D) = ℓ = f − log π (the generator then solves a
 *   max-ent RL problem with reward f: E_π[Σ f − log π] = E_π[Σ f] + H(π));
 * - test (`rewardTest`, `testReward`): g (default) or f: the learned reward, to train a fresh
 *   policy on, possibly under changed dynamics (`transfer.ts`).
 *
 * ## Termination (absorbing state, default on)
 * With `absorbing` (DAC, Kostrikov et al. 2019; see the base class) a terminal transition is
 * followed by an absorbing state s_a: g(s_a) is learned like any other state's reward (its
 * features: zero state, indicator 1; h(s_a) = 0; log π := 0 there since nothing is chosen), and the
 * generator receives the padded tail Σ_{k=1}^{H−T} γᵏ g(s_a) at terminal steps (the base class pads to
 * the time limit H; `evaluate.ts`'s transfer rewards use the infinite tail γ g(s_a)/(1 − γ), which
 * differs by γ^{H−T+1}/(1 − γ)·g(s_a), under 1% for γ = 0.99, H = 500). Every episode is then infinite,
 * so a constant added to g changes no preference, and the value of ending is learned from data:
 * CartPole's expert never ends (s_a only in policy rows: ending costs), Acrobot's always does.
 *
 * Metrics: the base class's `disc/*`, `gen/airlReward` (mean ℓ on the rollout), plus
 * `gen/absorbingReward`.
 *
 *     const airl = new AIRL({ envId: "CartPole-v1", demos, generator: "ppo", seed: 0 });
 *     await airl.learn(100_000);
 *     const g = airl.learnedReward;           // g(s), a RewardFn
 */
import { tf, Rng, ensure, describe, checkNumber, GanrlError } from "../core";
import { Mlp, RunningMeanStd, Activation, ParamJson } from "../nn";
import { RewardInput } from "../rl";
import { AdversarialTrainer, AdversarialOptions, ADVERSARIAL_DEFAULTS, DiscBatch, DiscriminatorJson, DiscTrainOptions, NeuralDiscriminator, deriveSeed, withAbsorbingRows, Samples, toDiscBatch, checkAbsorbingOptions, absorbingStateFeatures } from "../imitation";

/** Forms of AIRL's f. */
export const AIRL_REWARD_TYPES = ["disentangled", "state-action"] as const;
export type AirlRewardType = (typeof AIRL_REWARD_TYPES)[number];
/** Which learned quantity `rewardTest` returns. */
export const AIRL_TEST_REWARDS = ["g", "f"] as const;
export type AirlTestReward = (typeof AIRL_TEST_REWARDS)[number];

export interface AirlRewardNetOptions {
  obsDim: number;
  nActions: number;
  /** "disentangled" (g(s) + γh(s') − h(s)) or "state-action" (g(s, a)). */
  rewardType: AirlRewardType;
  /** γ of the shaping term. */
  gamma: number;
  /** Hidden widths of g. */
  rewardHidden: readonly number[];
  /** Hidden widths of h (disentangled only). */
  potentialHidden: readonly number[];
  /** Hidden nonlinearity of g and h. */
  activation: Activation;
  /** Add the absorbing-state indicator feature. */
  absorbing: boolean;
  /** The indicator's value on absorbing rows (default 1); see `AIRLOptions.absorbingScale`. */
  absorbingScale?: number;
  /** Frozen state statistics for input standardisation (the expert's), or null; disposed with the net. */
  inputNorm: RunningMeanStd | null;
  /** The sampler π whose log π(a|s) enters the logit ℓ = f − log π (the generator's policy), or null (then only `parts` works). */
  policy?: { logProb(obs: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D } | null;
  /** What `testReward` returns: "g" (default) or "f". */
  testReward?: AirlTestReward;
  /** Clip each training reward to [−c, c] (default null: no clipping). */
  rewardClip?: number | null;
  /** λ_h of the potential penalty λ_h·E[h(s)²] added to L(D) (default 0; see `AIRLOptions.potentialPenalty`). */
  potentialPenalty?: number;
  /** How `update` trains it (default `DISC_TRAIN_DEFAULTS`). */
  train?: Partial<DiscTrainOptions>;
}

/** The parts of f on a batch, each [n]. */
export interface AirlRewardParts {
  g: tf.Tensor1D;
  /** h(s) (zeros for the state-action form and on absorbing rows). */
  h: tf.Tensor1D;
  /** h(s') (0 where s' is terminal, on absorbing rows, and for the state-action form). */
  hNext: tf.Tensor1D;
  /** f = g + γ h(s') − h(s). */
  f: tf.Tensor1D;
}

/**
 * The learned rewards' state features [n, obsDim (+1)] (AIRL's g and h, GCL's cost c): norm(s) =
 * clip((s − μ_E)/σ_E, ±10) with `inputNorm` (else s), and, with `absorbing`, an indicator that is
 * `scale` (default 1) only on absorbing rows (`absorbing` [n]), whose other features are zero.
 * Call inside a tidy.
 */
export function rewardStateFeatures(obs: tf.Tensor2D, absorbing: tf.Tensor1D, inputNorm: RunningMeanStd | null, withIndicator: boolean, scale = 1): tf.Tensor2D {
  return absorbingStateFeatures(obs, absorbing, inputNorm, withIndicator, scale).x;
}

/**
 * AIRL's reward network f: g (an MLP on state features, plus the one-hot action for the
 * state-action form) and, for the disentangled form, the potential h (an MLP on state features).
 * State features: norm(s) = clip((s − μ_E)/σ_E, ±10) (when `inputNorm`), and, with `absorbing`,
 * an indicator that is 1 only on the absorbing state (whose other features are zero).
 *
 * As the adversarial loop's `Discriminator`: logit ℓ = f − log π(a|s) (labels expert = 1, so the
 * raw output is ℓ), trained by cross-entropy (`NeuralDiscriminator.update`, plus the potential
 * penalty), training reward ℓ clipped to ±`rewardClip`, test reward g or f.
 * Methods taking tensors: call inside a tidy.
 */
export class AirlRewardNet extends NeuralDiscriminator {
  readonly kind = "airl";
  /** The logit's reward ℓ = f − log π has no fixed sign. */
  readonly rewardSign = 0;
  readonly opts: Readonly<AirlRewardNetOptions>;
  readonly g: Mlp;
  readonly h: Mlp | null;
  readonly stateDim: number;

  constructor(opts: AirlRewardNetOptions, rng: Rng) {
    super(opts.train);
    ensure((AIRL_REWARD_TYPES as readonly string[]).includes(opts.rewardType), () => `AIRL rewardType must be one of ${AIRL_REWARD_TYPES.join(", ")}, got ${describe(opts.rewardType)}`);
    checkNumber(opts.gamma, "AIRL shaping gamma", 0, 1);
    this.opts = Object.freeze({ ...opts, rewardHidden: [...opts.rewardHidden], potentialHidden: [...opts.potentialHidden] });
    this.stateDim = opts.obsDim + (opts.absorbing ? 1 : 0);
    const sa = opts.rewardType === "state-action";
    this.g = new Mlp({ inputDim: this.stateDim + (sa ? opts.nActions : 0), hidden: opts.rewardHidden, outputDim: 1, activation: opts.activation, name: "airl_g" }, rng);
    this.h = sa ? null : new Mlp({ inputDim: this.stateDim, hidden: opts.potentialHidden, outputDim: 1, activation: opts.activation, name: "airl_h" }, rng);
  }

  get trainableVariables(): tf.Variable[] {
    return this.h ? [...this.g.params, ...this.h.params] : [...this.g.params];
  }

  get labelsExpertIsOne(): boolean {
    return true;
  }

  /**
   * log π(a|s) [n] of the sampler as a constant tensor (0 on absorbing rows, where nothing is
   * chosen). Downloaded and re-uploaded, so no gradient reaches the policy.
   */
  logPiConstant(b: DiscBatch): tf.Tensor1D {
    const pi = this.opts.policy;
    if (!pi) throw new GanrlError("this AIRL reward net has no sampler policy: pass opts.policy to use its logit f − log π");
    const lp = tf.tidy(() => tf.mul(pi.logProb(b.obs, b.actions), tf.sub(1, b.absorbing)).dataSync() as Float32Array);
    return tf.tensor1d(lp);
  }

  /** ℓ = f − log π (the raw output: labels are expert = 1). */
  override raw(b: DiscBatch, _training = false): tf.Tensor1D {
    return tf.sub(this.parts(b).f, this.logPiConstant(b)) as tf.Tensor1D;
  }

  /** λ_h·E[h(s)²] (see `AIRLOptions.potentialPenalty`). */
  protected override regularizer(both: DiscBatch): tf.Scalar | null {
    const lambda = this.opts.potentialPenalty ?? 0;
    if (lambda === 0 || !this.h) return null;
    return tf.mul(lambda, tf.mean(tf.square(this.potential(both)))) as tf.Scalar;
  }

  /** r = log D − log(1 − D) = ℓ = f − log π, clipped to ±`rewardClip`. */
  reward(rows: Samples): Float32Array {
    const c = this.opts.rewardClip ?? null;
    const out = this.logits(rows);
    if (c !== null && Number.isFinite(c)) for (let i = 0; i < out.length; i++) out[i] = Math.max(-c, Math.min(c, out[i]));
    return out;
  }

  /** g, h(s), h(s'), f for rows (plain arrays, one download). */
  partsOf(rows: Samples): { g: Float32Array; h: Float32Array; hNext: Float32Array; f: Float32Array } {
    const n = rows.n;
    const flat = tf.tidy(() => {
      const p = this.parts(toDiscBatch(rows));
      return tf.stack([p.g, p.h, p.hNext, p.f]).dataSync() as Float32Array;
    });
    return { g: flat.slice(0, n), h: flat.slice(n, 2 * n), hNext: flat.slice(2 * n, 3 * n), f: flat.slice(3 * n, 4 * n) };
  }

  /** The learned reward g (default) or f of `testReward`. */
  override testReward(rows: Samples): Float32Array {
    const p = this.partsOf(rows);
    return (this.opts.testReward ?? "g") === "g" ? p.g : p.f;
  }

  /** State features [n, stateDim] of raw states `obs` [n, obsDim]; `absorbing` [n] marks s_a rows. */
  stateFeatures(obs: tf.Tensor2D, absorbing: tf.Tensor1D): tf.Tensor2D {
    return rewardStateFeatures(obs, absorbing, this.opts.inputNorm, this.opts.absorbing, this.opts.absorbingScale ?? 1);
  }

  /** h on state features `x`, zeroed where `keep` is 0 (absorbing rows); the disentangled form only. */
  private potentialOf(x: tf.Tensor2D, keep: tf.Tensor1D): tf.Tensor1D {
    if (!this.h) throw new GanrlError("the state-action AIRL reward has no potential h");
    return tf.mul(this.h.apply(x).reshape([-1]), keep) as tf.Tensor1D;
  }

  /** h(s) on a batch's s (0 on absorbing rows), without computing g, h(s') or f. */
  potential(b: DiscBatch): tf.Tensor1D {
    return this.potentialOf(this.stateFeatures(b.obs, b.absorbing), tf.sub(1, b.absorbing) as tf.Tensor1D);
  }

  /** g, h(s), h(s'), f on a batch (see `AirlRewardParts`). */
  parts(b: DiscBatch): AirlRewardParts {
    const keep = tf.sub(1, b.absorbing) as tf.Tensor1D;
    const x = this.stateFeatures(b.obs, b.absorbing);
    let gIn = x;
    if (this.opts.rewardType === "state-action") {
      const act = tf.mul(tf.oneHot(tf.cast(b.actions, "int32"), this.opts.nActions).toFloat(), keep.reshape([-1, 1])) as tf.Tensor2D;
      gIn = tf.concat([x, act], 1) as tf.Tensor2D;
    }
    const g = this.g.apply(gIn).reshape([-1]) as tf.Tensor1D;
    if (!this.h) {
      const z = tf.zerosLike(g) as tf.Tensor1D;
      return { g, h: z, hNext: z, f: g };
    }
    // critical: h(s_a) = 0 and h(s') = 0 when s' is terminal, so the shaping telescopes over an episode that ends.
    const h = this.potentialOf(x, keep);
    const xNext = this.stateFeatures(b.nextObs, tf.zerosLike(b.absorbing) as tf.Tensor1D);
    const hNext = tf.mul(this.h.apply(xNext).reshape([-1]), tf.mul(keep, tf.sub(1, b.terminated))) as tf.Tensor1D;
    const f = tf.sub(tf.add(g, tf.mul(this.opts.gamma, hNext)), h) as tf.Tensor1D;
    return { g, h, hNext, f };
  }

  toJSON(): DiscriminatorJson {
    const c = this.opts.absorbingScale ?? 1;
    const arch = { rewardType: this.opts.rewardType, gamma: this.opts.gamma, absorbing: this.opts.absorbing, ...(c === 1 ? {} : { absorbingScale: c }), g: this.g.arch, h: this.h ? this.h.arch : null };
    const j: DiscriminatorJson = { format: "ganrl.disc/1", kind: "airl", arch, params: [...this.g.toJSON(), ...(this.h ? this.h.toJSON() : [])] };
    if (this.opts.inputNorm) j.inputNorm = this.opts.inputNorm.toJSON();
    return j;
  }

  load(j: DiscriminatorJson): void {
    ensure(j && j.format === "ganrl.disc/1" && j.kind === "airl", () => `expected a saved AIRL reward net (format ganrl.disc/1, kind airl), got ${describe({ format: j?.format, kind: j?.kind })}`);
    ensure(j.arch.rewardType === this.opts.rewardType && j.arch.absorbing === this.opts.absorbing, () => `saved AIRL reward net is ${describe(j.arch.rewardType)} (absorbing ${describe(j.arch.absorbing)}), this one is ${this.opts.rewardType} (absorbing ${this.opts.absorbing})`);
    ensure((j.arch.absorbingScale ?? 1) === (this.opts.absorbingScale ?? 1), () => `saved AIRL reward net has absorbingScale ${describe(j.arch.absorbingScale ?? 1)}, this one ${this.opts.absorbingScale ?? 1}: make it with the same absorbingScale`);
    const byNet = (prefix: string): ParamJson[] => j.params.filter((p) => p.name.startsWith(prefix + "/"));
    this.g.load(byNet("airl_g"));
    if (this.h) this.h.load(byNet("airl_h"));
    if (j.inputNorm && this.opts.inputNorm) this.opts.inputNorm.load(j.inputNorm);
  }

  protected disposeNets(): void {
    this.g.dispose();
    this.h?.dispose();
    this.opts.inputNorm?.dispose();
  }
}

export interface AIRLOptions extends AdversarialOptions {
  /** f = g(s) + γh(s') − h(s) ("disentangled") or f = g(s, a) ("state-action"). */
  rewardType: AirlRewardType;
  /** What `rewardTest` (and `learnedReward`) returns: "g" or "f". */
  testReward: AirlTestReward;
  /** Hidden widths of g. */
  rewardHidden: number[];
  /** Hidden widths of the potential h. */
  potentialHidden: number[];
  /** Hidden nonlinearity of g and h. */
  rewardActivation: Activation;
  /** Standardise the reward net's state inputs with the expert's statistics (frozen). */
  normalizeRewardInputs: boolean;
  /** γ of the shaping term (null: the generator's γ, as the theory requires). */
  shapingGamma: number | null;
  /**
   * λ_h, potential penalty: λ_h·E[h(s)²] over D's rows is added to L(D) (0: off, the paper's AIRL).
   * On living transitions f is unchanged by (g, h) → (g + (1 − γ)k, h + k); only terminal
   * transitions (h(s_T) = 0) and s_a pin k, and they are rare once the policy stops failing, so k
   * drifts and with it g's level against g(s_a), which decides whether a fresh learner on g prefers
   * to end episodes. The penalty fixes this gauge at the smallest potential, so the level lives in g.
   */
  potentialPenalty: number;
  /**
   * c, the absorbing indicator's value in g's and h's features (with `absorbing`; default 1, DAC's),
   * as GAIL's `absorbingScale`. With c = 1 g(s_a) stays near the per-state rewards: on CartPole-v1
   * (30k–150k steps) it sat above g on random states (−0.9 to −2 against −2 to −7), so a fresh
   * learner on g alone, which starts in such states, prefers to end the episode. A larger c lets the
   * net put s_a as far below the other rows as the data say (the expert never ends; the policy does).
   */
  absorbingScale: number;
}

/** AIRL's own option checks. */
function checkAirlOptions(o: AIRLOptions): void {
  ensure((AIRL_REWARD_TYPES as readonly string[]).includes(o.rewardType), () => `AIRL rewardType must be one of ${AIRL_REWARD_TYPES.join(", ")}, got ${describe(o.rewardType)}`);
  ensure((AIRL_TEST_REWARDS as readonly string[]).includes(o.testReward), () => `AIRL testReward must be "g" or "f", got ${describe(o.testReward)}`);
  if (o.shapingGamma !== null) checkNumber(o.shapingGamma, "shapingGamma", 0, 1);
  checkNumber(o.potentialPenalty, "potentialPenalty", 0);
  checkAbsorbingOptions({ absorbingScale: o.absorbingScale });
}

/** Defaults: the disentangled form with absorbing states, logit reward, PPO-friendly discriminator settings. */
export const AIRL_DEFAULTS: Readonly<AIRLOptions> = Object.freeze({
  ...ADVERSARIAL_DEFAULTS,
  rewardType: "disentangled" as AirlRewardType,
  testReward: "g" as AirlTestReward,
  rewardHidden: [32, 32],
  potentialHidden: [32, 32],
  rewardActivation: "relu" as Activation,
  normalizeRewardInputs: true,
  shapingGamma: null,
  potentialPenalty: 0,
  absorbing: true,
  absorbingScale: 1,
});

/**
 * AIRL: the adversarial loop with an `AirlRewardNet` as its discriminator, logit ℓ = f − log π(a|s)
 * of the current generator (see the module comment).
 */
export class AIRL extends AdversarialTrainer<AIRLOptions, AirlRewardNet> {
  constructor(opts: Partial<AIRLOptions> = {}) {
    super({ algo: "airl", rewardKey: "gen/airlReward", defaults: AIRL_DEFAULTS, check: checkAirlOptions }, opts);
  }

  protected override makeDiscriminator(): AirlRewardNet {
    const o = this.opts;
    const shaping = { rewardType: o.rewardType, gamma: o.shapingGamma ?? this.gen.opts.gamma, potentialPenalty: o.potentialPenalty };
    const nets = { rewardHidden: o.rewardHidden, potentialHidden: o.potentialHidden, activation: o.rewardActivation };
    return new AirlRewardNet(
      { ...this.neuralDiscOptions(o.normalizeRewardInputs), ...shaping, ...nets, absorbingScale: o.absorbingScale, policy: this.gen.policy, testReward: o.testReward },
      new Rng(deriveSeed(o.seed, 0xa1e1)),
    );
  }

  /** The reward net f = g + γh' − h (the discriminator). */
  get net(): AirlRewardNet {
    return this.disc;
  }

  /** γ of the shaping term. */
  get shapingGamma(): number {
    return this.disc.opts.gamma;
  }

  /** g, h(s), h(s'), f for a batch of transitions (plain arrays, one download). Absorbing tail not included. */
  rewardParts(input: RewardInput): { g: Float32Array; h: Float32Array; hNext: Float32Array; f: Float32Array } {
    checkRewardInput(input, this.demos.obsDim);
    return this.disc.partsOf(withAbsorbingRows(input));
  }

  /** The learned reward of `testReward` (g or f) on any batch of transitions (absorbing tail not included). */
  override rewardTest(input: RewardInput): Float32Array {
    checkRewardInput(input, this.demos.obsDim);
    return super.rewardTest(input);
  }

  /** g(s_a), the learned reward of the absorbing state (0 without `absorbing`). */
  absorbingReward(): number {
    if (!this.opts.absorbing) return 0;
    const rows = withAbsorbingRows({ n: 0, obsDim: this.demos.obsDim, obs: new Float32Array(0), actions: new Int32Array(0), nextObs: new Float32Array(0), terminated: new Uint8Array(0) }, [1]);
    return this.disc.partsOf(rows).g[0];
  }
}

/** Checks the shapes of a `RewardInput` against `obsDim`, with a message naming the field. */
export function checkRewardInput(input: RewardInput, obsDim: number): void {
  if (!input || typeof input !== "object") throw new GanrlError(`expected a RewardInput { n, obsDim, obs, actions, nextObs, terminated, ... }, got ${describe(input)}`);
  const { n } = input;
  ensure(Number.isInteger(n) && n >= 0, () => `RewardInput.n must be a non-negative integer, got ${describe(n)}`);
  ensure(input.obsDim === obsDim, () => `RewardInput.obsDim is ${describe(input.obsDim)} but the reward net expects ${obsDim}`);
  ensure(input.obs && input.obs.length >= n * obsDim, () => `RewardInput.obs needs n*obsDim = ${n * obsDim} values, got ${input.obs?.length}`);
  ensure(input.nextObs && input.nextObs.length >= n * obsDim, () => `RewardInput.nextObs needs n*obsDim = ${n * obsDim} values, got ${input.nextObs?.length}`);
  ensure(input.actions && input.actions.length >= n, () => `RewardInput.actions needs n = ${n} values, got ${input.actions?.length}`);
  ensure(input.terminated && input.terminated.length >= n, () => `RewardInput.terminated needs n = ${n} values, got ${input.terminated?.length}`);
}
