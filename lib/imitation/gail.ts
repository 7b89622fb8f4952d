/**
 * Generative Adversarial Imitation Learning (Ho & Ermon 2016) on discrete actions.
 *
 * GAIL solves  min_π max_D  E_π[log(1 − D_E(s,a))] + E_E[log D_E(s,a)] − λ H(π)
 * (written with D_E = P(expert | s, a); the paper writes D = P(policy) = 1 − D_E and labels the
 * policy 1: `labelsExpertIsOne: false` reproduces that convention, with the same rewards). The
 * inner max is the discriminator's cross-entropy; at its optimum the outer problem is
 * min_π 2·JS(ρ_π ‖ ρ_E) − log 4 − λH(π) (Proposition: ψ_GA's conjugate, notebook 04), and the
 * policy is trained by RL on a reward derived from D (see `RewardForm` in `rewards.ts`).
 *
 * Discriminator (`GailDiscriminator`): an MLP (default two hidden layers of 100 tanh units) on
 *   - `"concat"` head: x = [norm(s), onehot(a)] → one logit z(s, a);
 *   - `"perAction"` head (the paper's code for discrete actions): norm(s) → one logit per action,
 *     z(s, a) = z(s)[a];
 *   - `"state"` head (state-only imitation): norm(s) → one logit z(s), the action ignored, so the
 *     reward r(s) asks the policy to match the expert's state occupancy ρ_E(s) rather than its
 *     state-action occupancy. On a fixed-horizon task whose goal state absorbs (seals/MountainCar-v0:
 *     after the flag every action leaves the state as it is) the actions taken there carry no
 *     information, and a state-action D can still separate expert and policy by them;
 * with norm(s) = clip((s − μ_E)/σ_E, ±10), μ_E, σ_E the expert's state statistics (frozen), and,
 * with `absorbing`, an indicator feature that is 1 only on DAC's absorbing state (whose state
 * features and action are zero). ℓ = z if `labelsExpertIsOne` else −z.
 *
 * Regularisers: gradient penalty λ_GP on interpolations x̂ = α x_E + (1 − α) x_π of the inputs
 * (`gradPenaltyForm` "wgan-gp": (‖∇ℓ(x̂)‖ − 1)², Gulrajani et al.; "zero-centred": ‖∇ℓ(x̂)‖²;
 * the gradient is taken w.r.t. the whole input x for the concat head, w.r.t. the state features
 * for the perAction head, whose action enters as interpolated weights of the per-action logits);
 * spectral normalisation of every weight matrix (Miyato et al. 2018, `lib/nn`); label smoothing;
 * the Bernoulli-entropy bonus of the paper (λ_H = 0.001).
 */
import { tf, Rng, ensure, checkPositiveInt, describe } from "../core";
import { Mlp, RunningMeanStd, Activation } from "../nn";
import { AdversarialTrainer, AdversarialOptions, ADVERSARIAL_DEFAULTS, deriveSeed } from "./adversarial";
import { DiscBatch, DiscriminatorJson, DiscTrainOptions, NeuralDiscriminator } from "./discriminator";
import { Samples } from "./demos";
import { RewardForm, checkRewardForm, rewardFromLogits, rewardFormSign, gradientPenalty, GradPenaltyForm } from "./rewards";

/** Discriminator heads: state-action input, state input with one logit per action, or state input alone. */
export const DISC_HEADS = ["concat", "perAction", "state"] as const;
export type DiscHead = (typeof DISC_HEADS)[number];

/**
 * The action weights of an absorbing row (it has no action): "zero", or "uniform" (1/|A| each).
 * They matter for the perAction head, whose logit is z(s)·w: with "zero" the absorbing state's
 * logit is pinned at 0 whatever D learns, so the logit reward pays ending the episode whenever the
 * per-step logits are negative (D recognises the policy): the termination bias the absorbing state
 * is there to remove. "uniform" makes it mean_a z(s_a)[a], learned like any other row.
 */
export const ABSORBING_ACTION_WEIGHTS = ["zero", "uniform"] as const;
export type AbsorbingActionWeights = (typeof ABSORBING_ACTION_WEIGHTS)[number];

/**
 * State features of discriminator and reward rows [n, obsDim (+1)]: norm(s) = the frozen
 * standardiser's output (`inputNorm`, else s), and, with `withIndicator`, the state zeroed on
 * absorbing rows (`absorbing` [n]) and an indicator column that is `scale` there and 0 elsewhere.
 * Also returns the absorbing column `abs` and `keep` = 1 − abs [n, 1] (null without the indicator),
 * for callers that mask actions too. GAIL's D and AIRL's g and h (`rewardStateFeatures`) share it.
 * Call inside a tidy.
 */
