/**
 * Proximal Policy Optimisation (Schulman et al. 2017), CleanRL's `ppo.py` in TF.js.
 *
 *   L^CLIP(θ) = E[ min(w_t A_t, clip(w_t, 1−ε, 1+ε) A_t) ],   w_t = π_θ(a_t|s_t) / π_old(a_t|s_t)
 *   loss = −L^CLIP + c_v · ½ (V(s_t) − R_t)² − c_H · H[π_θ(·|s_t)]
 *
 * optimised with Adam for `nEpochs` epochs over shuffled minibatches, global gradient-norm
 * clipping, optionally clipped value loss, and a linear learning-rate schedule. Logged:
 * `losses/policy`, `losses/value`, `losses/entropy`, `losses/approxKl` ((w−1) − log w, Schulman's
 * low-variance estimator), `losses/clipFrac`, `losses/gradNorm`, `train/lr`.
 */
import { tf, checkPositiveInt, checkNumber, profiler } from "../core";
import { RolloutBatch } from "./rollout";
import { Metrics } from "./types";
import { OnPolicyTrainer, OnPolicyOptions, ON_POLICY_DEFAULTS, resolveOptions } from "./onpolicy";
import { setLearningRate } from "./common";
import { FlatAdam } from "../nn";

export interface PPOOptions extends OnPolicyOptions {
  /** α, Adam learning rate (start of the linear schedule). */
  lr: number;
  /** Anneal α linearly to 0 over the `learn` budget. */
  annealLr: boolean;
  /** K, epochs over each batch. */
  nEpochs: number;
  /** M, minibatch size (transitions). */
  batchSize: number;
  /** ε in the clipped surrogate. */
  clipEps: number;
  /** Anneal ε linearly to 0 over the budget (SB3 zoo's `lin_0.2`). */
  annealClip: boolean;
  /** Clip the value loss around the old values with ε (CleanRL's `clip_vloss`). */
  clipValueLoss: boolean;
  /** c_v, value-loss coefficient. */
  vfCoef: number;
  /** c_H, entropy-bonus coefficient. */
  entCoef: number;
  /** Maximum global gradient norm (Infinity: no clipping). */
  maxGradNorm: number;
  /** Normalise advantages per minibatch. */
  normAdv: boolean;
  /** Stop the epochs early when approx-KL exceeds this (null: never). */
  targetKl: number | null;
}

export const PPO_DEFAULTS: Readonly<PPOOptions> = Object.freeze({
  ...ON_POLICY_DEFAULTS,
  lr: 2.5e-4,
  annealLr: true,
  nEpochs: 4,
  batchSize: 256,
  clipEps: 0.2,
  annealClip: false,
  clipValueLoss: false,
  vfCoef: 0.5,
  entCoef: 0.0,
  maxGradNorm: 0.5,
  normAdv: true,
  targetKl: null,
});

/** SB3 rl-zoo's tuned CartPole-v1 PPO hyper-parameters (reaches 500 in ~1e5 steps). */
export const PPO_CARTPOLE_ZOO: Partial<PPOOptions> = Object.freeze({
  numEnvs: 8,
  nSteps: 32,
  batchSize: 256,
  nEpochs: 20,
  gaeLambda: 0.8,
  gamma: 0.98,
  lr: 1e-3,
  annealLr: true,
  clipEps: 0.2,
  annealClip: true,
  entCoef: 0.0,
  hidden: [64, 64],
});

/** α and ε after a fraction `progress` (0 → 1) of the budget: linear to 0 where annealed. */
export function ppoSchedule(o: Pick<PPOOptions, "lr" | "annealLr" | "clipEps" | "annealClip">, progress: number): { lr: number; clipEps: number } {
  const frac = 1 - progress;
  return { lr: o.annealLr ? o.lr * frac : o.lr, clipEps: o.annealClip ? o.clipEps * frac : o.clipEps };
}

