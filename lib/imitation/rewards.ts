/**
 * The discriminator's loss, its reward transforms and its regularisers, in one place, all from
 * logits. Conventions are carried by names:
 *
 * - `logitsExpertIsHigh` ℓ(s, a): the discriminator's logit, large for expert-like pairs, so that
 *   D_E(s, a) = σ(ℓ) is the probability the pair came from the expert. Every reward and loss below
 *   takes this quantity. A discriminator trained with the paper's labels (policy = 1) outputs
 *   z = −ℓ; `GailDiscriminator` flips it once, so the rest of the library sees ℓ only.
 * - `labelsExpertIsOne`: which class gets label 1 in the binary cross-entropy. Both choices train
 *   mirrored networks (z ↔ −z) with identical losses and rewards; see `discriminatorLoss`.
 *
 * Rewards are computed from downloaded logits in plain JS (`rewardFromLogits`): they are
 * constants to the policy update, so no gradient can flow from the policy loss into D.
 * Logs of probabilities are always log-sigmoids of logits (log σ(x) = −softplus(−x)), never
 * log(p + ε). Derivation: notebooks/ (GAIL section "reward forms and the termination bias").
 */
import { tf } from "../core";
import { RewardForm, checkRewardForm, rewardFromLogit } from "../tabular";

// One definition each, shared with the tabular GAIL (`lib/tabular/divergence.ts`): the reward forms
// ("logD", "neglog1mD", "logit"), their check and per-logit value, and the logistic helpers.
export type { RewardForm } from "../tabular";
export { REWARD_FORMS, checkRewardForm, rewardFromLogit, rewardFormSign, softplus, logSigmoid, sigmoid } from "../tabular";

/**
 * Rewards for a batch of logits ℓ [n] (expert high), optionally clipped to [−clip, clip]
 * (`clip` null or Infinity: no clipping). Plain JS: the result is a constant to the policy update.
 */
export function rewardFromLogits(logitsExpertIsHigh: ArrayLike<number>, form: RewardForm, clip: number | null = null): Float32Array {
  checkRewardForm(form);
  const out = new Float32Array(logitsExpertIsHigh.length);
  const c = clip === null ? Infinity : clip;
  for (let i = 0; i < out.length; i++) {
    const r = rewardFromLogit(form, logitsExpertIsHigh[i]);
    out[i] = r > c ? c : r < -c ? -c : r;
  }
  return out;
}

/**
 * Binary cross-entropy with logits, per row: softplus(x) − y·x = max(x, 0) − y·x + log1p(e^−|x|)
 * (= −y log σ(x) − (1 − y) log(1 − σ(x)), computed without forming σ). Tensors, call in a tidy.
 */
export function bceWithLogits(logits: tf.Tensor1D, labels: tf.Tensor1D | number): tf.Tensor1D {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(labels, logits)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))) as tf.Tensor1D;
}

/** Entropy of the Bernoulli σ(x) per row: H = σ(x)·softplus(−x) + (1 − σ(x))·softplus(x). */
export function bernoulliEntropyFromLogits(logits: tf.Tensor1D): tf.Tensor1D {
  const p = tf.sigmoid(logits);
  const spPos = tf.softplus(logits);
  const spNeg = tf.sub(spPos, logits); // softplus(−x) = softplus(x) − x
  return tf.add(tf.mul(p, spNeg), tf.mul(tf.sub(1, p), spPos)) as tf.Tensor1D;
}

export interface DiscLossOptions {
  /**
   * Which class gets label 1. `true` (imitation, most code): expert 1, policy 0, the network's raw
   * output z is ℓ. `false` (the GAIL paper's text, the Acrobot notes): policy 1, expert 0, the raw
   * output is z = −ℓ. BCE(z, y) = BCE(−z, 1 − y), so both conventions give the same loss in terms
   * of ℓ and the same rewards; only the sign of the raw network output differs.
   */
  labelsExpertIsOne: boolean;
  /** ε of (two-sided) label smoothing: expert target 1 − ε, policy target ε (in expert-is-one terms). */
  labelSmoothing: number;
}