export function absorbingStateFeatures(obs: tf.Tensor2D, absorbing: tf.Tensor1D, inputNorm: RunningMeanStd | null, withIndicator: boolean, scale = 1): { x: tf.Tensor2D; abs: tf.Tensor2D | null; keep: tf.Tensor2D | null } {
  const x: tf.Tensor2D = inputNorm ? inputNorm.apply(obs) : obs;
  if (!withIndicator) return { x, abs: null, keep: null };
  const abs = absorbing.reshape([-1, 1]) as tf.Tensor2D;
  const keep = tf.sub(1, abs) as tf.Tensor2D;
  return { x: tf.concat([tf.mul(x, keep), scale === 1 ? abs : tf.mul(abs, scale)], 1) as tf.Tensor2D, abs, keep };
}

/** Checks `absorbingScale` (a positive finite number) and `absorbingActionWeights` (one of `ABSORBING_ACTION_WEIGHTS`); GanrlError naming the fix. */
export function checkAbsorbingOptions(o: { absorbingScale?: unknown; absorbingActionWeights?: unknown }): void {
  const { absorbingScale: c = 1, absorbingActionWeights: w = "zero" } = o;
  ensure(typeof c === "number" && Number.isFinite(c) && c > 0, () => `absorbingScale must be a positive finite number (the absorbing indicator's value; 1 is DAC's), got ${describe(c)}`);
  ensure((ABSORBING_ACTION_WEIGHTS as readonly unknown[]).includes(w), () => `absorbingActionWeights must be one of ${ABSORBING_ACTION_WEIGHTS.join(", ")}, got ${describe(w)}`);
}

export interface GailDiscriminatorOptions {
  obsDim: number;
  nActions: number;
  /** Hidden widths (the paper: [100, 100]). */
  hidden: readonly number[];
  /** Hidden nonlinearity (the paper: tanh). */
  activation: Activation;
  /** "concat" (s, onehot a) → 1 logit, or "perAction" s → nActions logits indexed by a. */
  head: DiscHead;
  /** true: the raw output z is high for the expert (ℓ = z); false: high for the policy (ℓ = −z). */
  labelsExpertIsOne: boolean;
  /** Spectral normalisation of every weight matrix. */
  spectralNorm: boolean;
  /** Add the absorbing-state indicator feature. */
  absorbing: boolean;
  /** The indicator's value on absorbing rows (default 1); see `GAILOptions.absorbingScale`. */
  absorbingScale?: number;
  /** Action weights of absorbing rows (default "zero"); see `GAILOptions.absorbingActionWeights`. */
  absorbingActionWeights?: AbsorbingActionWeights;
  /** Frozen state statistics for input standardisation (the expert's), or null; disposed with the discriminator. */
  inputNorm: RunningMeanStd | null;
  /** The generator's reward from ℓ (default "logit"). */
  rewardForm?: RewardForm;
  /** Clip each reward to [−c, c] (default null: no clipping). */
  rewardClip?: number | null;
  /** How `update` trains it (default `DISC_TRAIN_DEFAULTS`). */
  train?: Partial<DiscTrainOptions>;
}

/**
 * The GAIL discriminator D(s, a) (see the module comment), a `Discriminator` of the adversarial
 * loop: trained by cross-entropy (`NeuralDiscriminator.update`, plus its gradient penalty), reward
 * r = f(ℓ) by `rewardForm`, clipped to ±`rewardClip`. Methods taking tensors: call in a tidy.
 */
export class GailDiscriminator extends NeuralDiscriminator {
  readonly kind = "gail";
  readonly opts: Readonly<GailDiscriminatorOptions>;
  readonly net: Mlp;
  /** Width of the state features (obsDim, +1 with the absorbing indicator). */
  readonly stateDim: number;
  readonly rewardForm: RewardForm;
  readonly rewardSign: 1 | -1 | 0;

  constructor(opts: GailDiscriminatorOptions, rng: Rng) {
    super(opts.train);
    checkPositiveInt(opts.obsDim, "discriminator obsDim");
    checkPositiveInt(opts.nActions, "discriminator nActions");
    ensure((DISC_HEADS as readonly string[]).includes(opts.head), () => `discriminator head must be one of ${DISC_HEADS.join(", ")}, got ${describe(opts.head)}`);
    checkAbsorbingOptions(opts);
    this.rewardForm = opts.rewardForm ?? "logit";
    checkRewardForm(this.rewardForm);
    this.rewardSign = rewardFormSign(this.rewardForm);
    this.opts = Object.freeze({ ...opts, hidden: [...opts.hidden] });
    this.stateDim = opts.obsDim + (opts.absorbing ? 1 : 0);
    this.net = new Mlp(
      {
        inputDim: this.stateDim + (opts.head === "concat" ? opts.nActions : 0),
        hidden: opts.hidden,
        outputDim: opts.head === "perAction" ? opts.nActions : 1,
        activation: opts.activation,
        spectralNorm: opts.spectralNorm,
        name: "disc",
      },
      rng,
    );
  }

