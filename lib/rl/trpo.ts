/**
 * Trust Region Policy Optimisation (Schulman et al. 2015), as in Spinning Up's `trpo.py`:
 *
 *   maximise  L(θ) = E[ π_θ(a|s)/π_old(a|s) · Â ]   subject to   KL̄(π_old ‖ π_θ) ≤ δ
 *
 * Natural-gradient step: solve F x = g by conjugate gradient, where g = ∇L(θ_old) and F is the
 * Fisher matrix of the categorical policy. F·v is computed analytically (Gauss–Newton form,
 * exact for the KL's Hessian at θ_old): F v = (1/B) Σ_i J_iᵀ (diag(p_i) − p_i p_iᵀ) J_i v, where
 * J_i = ∂logits_i/∂θ; J v by forward mode and Jᵀ u by reverse mode on the network linearised once
 * per update (`MlpLinearisation`: the activations at θ_old are cached, so each product is one
 * pass over the layers; g = Jᵀ ∂L/∂logits the same way). Damping adds
 * β v. The full step s = √(2δ / xᵀFx) · x has ½ sᵀFs = δ; a backtracking line search on
 * θ_old + cᵏ s accepts the first step with measured KL̄ ≤ δ AND L(θ) > L(θ_old); otherwise the
 * policy is left unchanged.
 *
 * The value function is fitted after the policy step, by default with `vfIters` Adam steps on
 * minibatches. With `vfFit: "trustRegion"` it takes one trust-region step instead, as the GAIL
 * paper's code does (`ValueFunc.fit`: `vf_max_kl 0.01`, `vf_cg_damping 0.1`). The value model is
 * read as a Gaussian N(V_φ(s), σ_R²/2), σ_R the standard deviation of the targets R on the batch
 * (the paper standardises its targets, `vnorm`), so its mean KL̄ is a mean squared change:
 *
 *   minimise  L_V(φ) = mean_i (V_φ(s_i) − R_i)² / σ_R²   subject to   KL̄_V = mean_i (V_φ(s_i) − V_old(s_i))² / σ_R² ≤ δ_V
 *
 * KL̄_V's Hessian at φ_old is exactly F_V = (2 / (B σ_R²)) Σ_i ∇V_i ∇V_iᵀ (the Gauss–Newton form:
 * the residual V − V_old is 0 there), applied as a Gram product of the linearised value network.
 * Conjugate gradient solves (F_V + β_V I) x = −∇L_V, the full step is scaled to ½ xᵀ(F_V + β_V I)x = δ_V,
 * and the same backtracking as the policy's accepts the first step with KL̄_V ≤ δ_V and a lower
 * L_V (otherwise V is left unchanged).
 */
import { tf, ensure, describe, checkPositiveInt, checkNumber, profiler } from "../core";
import { Mlp, flatten, unflatten, getFlat, setFlat, categoricalKl, tidyJs, FlatAdam, MlpLinearisation, MlpGram, RunningMeanStd } from "../nn";
import { RolloutBatch } from "./rollout";
import { Metrics } from "./types";
import { OnPolicyTrainer, OnPolicyOptions, ON_POLICY_DEFAULTS, resolveOptions } from "./onpolicy";

export interface TRPOOptions extends OnPolicyOptions {
  /** δ, the KL̄(π_old ‖ π_θ) trust-region radius. */
  maxKl: number;
  /** β, damping added to the Fisher matrix (F + βI). */
  damping: number;
  /** Conjugate-gradient iterations. */
  cgIters: number;
  /** c, backtracking coefficient of the line search. */
  backtrackCoef: number;
  /** Maximum line-search steps. */
  backtrackIters: number;
  /** α_V, value-function Adam learning rate. */
  vfLr: number;
  /** Adam steps on the value function per batch. */
  vfIters: number;
  /** Minibatch size of the value steps. */
  vfBatchSize: number;
  /** Normalise advantages over the batch. */
  normAdv: boolean;
  /** How the value function is fitted: "adam" (vfIters minibatch steps) or "trustRegion" (one natural-gradient step, the paper's). */
  vfFit: "adam" | "trustRegion";
  /** δ_V, the value step's KL̄ bound with vfFit "trustRegion" (the paper: 0.01). */
  vfMaxKl: number;
  /** β_V, damping of the value step's Fisher matrix with vfFit "trustRegion" (the paper: 0.1). */
  vfDamping: number;
}