/** One minibatch's inputs to PPO's losses, each [n]. */
export interface PpoLossTermInputs {
  /** log π_θ(a|s) (differentiable) and log π_old(a|s) at collection. */
  newLogProb: tf.Tensor;
  oldLogProb: tf.Tensor;
  /** Â (already normalised where `normAdv`). */
  adv: tf.Tensor;
  /** V_θ(s) (differentiable), V_old(s) at collection, and the return targets R. */
  value: tf.Tensor;
  oldValue: tf.Tensor;
  ret: tf.Tensor;
}

/**
 * PPO's loss terms (call inside a tidy): −L^CLIP with ratio clipping at 1 ± ε; the value loss
 * ½ mean (V − R)², or, with `clipValueLoss`, ½ mean max((V − R)², (V_clip − R)²) with
 * V_clip = V_old + clip(V − V_old, −ε, ε) (CleanRL's `clip_vloss`); approx-KL (w − 1) − log w and
 * the fraction of rows with |w − 1| > ε.
 */
export function ppoLossTerms(b: PpoLossTermInputs, clipEps: number, clipValueLoss: boolean): { pgLoss: tf.Scalar; vLoss: tf.Scalar; approxKl: tf.Scalar; clipFrac: tf.Scalar } {
  const logRatio = tf.sub(b.newLogProb, b.oldLogProb);
  const ratio = tf.exp(logRatio);
  const pg1 = tf.mul(ratio, b.adv);
  const pg2 = tf.mul(tf.clipByValue(ratio, 1 - clipEps, 1 + clipEps), b.adv);
  const pgLoss = tf.neg(tf.mean(tf.minimum(pg1, pg2))) as tf.Scalar;
  const sq = tf.square(tf.sub(b.value, b.ret));
  let vLoss: tf.Scalar;
  if (clipValueLoss) {
    const vClipped = tf.add(b.oldValue, tf.clipByValue(tf.sub(b.value, b.oldValue), -clipEps, clipEps));
    vLoss = tf.mul(0.5, tf.mean(tf.maximum(sq, tf.square(tf.sub(vClipped, b.ret))))) as tf.Scalar;
  } else {
    vLoss = tf.mul(0.5, tf.mean(sq)) as tf.Scalar;
  }
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipEps), "float32")) as tf.Scalar;
  return { pgLoss, vLoss, approxKl, clipFrac };
}

/** The constants of one minibatch's PPO loss (see `ppoLoss`). */
export interface PpoLossInputs {
  /** onehot(a_t) as float, [M, nA]. */
  oneHot: tf.Tensor2D;
  /** log π_old(a_t|s_t), [M]. */
  oldLogProb: tf.Tensor1D;
  /** Advantages (already normalised if wanted), [M]. */
  adv: tf.Tensor1D;
  /** Value targets R_t, [M]. */
  ret: tf.Tensor1D;
  /** V_old(s_t), [M] (used with clipValueLoss). */
  oldValue: tf.Tensor1D;
  clipEps: number;
  clipValueLoss: boolean;
  entCoef: number;
  vfCoef: number;
}

/**
 * The PPO loss −L^CLIP − c_H H + c_v ½(V − R)² of a minibatch as ONE differentiable op of the
 * logits [M, nA] and values [M]: its gradient is written out (below) and computed with the forward
 * pass, instead of TF.js differentiating some 40 small ops one by one (on these network sizes the
 * cost per TF.js call dominates). Returns the loss and `stats` = [pgLoss, vLoss, entropy, approxKl,
 * clipFrac] (a tensor [5], for the metrics). The gradients are those TF.js's autodiff gives for
 * the same expression, including its tie rules (min → first argument on ≤, clip → 1 inside the
 * closed interval, max → first argument on ≥); tested against it.
 *
 *   ∂/∂lp_i   = −(1/M) w_i Â_i [w_i Â_i ≤ clip(w_i) Â_i]            (lp = log π(a|s), w = e^{lp − lp_old})
 *   ∂/∂z_i    = ∂/∂lp_i (onehot_i − π_i) + (c_H/M) π_i ⊙ (log π_i + H_i)
 *   ∂/∂v_i    = (c_v/M) (v_i − R_i)     (unclipped value loss)
 */