  get trainableVariables(): tf.Variable[] {
    return this.net.params;
  }

  get labelsExpertIsOne(): boolean {
    return this.opts.labelsExpertIsOne;
  }

  /** State features x [n, stateDim] and action weights [n, nActions] (one-hot; zero on absorbing rows). */
  features(b: DiscBatch): { x: tf.Tensor2D; act: tf.Tensor2D } {
    const { x, abs, keep } = absorbingStateFeatures(b.obs, b.absorbing, this.opts.inputNorm, this.opts.absorbing, this.opts.absorbingScale ?? 1);
    let act = tf.oneHot(tf.cast(b.actions, "int32"), this.opts.nActions).toFloat() as tf.Tensor2D;
    if (abs && keep) {
      act = tf.mul(act, keep) as tf.Tensor2D;
      if (this.opts.absorbingActionWeights === "uniform") act = tf.add(act, tf.mul(abs, 1 / this.opts.nActions)) as tf.Tensor2D;
    }
    return { x, act };
  }

  /** The single-logit heads' network input: [x, act] for "concat", x alone for "state". */
  private netInput(x: tf.Tensor2D, act: tf.Tensor2D): tf.Tensor2D {
    return this.opts.head === "concat" ? (tf.concat([x, act], 1) as tf.Tensor2D) : x;
  }

  /** Raw output z [n] from features (the head applied); `secondOrder` when it will be differentiated twice (see `ApplyOptions`). */
  rawFromFeatures(x: tf.Tensor2D, act: tf.Tensor2D, training = false, secondOrder = false): tf.Tensor1D {
    if (this.opts.head !== "perAction") return this.net.apply(this.netInput(x, act), { training, secondOrder }).reshape([-1]) as tf.Tensor1D;
    // z(s)[a] as Σ_k z(s)_k w_k with w the one-hot (or interpolated) action weights
    return tf.sum(tf.mul(this.net.apply(x, { training, secondOrder }), act), 1) as tf.Tensor1D;
  }

  /** The raw output z(s, a) [n]. */
  override raw(b: DiscBatch, training = false): tf.Tensor1D {
    const { x, act } = this.features(b);
    return this.rawFromFeatures(x, act, training);
  }

  /** Gradient penalty on interpolations of expert and policy inputs (`alpha` [n, 1]); see `gradientPenalty`. */
  gradientPenalty(expert: DiscBatch, policy: DiscBatch, alpha: tf.Tensor2D, form: GradPenaltyForm): tf.Scalar {
    const fe = this.features(expert);
    const fp = this.features(policy);
    if (this.opts.head !== "perAction") {
      // the sign of ℓ does not change ‖∇ℓ‖: use the raw output
      return gradientPenalty((u) => this.net.apply(u, { secondOrder: true }).reshape([-1]) as tf.Tensor1D, this.netInput(fe.x, fe.act), this.netInput(fp.x, fp.act), alpha, form);
    }
    const actHat = tf.add(tf.mul(alpha, fe.act), tf.mul(tf.sub(1, alpha), fp.act)) as tf.Tensor2D;
    return gradientPenalty((x) => this.rawFromFeatures(x, actHat, false, true), fe.x, fp.x, alpha, form);
  }

  protected override penalty(expert: DiscBatch, policy: DiscBatch, alpha: tf.Tensor2D): tf.Scalar {
    return this.gradientPenalty(expert, policy, alpha, this.train.gradPenaltyForm);
  }

  /** r = f(ℓ) by `rewardForm`, clipped to ±`rewardClip` (plain JS). */
  reward(rows: Samples): Float32Array {
    return rewardFromLogits(this.logits(rows), this.rewardForm, this.opts.rewardClip ?? null);
  }

  toJSON(): DiscriminatorJson {
    const j: DiscriminatorJson = { format: "ganrl.disc/1", kind: "gail", arch: { ...this.net.arch, head: this.opts.head, labelsExpertIsOne: this.opts.labelsExpertIsOne, absorbing: this.opts.absorbing }, params: this.net.toJSON() };
    if (this.opts.inputNorm) j.inputNorm = this.opts.inputNorm.toJSON();
    return j;
  }