export const TRPO_DEFAULTS: Readonly<TRPOOptions> = Object.freeze({
  ...ON_POLICY_DEFAULTS,
  nSteps: 256,
  gaeLambda: 0.97,
  maxKl: 0.01,
  damping: 0.1,
  cgIters: 10,
  backtrackCoef: 0.8,
  backtrackIters: 10,
  vfLr: 1e-3,
  vfIters: 40,
  vfBatchSize: 256,
  normAdv: true,
  vfFit: "adam" as const,
  vfMaxKl: 0.01,
  vfDamping: 0.1,
});

/** Solves A x = b by conjugate gradient with `iters` steps (A symmetric positive definite, given as a product). */
export function conjugateGradient(Avp: (v: Float64Array) => Float64Array, b: Float64Array, iters: number, tol = 1e-10): Float64Array {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  for (let k = 0; k < iters && rr > tol; k++) {
    const Ap = Avp(p);
    const alpha = rr / (dot(p, Ap) + 1e-12);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    rr = rrNew;
  }
  return x;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * v ↦ F v + β v for the categorical policy `net` at its current parameters θ_old on the inputs
 * `x` [B, inputDim], with `pOld` = softmax(net(x)) [B, nActions] and F the Hessian of the mean
 * KL̄(π_old ‖ π_θ) at θ_old, in Gauss–Newton form (exact there, see the module comment):
 * F v = (1/B) Σ_i J_iᵀ (diag(p_i) − p_i p_iᵀ) J_i v. Vectors are flat over `net.params`. The
 * tensors stay the caller's; each product runs in its own tidy.
 */
export function fisherVectorProduct(net: Mlp, x: tf.Tensor2D, pOld: tf.Tensor2D, damping: number): (v: Float64Array) => Float64Array {
  const vars = net.params;
  const shapes = vars.map((w) => w.shape.slice());
  const B = x.shape[0];
  return (v) =>
    tidyJs(() => {
      const vt = tf.tensor1d(Float32Array.from(v));
      const { dOut } = net.jvp(x, unflatten(vt, shapes));
      const pdz = tf.mul(pOld, dOut);
      const mu = tf.sub(pdz, tf.mul(pOld, tf.sum(pdz, 1, true)));
      const { grads } = tf.variableGrads(() => tf.div(tf.sum(tf.mul(net.apply(x), mu)), B) as tf.Scalar, vars);
      return Float64Array.from(tf.add(flatten(vars.map((w) => grads[w.name])), tf.mul(damping, vt)).dataSync());
    });
}

/**
 * The trust-region step both of TRPO's fits take (the policy's and, with vfFit "trustRegion", the
 * value function's): x solves A x = g by `cgIters` steps of conjugate gradient, A = F + βI given
 * as the product `fvp`; the full step s = √(2δ / xᵀAx) · x has ½ sᵀAs = δ; a backtracking line
 * search tries θ_0 + cᵏ s for k = 0 … backtrackIters − 1 and keeps the first whose measure
 * (`measure(θ)`: [objective, KL̄], one download) passes `accept`. The variables are set to it, or
 * left unchanged when none passes (`accepted` null, `backtracks` = backtrackIters).
 */
export function trustRegionStep(
  vars: tf.Variable[],
  fvp: (v: Float64Array) => Float64Array,
  g: Float64Array,
  maxKl: number,
  o: { cgIters: number; backtrackCoef: number; backtrackIters: number },
  measure: (theta: Float32Array) => ArrayLike<number>,
  accept: (m: ArrayLike<number>) => boolean,
): { accepted: ArrayLike<number> | null; backtracks: number } {
  const xDir = conjugateGradient(fvp, g, o.cgIters);
  const sFs = dot(xDir, fvp(xDir));
  const scale = Math.sqrt((2 * maxKl) / Math.max(sFs, 1e-12));
  profiler.end("cg");
  profiler.begin("linesearch");
  const theta0 = getFlat(vars);
  const trial = new Float32Array(theta0.length);
  let k = 0;
  for (; k < o.backtrackIters; k++) {
    const step = scale * Math.pow(o.backtrackCoef, k);
    for (let i = 0; i < trial.length; i++) trial[i] = theta0[i] + step * xDir[i];
    const m = measure(trial);
    if (accept(m)) {
      setFlat(vars, trial);
      profiler.end("linesearch");
      return { accepted: m, backtracks: k };
    }
  }
  profiler.end("linesearch");
  return { accepted: null, backtracks: k };
}

export class TRPO extends OnPolicyTrainer<TRPOOptions> {
  readonly algo = "trpo";
  readonly vfOptimizer: FlatAdam;

  constructor(opts: Partial<TRPOOptions> = {}) {
    const o = resolveOptions(TRPO_DEFAULTS, opts, "TRPO");
    checkNumber(o.maxKl, "maxKl", 0);
    checkNumber(o.damping, "damping", 0);
    checkPositiveInt(o.cgIters, "cgIters");
    checkNumber(o.backtrackCoef, "backtrackCoef", 0, 1);
    checkPositiveInt(o.backtrackIters, "backtrackIters");
    ensure(o.vfFit === "adam" || o.vfFit === "trustRegion", () => `vfFit must be "adam" or "trustRegion", got ${describe(o.vfFit)}`);
    checkNumber(o.vfMaxKl, "vfMaxKl", 0);
    checkNumber(o.vfDamping, "vfDamping", 0);
    super(o);
    this.vfOptimizer = new FlatAdam(o.vfLr);
  }

  protected override optimizers(): Record<string, tf.Optimizer> {
    return { vf: this.vfOptimizer };
  }

  protected override update(batch: RolloutBatch): Metrics {
    const o = this.opts;
    const B = batch.size;
    const net = this.policy.net;
    const vars = net.params;
    const shapes = vars.map((v) => v.shape.slice());
    profiler.begin("policy");
    profiler.begin("grad");
    const obs = tf.tensor2d(batch.obs, [B, batch.obsDim]);
    const ret = tf.tensor1d(batch.returns);
    const x = tf.tidy(() => this.policy.prepare(obs));
    // the policy linearised at θ_old on this batch: logits, J t and Jᵀ u without recomputing the forward pass
    const lin = new MlpLinearisation(net, x);
    const c = tf.tidy(() => {
      const oldLogits = lin.out;
      let adv: tf.Tensor1D = tf.tensor1d(batch.advantages);
      if (o.normAdv) {
        const { mean, variance } = tf.moments(adv);
        adv = tf.div(tf.sub(adv, mean), tf.add(tf.sqrt(variance), 1e-8));
      }
      return { oldLogits, pOld: tf.softmax(oldLogits), adv, oneHot: tf.oneHot(tf.tensor1d(batch.actions, "int32"), this.policy.nActions), oldLogProb: tf.tensor1d(batch.logProb) };
    });
    const surrogate = (logits: tf.Tensor2D): tf.Scalar => {
      const lp = tf.sum(tf.mul(tf.logSoftmax(logits), c.oneHot), 1);
      return tf.mean(tf.mul(tf.exp(tf.sub(lp, c.oldLogProb)), c.adv)) as tf.Scalar;
    };
    // g = ∇L(θ_old) = Jᵀ ∂L/∂logits, with ∂L/∂logits_i = (1/B) w_i Â_i (onehot(a_i) − π_old(·|s_i))
    const { g, surrOld, entropy } = tidyJs(() => {
      const logp = tf.logSoftmax(c.oldLogits);
      const ratioAdv = tf.mul(tf.exp(tf.sub(tf.sum(tf.mul(logp, c.oneHot), 1), c.oldLogProb)), c.adv);
      const dLogits = tf.mul(tf.div(ratioAdv, B).reshape([B, 1]), tf.sub(c.oneHot, c.pOld)) as tf.Tensor2D;
      const ent = tf.mean(tf.neg(tf.sum(tf.mul(c.pOld, logp), 1)));
      const flat = tf.concat([flatten(lin.vjp(dLogits)), tf.mean(ratioAdv).reshape([1]), ent.reshape([1])]).dataSync();
      const n = flat.length - 2;
      return { g: Float64Array.from(flat.subarray(0, n)), surrOld: flat[n], entropy: flat[n + 1] };
    });
    profiler.end("grad");
    profiler.begin("cg");
    // F v + β v = (1/B) Jᵀ (diag(p) − p pᵀ) J v + β v, analytically (see the module comment);
    // with two actions diag(p) − p pᵀ = q qᵀ, q = √(p₀p₁)(1, −1), and F = (1/B) Σ_i g_i g_iᵀ (MlpLinearisation.gram)
    let gram: MlpGram | null = null;
    if (this.policy.nActions === 2) {
      const q = tf.tidy(() => tf.mul(tf.sqrt(tf.prod(c.pOld, 1, true)), tf.tensor2d([[1, -1]])) as tf.Tensor2D);
      gram = lin.gram(q);
      q.dispose();
    }
    const fvp = (v: Float64Array): Float64Array =>
      tidyJs(() => {
        const vt = tf.tensor1d(Float32Array.from(v));
        const t = unflatten(vt, shapes);
        let fv: tf.Tensor[];
        if (gram) fv = gram.apply(t, 1 / B);
        else {
          const pdz = tf.mul(c.pOld, lin.jvp(t));
          fv = lin.vjp(tf.div(tf.sub(pdz, tf.mul(c.pOld, tf.sum(pdz, 1, true))), B) as tf.Tensor2D);
        }
        return Float64Array.from(tf.add(flatten(fv), tf.mul(o.damping, vt)).dataSync());
      });
    const ls = trustRegionStep(vars, fvp, g, o.maxKl, o, (trial) =>
      tidyJs(() => {
        const logits = net.apply(x, { params: unflatten(tf.tensor1d(trial), shapes) });
        return tf.stack([surrogate(logits), tf.mean(categoricalKl(c.oldLogits, logits))]).dataSync();
      }),
      (res) => res[1] <= o.maxKl && res[0] > surrOld,
    );
    const accepted = ls.accepted !== null;
    const k = ls.backtracks;
    const kl = ls.accepted ? ls.accepted[1] : 0;
    const surrNew = ls.accepted ? ls.accepted[0] : surrOld;
    profiler.end("policy");
    let vLoss: number;
    let vfMetrics: Metrics = {};
    if (o.vfFit === "trustRegion") {
      const step = this.fitValueTrustRegion(obs, batch.returns);
      vLoss = step.loss;
      vfMetrics = { "vf/kl": step.kl, "vf/accepted": step.accepted ? 1 : 0, "vf/backtracks": step.backtracks, "vf/improvement": step.lossBefore - step.lossAfter };
    } else vLoss = this.fitValue(obs, ret, this.vfOptimizer, o.vfIters, o.vfBatchSize);
    lin.dispose();
    if (gram) gram.dispose();
    tf.dispose([obs, ret, x, c.pOld, c.adv, c.oneHot, c.oldLogProb]);
    return {
      "losses/policy": -surrNew,
      "losses/value": vLoss,
      "losses/entropy": entropy,
      "losses/approxKl": kl,
      "trpo/accepted": accepted ? 1 : 0,
      "trpo/backtracks": accepted ? k : o.backtrackIters,
      "trpo/improvement": surrNew - surrOld,
      ...vfMetrics,
    };
  }

  /**
   * The value function's trust-region step (see the module comment) on `obs` [B, obsDim] (raw)
   * and targets `ret` [B]. Returns ½ mean (V − R)² before the step (`loss`, as `fitValue`
   * reports it), L_V before and after, the accepted step's KL̄_V and the backtracks taken.
   */
  fitValueTrustRegion(obs: tf.Tensor2D, ret: Float32Array): { loss: number; lossBefore: number; lossAfter: number; kl: number; accepted: boolean; backtracks: number } {
    const o = this.opts;
    profiler.begin("value");
    const B = obs.shape[0];
    const net = this.value.net;
    const vars = net.params;
    const shapes = vars.map((v) => v.shape.slice());
    let mean = 0;
    for (let i = 0; i < B; i++) mean += ret[i];
    mean /= B;
    let s2 = 0;
    for (let i = 0; i < B; i++) s2 += (ret[i] - mean) * (ret[i] - mean);
    // σ_R², floored so a constant target (σ_R = 0) still gives a finite scale
    const var_ = Math.max(s2 / B, 1e-8);
    const x = this.value.obsNorm ? tf.tidy(() => (this.value.obsNorm as RunningMeanStd).apply(obs)) : obs;
    const y = tf.tensor2d(ret, [B, 1]);
    const lin = new MlpLinearisation(net, x);
    const vOld = lin.out;
    // ∇L_V = Jᵀ u with u_i = 2 (V_i − R_i) / (B σ_R²)
    const { g, lossBefore, halfMse } = tidyJs(() => {
      const r = tf.sub(vOld, y);
      const mse = tf.mean(tf.square(r));
      const flat = tf.concat([flatten(lin.vjp(tf.mul(r, 2 / (B * var_)) as tf.Tensor2D)), mse.reshape([1])]).dataSync();
      const n = flat.length - 1;
      return { g: Float64Array.from(flat.subarray(0, n)), lossBefore: flat[n] / var_, halfMse: 0.5 * flat[n] };
    });
    const ones = tf.ones([B, 1]) as tf.Tensor2D;
    const gram = lin.gram(ones);
    ones.dispose();
    const fvp = (v: Float64Array): Float64Array =>
      tidyJs(() => {
        const vt = tf.tensor1d(Float32Array.from(v));
        return Float64Array.from(tf.add(flatten(gram.apply(unflatten(vt, shapes), 2 / (B * var_))), tf.mul(o.vfDamping, vt)).dataSync());
      });
    profiler.begin("cg");
    const ls = trustRegionStep(vars, fvp, g.map((v) => -v), o.vfMaxKl, o, (trial) =>
      tidyJs(() => {
        const v = net.apply(x, { params: unflatten(tf.tensor1d(trial), shapes) });
        return tf.stack([tf.div(tf.mean(tf.square(tf.sub(v, y))), var_), tf.div(tf.mean(tf.square(tf.sub(v, vOld))), var_)]).dataSync();
      }),
      (res) => res[1] <= o.vfMaxKl && res[0] < lossBefore,
    );
    const accepted = ls.accepted !== null;
    const k = ls.backtracks;
    const kl = ls.accepted ? ls.accepted[1] : 0;
    const lossAfter = ls.accepted ? ls.accepted[0] : lossBefore;
    gram.dispose();
    lin.dispose();
    y.dispose();
    if (x !== obs) x.dispose();
    profiler.end("value");
    return { loss: halfMse, lossBefore, lossAfter, kl, accepted, backtracks: accepted ? k : o.backtrackIters };
  }
}
