/**
 * An `Mlp` linearised at a fixed batch and fixed parameters θ: the forward activations are
 * computed once, and then
 *
 *   jvp(t) = J t       (forward mode: dh_{l+1} = act'(z) ⊙ (dh_l W + h_l dW + db)),
 *   vjp(u) = Jᵀ u      (reverse mode: dW_l = h_lᵀ δ_{l+1}, db_l = 1ᵀ δ_{l+1}, δ_l = (δ_{l+1} Wᵀ) ⊙ act'),
 *
 * with J = ∂ out / ∂θ over the whole batch, each one pass over the layers with no forward
 * recomputation and no autodiff tape. TRPO's conjugate gradient calls F v = Jᵀ M J v + β v about
 * ten times per update on the same batch and θ, which is what this is for. The transposes hᵀ and
 * Wᵀ are formed once (multiplying with transpose flags is ~10× slower on the wasm backend).
 *
 * Holds tensors: `dispose()` it (it is not tied to a tidy scope).
 */
import { tf, ensure } from "../core";
import { Mlp } from "./mlp";
import { dense } from "./dense";

export class MlpLinearisation {
  /** The network's output at θ, [batch, outputDim]. */
  readonly out: tf.Tensor2D;
  readonly batch: number;
  private readonly net: Mlp;
  /** h_0 = x, h_1, … (inputs of each layer). */
  private readonly h: tf.Tensor2D[];
  /** hᵀ of each layer's input. */
  private readonly hT: tf.Tensor2D[];
  /** act'(z) at each hidden layer's output: dAct[l − 1] belongs to the input h_l of layer l ≥ 1. */
  private readonly dAct: tf.Tensor2D[];
  private readonly w: tf.Tensor2D[];
  /** wT[l − 1] = W_lᵀ for layers l ≥ 1. */
  private readonly wT: tf.Tensor2D[];
  private readonly ones: tf.Tensor2D;

  constructor(net: Mlp, x: tf.Tensor2D) {
    ensure(!net.arch.spectralNorm, "MlpLinearisation does not support spectral normalisation");
    this.net = net;
    this.batch = x.shape[0];
    const L = net.numLayers;
    const relu = net.arch.activation === "relu";
    const kept = tf.tidy(() => {
      const h: tf.Tensor2D[] = [x.clone()];
      const dAct: tf.Tensor2D[] = [];
      let cur = x;
      for (let l = 0; l < L; l++) {
        const w = net.params[2 * l] as tf.Tensor2D, b = net.params[2 * l + 1] as tf.Tensor1D;
        cur = dense(cur, w, b, l === L - 1 ? "linear" : net.arch.activation);
        if (l < L - 1) {
          h.push(cur);
          dAct.push(relu ? (tf.step(cur) as tf.Tensor2D) : (tf.sub(1, tf.square(cur)) as tf.Tensor2D));
        }
      }
      return {
        out: cur,
        h,
        hT: h.map((t) => tf.transpose(t) as tf.Tensor2D),
        dAct,
        w: net.params.filter((_, i) => i % 2 === 0).map((v) => v.clone() as tf.Tensor2D),
        wT: net.params.filter((_, i) => i % 2 === 0 && i > 0).map((v) => tf.transpose(v) as tf.Tensor2D),
        ones: tf.ones([1, this.batch]) as tf.Tensor2D,
      };
    });
    this.out = kept.out;
    this.h = kept.h;
    this.hT = kept.hT;
    this.dAct = kept.dAct;
    this.w = kept.w;
    this.wT = kept.wT;
    this.ones = kept.ones;
  }

  /** J t for parameter tangents `t` (shapes of `net.params`): d out, [batch, outputDim]. Call in a tidy. */
  jvp(t: readonly tf.Tensor[]): tf.Tensor2D {
    const L = this.net.numLayers;
    ensure(t.length === 2 * L, "MlpLinearisation.jvp: one tangent per parameter");
    let dz = tf.fused.matMul({ a: this.h[0], b: t[0] as tf.Tensor2D, bias: t[1] }) as tf.Tensor2D;
    for (let l = 1; l < L; l++) {
      const dh = tf.mul(dz, this.dAct[l - 1]) as tf.Tensor2D;
      dz = tf.add(tf.matMul(this.h[l], t[2 * l] as tf.Tensor2D), tf.fused.matMul({ a: dh, b: this.w[l], bias: t[2 * l + 1] })) as tf.Tensor2D;
    }
    return dz;
  }

