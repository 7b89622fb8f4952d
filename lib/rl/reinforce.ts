/**
 * REINFORCE with a learned baseline (Williams 1992; Spinning Up's VPG):
 *
 *   ∇J(θ) ≈ (1/|B|) Σ_t ∇ log π_θ(a_t|s_t) Â_t,   Â_t = G_t − V(s_t)  (λ = 1: Monte-Carlo returns)
 *
 * one policy-gradient step per batch (Adam), then `vfIters` Adam steps of ½(V(s_t) − G_t)² on the
 * baseline. With `gaeLambda` < 1 it is the GAE(λ) actor-critic variant. Returns are bootstrapped
 * with V at time-limit cut-offs and at the end of the rollout (see `computeGae`).
 */
import { tf, checkPositiveInt, checkNumber } from "../core";
import { RolloutBatch } from "./rollout";
import { Metrics } from "./types";
import { OnPolicyTrainer, OnPolicyOptions, ON_POLICY_DEFAULTS, resolveOptions } from "./onpolicy";
import { setLearningRate } from "./common";
import { FlatAdam } from "../nn";

export interface ReinforceOptions extends OnPolicyOptions {
  /** α_π, policy learning rate. */
  piLr: number;
  /** α_V, baseline learning rate. */
  vfLr: number;
  /** Adam steps on the baseline per batch. */
  vfIters: number;
  /** Minibatch size of the baseline steps. */
  vfBatchSize: number;
  /** c_H, entropy-bonus coefficient. */
  entCoef: number;
  /** Normalise advantages over the batch. */
  normAdv: boolean;
  /** Maximum global gradient norm of the policy step. */
  maxGradNorm: number;
  /** Anneal both learning rates linearly to 0 over the budget. */
  annealLr: boolean;
}

export const REINFORCE_DEFAULTS: Readonly<ReinforceOptions> = Object.freeze({
  ...ON_POLICY_DEFAULTS,
  nSteps: 256,
  gaeLambda: 1.0,
  piLr: 1e-2,
  vfLr: 1e-3,
  vfIters: 20,
  vfBatchSize: 256,
  entCoef: 0,
  normAdv: true,
  maxGradNorm: 1.0,
  annealLr: false,
});

export class Reinforce extends OnPolicyTrainer<ReinforceOptions> {
  readonly algo = "reinforce";
  readonly piOptimizer: FlatAdam;
  readonly vfOptimizer: FlatAdam;

  constructor(opts: Partial<ReinforceOptions> = {}) {
    const o = resolveOptions(REINFORCE_DEFAULTS, opts, "Reinforce");
    checkNumber(o.piLr, "piLr", 0);
    checkNumber(o.vfLr, "vfLr", 0);
    checkPositiveInt(o.vfIters, "vfIters");
    checkPositiveInt(o.vfBatchSize, "vfBatchSize");
    super(o);
    this.piOptimizer = new FlatAdam(o.piLr);
    this.vfOptimizer = new FlatAdam(o.vfLr);
  }

  protected override optimizers(): Record<string, tf.Optimizer> {
    return { pi: this.piOptimizer, vf: this.vfOptimizer };
  }

  protected override update(batch: RolloutBatch): Metrics {
    const o = this.opts;
    const B = batch.size;
    const frac = o.annealLr ? 1 - this.progress() : 1;
    setLearningRate(this.piOptimizer, o.piLr * frac);
    setLearningRate(this.vfOptimizer, o.vfLr * frac);
    const obs = tf.tensor2d(batch.obs, [B, batch.obsDim]);
    const ret = tf.tensor1d(batch.returns);
    const piStats = tf.tidy(() => {
      const actions = tf.tensor1d(batch.actions, "int32");
      let adv: tf.Tensor1D = tf.tensor1d(batch.advantages);
      if (o.normAdv) {
        const { mean, variance } = tf.moments(adv);
        adv = tf.div(tf.sub(adv, mean), tf.add(tf.sqrt(variance), 1e-8));
      }
      let ent: tf.Tensor = tf.scalar(0);
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.policy.logits(obs);
        const logp = tf.logSoftmax(logits);
        const lp = tf.sum(tf.mul(logp, tf.oneHot(actions, this.policy.nActions)), 1);
        const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
        ent = tf.keep(entropy);
        // the advantage is a constant: the reward never receives gradients from the policy loss
        return tf.sub(tf.neg(tf.mean(tf.mul(lp, adv))), tf.mul(o.entCoef, entropy)) as tf.Scalar;
      }, this.policy.trainableVariables);
      const norm = this.piOptimizer.step(grads, o.maxGradNorm);
      const out = tf.stack([value, ent, norm]);
      ent.dispose();
      return out;
    });
    const vl = this.fitValue(obs, ret, this.vfOptimizer, o.vfIters, o.vfBatchSize);
    const s = piStats.dataSync();
    tf.dispose([piStats, obs, ret]);
    return { "losses/policy": s[0], "losses/entropy": s[1], "losses/gradNorm": s[2], "losses/value": vl };
  }
}