export function ppoLoss(logits: tf.Tensor2D, values: tf.Tensor1D, k: PpoLossInputs): { loss: tf.Scalar; stats: tf.Tensor1D } {
  let stats: tf.Tensor1D | null = null;
  const op = tf.customGrad(((z: tf.Tensor2D, v: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const M = z.shape[0];
    const logp = tf.logSoftmax(z);
    const p = tf.exp(logp);
    const logRatio = tf.sub(tf.sum(tf.mul(logp, k.oneHot), 1), k.oldLogProb);
    const ratio = tf.exp(logRatio);
    const pg1 = tf.mul(ratio, k.adv);
    const pg2 = tf.mul(tf.clipByValue(ratio, 1 - k.clipEps, 1 + k.clipEps), k.adv);
    const useFirst = tf.cast(tf.lessEqual(pg1, pg2), "float32");
    const pgLoss = tf.neg(tf.mean(tf.minimum(pg1, pg2)));
    const entRows = tf.neg(tf.sum(tf.mul(p, logp), 1));
    const entropy = tf.mean(entRows);
    const err = tf.sub(v, k.ret);
    let vLoss: tf.Tensor, dv: tf.Tensor;
    if (k.clipValueLoss) {
      const dvc = tf.sub(v, k.oldValue);
      const errC = tf.sub(tf.add(k.oldValue, tf.clipByValue(dvc, -k.clipEps, k.clipEps)), k.ret);
      const l1 = tf.square(err), l2 = tf.square(errC);
      const first = tf.cast(tf.greaterEqual(l1, l2), "float32");
      const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(dvc, -k.clipEps), tf.lessEqual(dvc, k.clipEps)), "float32");
      vLoss = tf.mul(0.5, tf.mean(tf.maximum(l1, l2)));
      const g = tf.add(tf.mul(first, err), tf.mul(tf.mul(tf.sub(1, first), inside), errC));
      dv = tf.mul(g, k.vfCoef / M);
    } else {
      vLoss = tf.mul(0.5, tf.mean(tf.square(err)));
      dv = tf.mul(err, k.vfCoef / M);
    }
    const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
    const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), k.clipEps), "float32"));
    const gLp = tf.mul(tf.mul(pg1, useFirst), -1 / M).reshape([M, 1]);
    let dz = tf.mul(gLp, tf.sub(k.oneHot, p));
    if (k.entCoef !== 0) dz = tf.add(dz, tf.mul(tf.mul(p, tf.add(logp, entRows.reshape([M, 1]))), k.entCoef / M));
    save([dz, dv]);
    stats = tf.keep(tf.stack([pgLoss, vLoss, entropy, approxKl, clipFrac]) as tf.Tensor1D);
    const loss = tf.add(tf.sub(pgLoss, tf.mul(k.entCoef, entropy)), tf.mul(k.vfCoef, vLoss));
    return { value: loss, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0], dy), tf.mul(saved[1], dy)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const loss = (op as unknown as (z: tf.Tensor2D, v: tf.Tensor1D) => tf.Scalar)(logits, values);
  return { loss, stats: stats as unknown as tf.Tensor1D };
}

export class PPO extends OnPolicyTrainer<PPOOptions> {
  readonly algo = "ppo";
  readonly optimizer: FlatAdam;

  constructor(opts: Partial<PPOOptions> = {}) {
    const o = resolveOptions(PPO_DEFAULTS, opts, "PPO");
    checkNumber(o.lr, "lr", 0);
    checkPositiveInt(o.nEpochs, "nEpochs");
    checkPositiveInt(o.batchSize, "batchSize");
    checkNumber(o.clipEps, "clipEps", 0);
    super(o);
    this.optimizer = new FlatAdam(o.lr, 0.9, 0.999, 1e-5);
  }