  /** Jᵀ u for output cotangents `u` [batch, outputDim]: one gradient per parameter. Call in a tidy. */
  vjp(u: tf.Tensor2D): tf.Tensor[] {
    const L = this.net.numLayers;
    const g: tf.Tensor[] = new Array(2 * L);
    let delta = u;
    for (let l = L - 1; l >= 0; l--) {
      g[2 * l] = tf.matMul(this.hT[l], delta);
      g[2 * l + 1] = tf.matMul(this.ones, delta).reshape([-1]);
      if (l > 0) delta = tf.mul(tf.matMul(delta, this.wT[l - 1]), this.dAct[l - 1]) as tf.Tensor2D;
    }
    return g;
  }

  /**
   * The Gram operator of per-sample gradients for output cotangents `q` [batch, outputDim]:
   * t ↦ Σ_i g_i (g_i · t) with g_i = J_iᵀ q_i. For a softmax over two classes the Fisher matrix
   * is (1/B) Σ_i J_iᵀ (diag(p_i) − p_i p_iᵀ) J_i with diag(p) − p pᵀ = q qᵀ, q = √(p₀p₁)·(1, −1),
   * so F = (1/B)·Gram(q): two large matrix products per F t instead of four. `dispose()` it.
   */
  gram(q: tf.Tensor2D): MlpGram {
    const L = this.net.numLayers;
    const deltas = tf.tidy(() => {
      const d: tf.Tensor2D[] = new Array(L);
      d[L - 1] = q.clone();
      for (let l = L - 1; l > 0; l--) d[l - 1] = tf.mul(tf.matMul(d[l], this.wT[l - 1]), this.dAct[l - 1]) as tf.Tensor2D;
      return d;
    });
    return new MlpGram(this.h, this.hT, this.ones, deltas);
  }

  dispose(): void {
    tf.dispose([this.out, this.ones, ...this.h, ...this.hT, ...this.w, ...this.dAct, ...this.wT]);
  }
}

/** See `MlpLinearisation.gram`. */
export class MlpGram {
  /** δ_l = ∂(q_i · out_i)/∂z_{l+1} per sample: the cotangent of layer l's output, [batch, width]. */
  private readonly deltas: tf.Tensor2D[];
  private readonly h: tf.Tensor2D[];
  private readonly hT: tf.Tensor2D[];
  private readonly ones: tf.Tensor2D;

  constructor(h: tf.Tensor2D[], hT: tf.Tensor2D[], ones: tf.Tensor2D, deltas: tf.Tensor2D[]) {
    this.h = h;
    this.hT = hT;
    this.ones = ones;
    this.deltas = deltas;
  }

  /** scale · Σ_i g_i (g_i · t) for parameter tangents `t`: one tensor per parameter. Call in a tidy. */
  apply(t: readonly tf.Tensor[], scale = 1): tf.Tensor[] {
    const L = this.deltas.length;
    ensure(t.length === 2 * L, "MlpGram.apply: one tangent per parameter");
    // g_i · t = Σ_l ⟨h_l,i dW_l + db_l, δ_l,i⟩
    let s: tf.Tensor = tf.sum(tf.mul(tf.fused.matMul({ a: this.h[0], b: t[0] as tf.Tensor2D, bias: t[1] }), this.deltas[0]), 1);
    for (let l = 1; l < L; l++) s = tf.add(s, tf.sum(tf.mul(tf.fused.matMul({ a: this.h[l], b: t[2 * l] as tf.Tensor2D, bias: t[2 * l + 1] }), this.deltas[l]), 1));
    const w = tf.mul(s, scale).reshape([-1, 1]);
    const g: tf.Tensor[] = new Array(2 * L);
    for (let l = 0; l < L; l++) {
      const wd = tf.mul(this.deltas[l], w) as tf.Tensor2D;
      g[2 * l] = tf.matMul(this.hT[l], wd);
      g[2 * l + 1] = tf.matMul(this.ones, wd).reshape([-1]);
    }
    return g;
  }

  dispose(): void {
    tf.dispose(this.deltas);
  }
}
