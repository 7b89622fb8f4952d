/**
 * Multi-layer perceptrons held as TF.js variables, with weights initialised from our `Rng`.
 *
 * `apply(x, params?)` is functional: it runs on the MLP's own variables by default, or on any
 * list of tensors of the same shapes (TRPO evaluates trial parameters θ + αs this way without
 * assigning them, and computes Fisher-vector products by differentiating twice).
 *
 * Optional spectral normalisation (Miyato et al. 2018) divides each weight matrix by an estimate
 * of its largest singular value σ(W), found by one power-iteration step per training call from a
 * persistent vector u (kept in a non-trainable variable, saved with the parameters).
 */
import { tf, Rng, ensure, checkPositiveInt, checkKnownKeys, GanrlError, checkFloat32Array } from "../core";
import { orthogonal, glorotUniform } from "./init";
import { dense, denseReference } from "./dense";

export type Activation = "tanh" | "relu";
export type InitName = "orthogonal" | "glorot";

export interface MlpOptions {
  /** Input width (observation dimension, or obs+action for a discriminator). */
  inputDim: number;
  /** Widths of the hidden layers, e.g. [64, 64]. */
  hidden: readonly number[];
  /** Output width (number of actions for logits, 1 for a value). */
  outputDim: number;
  /** Hidden nonlinearity (default tanh, as in PPO/TRPO; relu for DQN and discriminators). */
  activation?: Activation;
  /** Weight initialiser (default orthogonal). Biases start at 0. */
  init?: InitName;
  /** Gain of the hidden layers' initialiser (default √2, CleanRL's `layer_init`). */
  hiddenGain?: number;
  /** Gain of the output layer (default 1; 0.01 for policy logits so the first policy is near uniform). */
  outputGain?: number;
  /** Divide each weight matrix by its spectral norm σ(W) (power iteration, persistent u). */
  spectralNorm?: boolean;
  /** Prefix of the parameter names (default "mlp"). */
  name?: string;
}

const MLP_KEYS = ["inputDim", "hidden", "outputDim", "activation", "init", "hiddenGain", "outputGain", "spectralNorm", "name"];

/** The JSON-able architecture (what `arch` holds in saved files). */
export interface MlpArch {
  inputDim: number;
  hidden: number[];
  outputDim: number;
  activation: Activation;
  init: InitName;
  hiddenGain: number;
  outputGain: number;
  spectralNorm: boolean;
  name: string;
}

/** One saved parameter. */
export interface ParamJson {
  name: string;
  shape: number[];
  values: number[];
}

export interface ApplyOptions {
  /** Tensors to use instead of the variables (same order and shapes as `params`). */
  params?: readonly tf.Tensor[];
  /** Spectral norm only: advance the power iteration (update u). Use in training steps. */
  training?: boolean;
  /**
   * The output will be differentiated twice (a gradient penalty's ∇ₓ inside a loss): build the
   * layers from TF.js's own ops (`denseReference`) instead of the faster first-order `dense`.
   */
  secondOrder?: boolean;
}

export class Mlp {
  readonly arch: MlpArch;
  /** Trainable variables, in order [W0, b0, W1, b1, ...]; W_i has shape [in, out]. */
  readonly params: tf.Variable[];
  /** Spectral norm power-iteration vectors u_i (shape [out_i]), non-trainable; empty otherwise. */
  readonly spectralU: tf.Variable[];