  protected override optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }

  protected override update(batch: RolloutBatch): Metrics {
    const o = this.opts;
    const B = batch.size;
    const mbSize = Math.min(o.batchSize, B);
    const nMb = Math.max(1, Math.floor(B / mbSize));
    const { lr, clipEps } = ppoSchedule(o, this.progress());
    setLearningRate(this.optimizer, lr);
    const vars = [...this.policy.trainableVariables, ...this.value.trainableVariables];
    const D = batch.obsDim;
    profiler.begin("ppo");
    // b_ tensors: the flattened batch, uploaded once per update
    const b = tf.tidy(() => ({
      // the normalisation statistics are fixed during the update: normalise once
      x: this.policy.prepare(tf.tensor2d(batch.obs, [B, D])),
      oneHot: tf.oneHot(tf.tensor1d(batch.actions, "int32"), this.policy.nActions).toFloat() as tf.Tensor2D,
      logProb: tf.tensor1d(batch.logProb),
      adv: tf.tensor1d(batch.advantages),
      ret: tf.tensor1d(batch.returns),
      val: tf.tensor1d(batch.values),
    }));
    const stats: tf.Tensor[] = [];
    let epochs = 0;
    for (let epoch = 0; epoch < o.nEpochs; epoch++) {
      const perm = this.rng.permutation(B);
      const epochStats: tf.Tensor[] = [];
      for (let k = 0; k < nMb; k++) {
        const s = tf.tidy(() => {
          // mb_ tensors: one minibatch
          const full = nMb === 1 && mbSize === B;
          const idx = full ? null : tf.tensor1d(perm.subarray(k * mbSize, (k + 1) * mbSize), "int32");
          const pick = <T extends tf.Tensor>(t: T): T => (idx ? (tf.gather(t, idx) as T) : t);
          const mbX = pick(b.x), mbOldLogProb = pick(b.logProb);
          let mbAdv = pick(b.adv);
          const mbRet = pick(b.ret), mbOldVal = pick(b.val);
          if (o.normAdv) {
            const { mean, variance } = tf.moments(mbAdv);
            mbAdv = tf.div(tf.sub(mbAdv, mean), tf.add(tf.sqrt(variance), 1e-8));
          }
          let aux: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            const r = ppoLoss(this.policy.net.apply(mbX), this.value.net.apply(mbX).reshape([-1]) as tf.Tensor1D, {
              oneHot: pick(b.oneHot), oldLogProb: mbOldLogProb, adv: mbAdv, ret: mbRet, oldValue: mbOldVal,
              clipEps, clipValueLoss: o.clipValueLoss, entCoef: o.entCoef, vfCoef: o.vfCoef,
            });
            // critical: variableGrads disposes what f creates; keep the diagnostics and free them below.
            aux = [tf.keep(r.stats)];
            return r.loss;
          }, vars);
          // global-norm clipping and Adam on one flat vector
          const norm = this.optimizer.step(grads, o.maxGradNorm);
          const out = tf.concat([aux[0], norm.reshape([1])]);
          tf.dispose(aux);
          return out;
        });
        epochStats.push(s);
      }
      stats.push(...epochStats);
      epochs++;
      if (o.targetKl !== null) {
        const kl = tf.tidy(() => tf.mean(tf.stack(epochStats), 0).dataSync()[3]);
        if (kl > o.targetKl) break;
      }
    }
    const mean = tf.tidy(() => tf.mean(tf.stack(stats), 0).dataSync());
    tf.dispose(stats);
    tf.dispose(b);
    profiler.end("ppo");
    return {
      "losses/policy": mean[0],
      "losses/value": mean[1],
      "losses/entropy": mean[2],
      "losses/approxKl": mean[3],
      "losses/clipFrac": mean[4],
      "losses/gradNorm": mean[5],
      "train/lr": lr,
      "train/clipEps": clipEps,
      "train/epochs": epochs,
    };
  }
}