/**
 * The discriminator's loss from raw network outputs z for expert rows [nE] and policy rows [nG]:
 *
 *   ℓ = z if labelsExpertIsOne else −z
 *   L(D) = ½ ( E_E[ BCE(ℓ, 1 − ε) ] + E_π[ BCE(ℓ, ε) ] )
 *        = −½ ( E_E[log D_E] + E_π[log(1 − D_E)] )      (ε = 0)
 *
 * i.e. the negative of the paper's objective E_π[log D] + E_E[log(1 − D)] (their D = 1 − D_E),
 * halved so that a chance-level discriminator (ℓ = 0) has loss log 2. Returns ℓ too.
 */
export function discriminatorLoss(
  rawExpert: tf.Tensor1D,
  rawPolicy: tf.Tensor1D,
  opts: DiscLossOptions,
): { loss: tf.Scalar; logitsExpert: tf.Tensor1D; logitsPolicy: tf.Tensor1D } {
  const sign = opts.labelsExpertIsOne ? 1 : -1;
  const eps = opts.labelSmoothing;
  // Written in the network's own convention (label 1 = the class the raw output is high for) ...
  const yExpertRaw = opts.labelsExpertIsOne ? 1 - eps : eps;
  const yPolicyRaw = opts.labelsExpertIsOne ? eps : 1 - eps;
  const loss = tf.mul(0.5, tf.add(tf.mean(bceWithLogits(rawExpert, yExpertRaw)), tf.mean(bceWithLogits(rawPolicy, yPolicyRaw)))) as tf.Scalar;
  // ... and reported in the library's convention (expert high).
  return { loss, logitsExpert: tf.mul(sign, rawExpert) as tf.Tensor1D, logitsPolicy: tf.mul(sign, rawPolicy) as tf.Tensor1D };
}

/** Forms of the gradient penalty. */
export const GRAD_PENALTY_FORMS = ["wgan-gp", "zero-centred"] as const;
/**
 * - `"wgan-gp"` (Gulrajani et al. 2017): E_x̂[(‖∇_x̂ ℓ(x̂)‖₂ − 1)²], pushing D towards 1-Lipschitz.
 * - `"zero-centred"` (Mescheder et al. 2018 R1/R2-like, on interpolations): E_x̂[‖∇_x̂ ℓ(x̂)‖₂²],
 *   pushing the logit surface flat between the two distributions.
 */
export type GradPenaltyForm = (typeof GRAD_PENALTY_FORMS)[number];

/**
 * Gradient penalty on interpolations x̂ = α x_E + (1 − α) x_π (α ~ U(0, 1) per row, given as
 * `alpha` [n, 1] so the caller's Rng draws it) between expert and policy discriminator inputs
 * [n, d]. `logits(x̂)` must return ℓ [n]; rows are independent, so ∇ of Σℓ gives each row's gradient.
 * The gradient is taken with respect to the whole input x̂ (normalised state, one-hot action).
 * Differentiable with respect to D's parameters (second-order autodiff); call inside the loss.
 */
export function gradientPenalty(
  logits: (x: tf.Tensor2D) => tf.Tensor1D,
  xExpert: tf.Tensor2D,
  xPolicy: tf.Tensor2D,
  alpha: tf.Tensor2D,
  form: GradPenaltyForm = "wgan-gp",
): tf.Scalar {
  const xHat = tf.add(tf.mul(alpha, xExpert), tf.mul(tf.sub(1, alpha), xPolicy)) as tf.Tensor2D;
  const g = tf.grad((x: tf.Tensor) => tf.sum(logits(x as tf.Tensor2D)))(xHat);
  const sq = tf.sum(tf.square(g), 1);
  if (form === "zero-centred") return tf.mean(sq) as tf.Scalar;
  // critical: ε inside the sqrt keeps the second-order gradient finite where ∇ℓ = 0.
  return tf.mean(tf.square(tf.sub(tf.sqrt(tf.add(sq, 1e-12)), 1))) as tf.Scalar;
}