  constructor(opts: MlpOptions, rng: Rng) {
    checkKnownKeys(opts, MLP_KEYS, "Mlp");
    checkPositiveInt(opts.inputDim, "Mlp inputDim");
    checkPositiveInt(opts.outputDim, "Mlp outputDim");
    ensure(Array.isArray(opts.hidden), "Mlp hidden must be an array of layer widths, e.g. [64, 64]");
    opts.hidden.forEach((h, i) => checkPositiveInt(h, `Mlp hidden[${i}]`));
    const activation = opts.activation ?? "tanh";
    ensure(activation === "tanh" || activation === "relu", `Mlp activation must be 'tanh' or 'relu', got ${activation}`);
    const init = opts.init ?? "orthogonal";
    ensure(init === "orthogonal" || init === "glorot", `Mlp init must be 'orthogonal' or 'glorot', got ${init}`);
    this.arch = {
      inputDim: opts.inputDim,
      hidden: [...opts.hidden],
      outputDim: opts.outputDim,
      activation,
      init,
      hiddenGain: opts.hiddenGain ?? Math.SQRT2,
      outputGain: opts.outputGain ?? 1,
      spectralNorm: opts.spectralNorm ?? false,
      name: opts.name ?? "mlp",
    };
    const sizes = [this.arch.inputDim, ...this.arch.hidden, this.arch.outputDim];
    this.params = [];
    this.spectralU = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
      const gain = i + 2 === sizes.length ? this.arch.outputGain : this.arch.hiddenGain;
      const w = init === "orthogonal" ? orthogonal(rng, fanIn, fanOut, gain) : glorotUniform(rng, fanIn, fanOut, gain);
      // critical: tf.variable copies its initial value; dispose the temporaries or every Mlp leaks them.
      this.params.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, `${this.arch.name}/l${i}/W_${uid()}`)));
      this.params.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]), true, `${this.arch.name}/l${i}/b_${uid()}`)));
      if (this.arch.spectralNorm) {
        const u = new Float32Array(fanOut);
        let n = 0;
        for (let j = 0; j < fanOut; j++) { u[j] = rng.normal(); n += u[j] * u[j]; }
        for (let j = 0; j < fanOut; j++) u[j] /= Math.sqrt(n);
        this.spectralU.push(tf.tidy(() => tf.variable(tf.tensor1d(u), false, `${this.arch.name}/l${i}/u_${uid()}`)));
      }
    }
  }

  /** Number of layers (weight matrices). */
  get numLayers(): number {
    return this.params.length / 2;
  }

  /** Stable names of the parameters (`name/l0/W`, `name/l0/b`, ...), as saved. */
  paramNames(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.numLayers; i++) names.push(`${this.arch.name}/l${i}/W`, `${this.arch.name}/l${i}/b`);
    return names;
  }

  /** Total number of scalars in the trainable parameters. */
  get size(): number {
    return this.params.reduce((s, p) => s + p.size, 0);
  }

  /**
   * Forward pass: `x` of shape [batch, inputDim] → [batch, outputDim] (output layer linear).
   * Call inside `tf.tidy` (or a gradient function).
   */
  apply(x: tf.Tensor2D, opts: ApplyOptions = {}): tf.Tensor2D {
    const p = opts.params ?? this.params;
    ensure(p.length === this.params.length, `Mlp.apply: expected ${this.params.length} parameter tensors, got ${p.length}`);
    const layer = opts.secondOrder ? denseReference : dense;
    let h = x;
    const last = this.numLayers - 1;
    for (let i = 0; i <= last; i++) {
      let w = p[2 * i] as tf.Tensor2D;
      if (this.arch.spectralNorm) w = this.spectralNormalise(i, w, opts.training === true);
      h = layer(h, w, p[2 * i + 1] as tf.Tensor1D, i === last ? "linear" : this.arch.activation);
    }
    return h;
  }

  /**
   * Forward-mode derivative (Jacobian-vector product) of the output with respect to the
   * parameters: returns f(x) and J·t for parameter tangents `t` (same shapes as `params`),
   * propagating dh_{l+1} = act'(z) ⊙ (dh_l W + h_l dW + db). Exact; used for TRPO's analytic
   * Fisher-vector products. Not available with spectral normalisation. Call inside a tidy.
   */
  jvp(x: tf.Tensor2D, tangents: readonly tf.Tensor[]): { out: tf.Tensor2D; dOut: tf.Tensor2D } {
    ensure(!this.arch.spectralNorm, "Mlp.jvp does not support spectral normalisation");
    ensure(tangents.length === this.params.length, "Mlp.jvp: one tangent per parameter");
    let h: tf.Tensor2D = x;
    let dh: tf.Tensor2D | null = null; // the input does not depend on θ
    const last = this.numLayers - 1;
    for (let i = 0; i <= last; i++) {
      const w = this.params[2 * i] as tf.Tensor2D, b = this.params[2 * i + 1];
      const dw = tangents[2 * i] as tf.Tensor2D, db = tangents[2 * i + 1];
      const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
      let dz = tf.add(tf.matMul(h, dw), db) as tf.Tensor2D;
      if (dh) dz = tf.add(dz, tf.matMul(dh, w)) as tf.Tensor2D;
      if (i === last) {
        h = z;
        dh = dz;
      } else if (this.arch.activation === "relu") {
        h = tf.relu(z);
        dh = tf.mul(dz, tf.step(z)) as tf.Tensor2D;
      } else {
        h = tf.tanh(z);
        dh = tf.mul(dz, tf.sub(1, tf.square(h))) as tf.Tensor2D;
      }
    }
    return { out: h, dOut: dh as tf.Tensor2D };
  }

  /** W / σ(W), σ estimated with one power-iteration step from u_i (updated when training). */
  private spectralNormalise(i: number, w: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const u = this.spectralU[i];
    // W is [in, out]; u ∈ R^out, v ∈ R^in. v = Wu/|Wu|, u' = Wᵀv/|Wᵀv|, σ = vᵀ W u'.
    const wc = stopGradient(w) as tf.Tensor2D;
    const v = l2normalise(tf.matMul(wc, u.reshape([-1, 1])));
    const u2 = l2normalise(tf.matMul(wc, v, true, false));
    // critical: u and v are constants; the gradient flows through σ = vᵀ W u only via W.
    const sigma = tf.matMul(tf.matMul(v, w, true, false), u2).reshape([]);
    if (training) u.assign(u2.reshape([-1]) as tf.Tensor1D);
    return tf.div(w, sigma);
  }

  /** Current σ(W_i) estimates (for diagnostics), one per layer. */
  spectralNorms(): number[] {
    if (!this.arch.spectralNorm) return [];
    return tf.tidy(() => {
      const out: number[] = [];
      for (let i = 0; i < this.numLayers; i++) {
        const w = this.params[2 * i];
        const v = l2normalise(tf.matMul(w, this.spectralU[i].reshape([-1, 1])));
        const u2 = l2normalise(tf.matMul(w, v, true, false));
        out.push(tf.matMul(tf.matMul(v, w, true, false), u2).dataSync()[0]);
      }
      return out;
    });
  }

  /** Copies another MLP's parameters (same architecture) into this one (e.g. a DQN target network). */
  copyFrom(other: Mlp): void {
    ensure(other.params.length === this.params.length, "Mlp.copyFrom: architectures differ");
    tf.tidy(() => {
      this.params.forEach((p, i) => p.assign(other.params[i]));
      this.spectralU.forEach((u, i) => u.assign(other.spectralU[i]));
    });
  }

  /** Parameters (and spectral-norm u vectors, named `.../u`) as JSON. */
  toJSON(): ParamJson[] {
    const names = this.paramNames();
    const out: ParamJson[] = this.params.map((p, i) => ({ name: names[i], shape: p.shape.slice(), values: Array.from(p.dataSync()) }));
    this.spectralU.forEach((u, i) => out.push({ name: `${this.arch.name}/l${i}/u`, shape: u.shape.slice(), values: Array.from(u.dataSync()) }));
    return out;
  }

  /** Loads parameters saved by `toJSON` (names and shapes must match). */
  load(params: readonly ParamJson[]): void {
    ensure(Array.isArray(params), "Mlp.load: params must be an array of { name, shape, values }");
    const byName = new Map(params.map((p) => [p.name, p]));
    const targets: [string, tf.Variable][] = this.paramNames().map((n, i) => [n, this.params[i]]);
    this.spectralU.forEach((u, i) => targets.push([`${this.arch.name}/l${i}/u`, u]));
    for (const [name, v] of targets) {
      const p = byName.get(name);
      if (!p) throw new GanrlError(`Mlp.load: parameter '${name}' missing (have: ${[...byName.keys()].join(", ")})`);
      const shape = v.shape;
      ensure(
        Array.isArray(p.shape) && p.shape.length === shape.length && p.shape.every((s: number, k: number) => s === shape[k]),
        () => `Mlp.load: '${name}' has shape [${p.shape}], expected [${shape}]`,
      );
      ensure(Array.isArray(p.values) && p.values.length === v.size, () => `Mlp.load: '${name}' needs ${v.size} values, got ${p.values?.length}`);
      checkFloat32Array(p.values, `Mlp.load: '${name}' values`, "the network file is damaged or was written by a diverged training run: re-train or restore it");
      tf.tidy(() => v.assign(tf.tensor(Float32Array.from(p.values), shape)));
    }
  }

  /** Frees the variables. */
  dispose(): void {
    for (const p of this.params) p.dispose();
    for (const u of this.spectralU) u.dispose();
  }
}

/** Identity whose gradient is zero (TF.js has no tf.stopGradient). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as any) as unknown as (x: tf.Tensor) => tf.Tensor; // eslint-disable-line @typescript-eslint/no-explicit-any

function l2normalise(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

let uidCounter = 0;
/** TF.js variable names must be unique per process; the saved names drop this suffix. */
function uid(): number {
  return uidCounter++;
}
