/**
 * Proximal Policy Optimisation (Schulman et al. 2017), CleanRL's `ppo.py` in TF.js.
 *
 *   L^CLIP(θ) = E[ min(ρ_t A_t, clip(ρ_t, 1−ε, 1+ε) A_t) ],   ρ_t = π_θ(a_t|s_t) / π_old(a_t|s_t)
 *   loss = −L^CLIP + c_v · ½ (V(s_t) − R_t)² − c_H · H[π_θ(·|s_t)]
 *
 * optimised with Adam for `nEpochs` epochs over shuffled minibatches, global gradient-norm
 * clipping, optionally clipped value loss, and a linear learning-rate schedule. Logged:
 * `losses/policy`, `losses/value`, `losses/entropy`, `losses/approxKl` ((ρ−1) − log ρ, Schulman's
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
    const frac = 1 - this.progress();
    const lr = o.annealLr ? o.lr * frac : o.lr;
    const clipEps = o.annealClip ? o.clipEps * frac : o.clipEps;
    setLearningRate(this.optimizer, lr);
    const vars = [...this.policy.trainableVariables, ...this.value.trainableVariables];
    const D = batch.obsDim;
    profiler.begin("ppo");
    // b_ tensors: the flattened batch, uploaded once per update
    const b = tf.tidy(() => ({
      obs: tf.tensor2d(batch.obs, [B, D]),
      actions: tf.tensor1d(batch.actions, "int32"),
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
          const mbObs = pick(b.obs), mbActions = pick(b.actions), mbOldLogProb = pick(b.logProb);
          let mbAdv = pick(b.adv);
          const mbRet = pick(b.ret), mbOldVal = pick(b.val);
          if (o.normAdv) {
            const { mean, variance } = tf.moments(mbAdv);
            mbAdv = tf.div(tf.sub(mbAdv, mean), tf.add(tf.sqrt(variance), 1e-8));
          }
          let aux: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            const logits = this.policy.logits(mbObs);
            const logp = tf.logSoftmax(logits);
            const newLogProb = tf.sum(tf.mul(logp, tf.oneHot(mbActions, this.policy.nActions)), 1);
            const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
            const logRatio = tf.sub(newLogProb, mbOldLogProb);
            const ratio = tf.exp(logRatio);
            const pg1 = tf.mul(ratio, mbAdv);
            const pg2 = tf.mul(tf.clipByValue(ratio, 1 - clipEps, 1 + clipEps), mbAdv);
            const pgLoss = tf.neg(tf.mean(tf.minimum(pg1, pg2)));
            const v = this.value.predict(mbObs);
            let vLoss: tf.Tensor;
            if (o.clipValueLoss) {
              const vClipped = tf.add(mbOldVal, tf.clipByValue(tf.sub(v, mbOldVal), -clipEps, clipEps));
              vLoss = tf.mul(0.5, tf.mean(tf.maximum(tf.square(tf.sub(v, mbRet)), tf.square(tf.sub(vClipped, mbRet)))));
            } else {
              vLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(v, mbRet))));
            }
            const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
            const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipEps), "float32"));
            // critical: variableGrads disposes what f creates; keep the diagnostics and free them below.
            aux = [pgLoss, vLoss, entropy, approxKl, clipFrac].map((t) => tf.keep(t));
            return tf.add(tf.sub(pgLoss, tf.mul(o.entCoef, entropy)), tf.mul(o.vfCoef, vLoss)) as tf.Scalar;
          }, vars);
          // global-norm clipping and Adam on one flat vector
          const norm = this.optimizer.step(grads, o.maxGradNorm);
          const out = tf.stack([...aux, norm]);
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