  load(j: DiscriminatorJson): void {
    ensure(j && j.format === "ganrl.disc/1" && j.kind === "gail", () => `expected a saved GAIL discriminator (format ganrl.disc/1, kind gail), got ${describe({ format: j?.format, kind: j?.kind })}`);
    ensure(j.arch.head === this.opts.head && j.arch.absorbing === this.opts.absorbing && j.arch.labelsExpertIsOne === this.opts.labelsExpertIsOne, "saved discriminator's head, absorbing or label convention differ from this one's");
    this.net.load(j.params);
    if (j.inputNorm && this.opts.inputNorm) this.opts.inputNorm.load(j.inputNorm);
  }

  protected disposeNets(): void {
    this.net.dispose();
    this.opts.inputNorm?.dispose();
  }
}

export interface GAILOptions extends AdversarialOptions {
  /** The generator's reward from D_E = σ(ℓ): "logD", "neglog1mD" or "logit" (see `RewardForm`). */
  rewardForm: RewardForm;
  /** Cross-entropy label 1 for the expert (true) or, as in the paper's text, for the policy (false). */
  labelsExpertIsOne: boolean;
  /** "concat" (s, onehot a) → 1 logit, or the paper's "perAction" s → one logit per action. */
  discHead: DiscHead;
  /** Hidden widths of D (the paper: [100, 100]). */
  discHidden: number[];
  /** Hidden nonlinearity of D. */
  discActivation: Activation;
  /** Spectral normalisation of D's weight matrices. */
  spectralNorm: boolean;
  /** Standardise D's state inputs with the expert's statistics (the paper). */
  normalizeDiscInputs: boolean;
  /**
   * c, the absorbing indicator's value on absorbing rows (with `absorbing`; default 1). A gradient
   * penalty bounds ‖∇ℓ‖ along the segment from an ordinary row to the absorbing row, so it bounds
   * |ℓ(s_a) − ℓ(s)| by about c·‖∇ℓ‖: with c = 1, ℓ(s_a) can hardly leave the per-step logits and
   * the choice between ending and going on rests on noise in D (measured on CartPole-v1, whose
   * expert never ends an episode). A larger c lets D place the absorbing state as far from the
   * other rows as its data say.
   */
  absorbingScale: number;
  /** The action weights of absorbing rows, "zero" (default) or "uniform" (see `AbsorbingActionWeights`; the perAction head needs "uniform"). */
  absorbingActionWeights: AbsorbingActionWeights;
}

/**
 * Defaults: the paper's TRPO generator and 100-100 tanh discriminator, with the sign-neutral logit
 * reward and DAC absorbing states (no termination bias on either task). The configurations we
 * measured, with their figures, are the presets in `presets.ts`.
 */
export const GAIL_DEFAULTS: Readonly<GAILOptions> = Object.freeze({
  ...ADVERSARIAL_DEFAULTS,
  rewardForm: "logit" as RewardForm,
  labelsExpertIsOne: true,
  discHead: "concat" as DiscHead,
  discHidden: [100, 100],
  discActivation: "tanh" as Activation,
  spectralNorm: false,
  normalizeDiscInputs: true,
  absorbing: true,
  absorbingScale: 1,
  absorbingActionWeights: "zero" as AbsorbingActionWeights,
});

/**
 * GAIL: the adversarial loop with a `GailDiscriminator`; reward r = f(ℓ) by `rewardForm`, clipped
 * to ±`rewardClip`. The test reward equals the training reward.
 *
 *     const gail = new GAIL({ envId: "CartPole-v1", demos: "data/demos/CartPole-v1/traj-1.json", generator: "ppo", seed: 0 });
 *     await gail.learn(200_000, { callback: ({ step, metrics }) => console.log(step, metrics["gen/epReturn"]) });
 *     gail.evaluate().mean;
 */
export class GAIL extends AdversarialTrainer<GAILOptions, GailDiscriminator> {
  constructor(opts: Partial<GAILOptions> = {}) {
    super({ algo: "gail", rewardKey: "gen/gailReward", defaults: GAIL_DEFAULTS, check: (o) => {
      checkRewardForm(o.rewardForm);
      checkAbsorbingOptions(o);
    } }, opts);
  }

  protected override makeDiscriminator(): GailDiscriminator {
    const o = this.opts;
    return new GailDiscriminator(
      { ...this.neuralDiscOptions(o.normalizeDiscInputs), hidden: o.discHidden, activation: o.discActivation, head: o.discHead, labelsExpertIsOne: o.labelsExpertIsOne, spectralNorm: o.spectralNorm, rewardForm: o.rewardForm, absorbingScale: o.absorbingScale, absorbingActionWeights: o.absorbingActionWeights },
      new Rng(deriveSeed(o.seed, 0x6a11)),
    );
  }
}
