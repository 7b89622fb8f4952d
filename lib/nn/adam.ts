/**
 * Adam over one flat vector of all the variables' gradients: the same update as TF.js's
 * `tf.train.adam` (Kingma & Ba 2015, TF.js's formula and order of operations, so the same
 * gradients give bit-identical weights), in about 30 TF.js calls a step instead of about 20 per
 * variable. On the small networks here TF.js's cost per call dominates the arithmetic, so this is
 * several times faster (see "Speed model" in ARCHITECTURE.md).
 *
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − α (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * `applyGradients(grads, maxNorm)` optionally scales g first so that its global L2 norm is at most
 * `maxNorm` (what `clipByGlobalNorm` does per variable) and returns that norm.
 *
 * Checkpoints: `getWeights`/`setWeights` use TF.js Adam's layout (the iteration count, then one
 * `<variable>/m` per variable, then one `<variable>/v`), so states saved by either optimiser load
 * into the other. `getWeights` returns fresh tensors (slices); the caller disposes them.
 */
import { tf, ensure } from "../core";

/** A named tensor, as optimisers save them (TF.js does not export the type from its main entry). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export class FlatAdam extends tf.Optimizer {
  static get className(): string {
    return "FlatAdam";
  }

  /** α (TF.js reads `learningRate`; `setLearningRate` sets it). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** The variables in update order (fixed by the first `applyGradients`). */
  private vars: tf.Variable[] | null = null;
  private names: string[] = [];
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  /** Moments restored by `setWeights` before the variables are known. */
  private pending: { m: tf.Tensor; v: tf.Tensor; names: string[] } | null = null;
  private pendingShapes: number[][] | null = null;
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  private readonly consts: { beta1: tf.Scalar; beta2: tf.Scalar; oneMinusBeta1: tf.Scalar; oneMinusBeta2: tf.Scalar; eps: tf.Scalar; one: tf.Scalar };
  private negLrCache: { lr: number; t: tf.Scalar } | null = null;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    super();
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
    this.consts = tf.tidy(() => ({
      beta1: tf.keep(tf.scalar(beta1)),
      beta2: tf.keep(tf.scalar(beta2)),
      oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)),
      oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)),
      eps: tf.keep(tf.scalar(this.epsilon)),
      one: tf.keep(tf.scalar(1)),
    }));
    // made here, not on the first step, so that the optimiser's tensor count is fixed from the start
    this.negLrCache = { lr: learningRate, t: tf.tidy(() => tf.keep(tf.scalar(-learningRate))) };
  }

  /** One step on `grads` (a name → gradient map, as `tf.variableGrads` returns). */
  override applyGradients(grads: tf.NamedTensorMap | NamedTensor[]): void {
    this.update(grads, null, false);
  }

  /**
   * One step; with `maxNorm` (finite) the gradient is first scaled by min(1, maxNorm / ‖g‖).
   * Returns ‖g‖ before clipping (a scalar tensor the caller owns).
   */
  step(grads: tf.NamedTensorMap | NamedTensor[], maxNorm: number | null): tf.Scalar {
    return this.update(grads, maxNorm, true) as tf.Scalar;
  }

  /** The step; ‖g‖ is computed only when clipping or asked for (three kernel calls fewer otherwise). */
  private update(grads: tf.NamedTensorMap | NamedTensor[], maxNorm: number | null, wantNorm: boolean): tf.Scalar | null {
    const map: tf.NamedTensorMap = Array.isArray(grads) ? Object.fromEntries(grads.map((g) => [g.name, g.tensor])) : grads;
    if (!this.vars) this.bind(Object.keys(map));
    const vars = this.vars as tf.Variable[];
    const norm = tf.tidy(() => {
      let g = tf.concat(this.names.map((n) => {
        const t = map[n];
        ensure(t !== undefined, () => `FlatAdam: no gradient for variable '${n}' (it updates the same variables every step)`);
        return t.reshape([-1]);
      }));
      const clip = maxNorm !== null && Number.isFinite(maxNorm);
      const nrm = clip || wantNorm ? (tf.sqrt(tf.sum(tf.square(g))) as tf.Scalar) : null;
      if (clip) g = tf.mul(g, tf.div(maxNorm as number, tf.maximum(nrm as tf.Scalar, maxNorm as number)));
      const c = this.consts;
      const m = this.m as tf.Variable, v = this.v as tf.Variable;
      // the formula and order of tf.train.adam
      const newM = tf.add(tf.mul(m, c.beta1), tf.mul(g, c.oneMinusBeta1));
      const newV = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), c.oneMinusBeta2));
      const mHat = tf.div(newM, tf.sub(c.one, this.accBeta1));
      const vHat = tf.div(newV, tf.sub(c.one, this.accBeta2));
      m.assign(newM);
      v.assign(newV);
      const upd = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.eps)), this.negLr());
      const parts = tf.split(upd, vars.map((x) => x.size));
      vars.forEach((x, i) => x.assign(tf.add(parts[i].reshape(x.shape), x)));
      this.accBeta1.assign(tf.mul(this.accBeta1, c.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, c.beta2));
      return nrm ?? undefined;
    }) as tf.Scalar | undefined;
    this.incrementIterations();
    return norm ?? null;
  }

  /** −α as a scalar tensor, made again only when `learningRate` changes (a number literal would be uploaded every step). */
  private negLr(): tf.Scalar {
    if (this.negLrCache === null || this.negLrCache.lr !== this.learningRate) {
      this.negLrCache?.t.dispose();
      this.negLrCache = { lr: this.learningRate, t: tf.keep(tf.scalar(-this.learningRate)) };
    }
    return this.negLrCache.t;
  }

  private bind(names: string[]): void {
    const registry = tf.engine().registeredVariables;
    this.names = names;
    this.vars = names.map((n) => {
      const x = registry[n];
      ensure(x !== undefined, () => `FlatAdam: '${n}' is not a variable`);
      return x;
    });
    const size = this.vars.reduce((s, x) => s + x.size, 0);
    if (this.pending) {
      const p = this.pending;
      ensure(p.m.size === size, () => `FlatAdam: restored moments have ${p.m.size} entries, the variables ${size}`);
      this.m = p.m.variable(false);
      this.v = p.v.variable(false);
      tf.dispose([p.m, p.v]);
      this.pending = null;
    } else {
      this.m = tf.tidy(() => tf.zeros([size]).variable(false));
      this.v = tf.tidy(() => tf.zeros([size]).variable(false));
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const iter = await this.saveIterations();
    if (!this.vars) {
      if (!this.pending) return [iter];
      return [iter, ...this.sliceMoments(this.pending.m, this.pending.v, this.pending.names, null)];
    }
    return [iter, ...this.sliceMoments(this.m as tf.Tensor, this.v as tf.Tensor, this.names, this.vars)];
  }

  private sliceMoments(m: tf.Tensor, v: tf.Tensor, names: string[], vars: tf.Variable[] | null): NamedTensor[] {
    const shapes = vars ? vars.map((x) => x.shape) : (this.pendingShapes ?? []);
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    return tf.tidy(() => {
      const ms = tf.split(m, sizes).map((t, i) => tf.keep(t.reshape(shapes[i])));
      const vs = tf.split(v, sizes).map((t, i) => tf.keep(t.reshape(shapes[i])));
      return [...ms.map((t, i) => ({ name: `${names[i]}/m`, tensor: t })), ...vs.map((t, i) => ({ name: `${names[i]}/v`, tensor: t }))];
    });
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    ensure(this.vars === null && this.pending === null, "FlatAdam.setWeights: restore into a fresh optimiser (never stepped)");
    const t = this.iterations;
    tf.tidy(() => {
      this.accBeta1.assign(tf.pow(this.beta1, t + 1));
      this.accBeta2.assign(tf.pow(this.beta2, t + 1));
    });
    if (rest.length === 0) return;
    ensure(rest.length % 2 === 0, "FlatAdam.setWeights: expected one first and one second moment per variable");
    const k = rest.length / 2;
    this.pendingShapes = rest.slice(0, k).map((w) => w.tensor.shape.slice());
    this.pending = tf.tidy(() => ({
      m: tf.keep(tf.concat(rest.slice(0, k).map((w) => w.tensor.reshape([-1])))),
      v: tf.keep(tf.concat(rest.slice(k).map((w) => w.tensor.reshape([-1])))),
      names: rest.slice(0, k).map((w) => w.name.replace(/\/m$/, "")),
    }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    tf.dispose([this.accBeta1, this.accBeta2, ...Object.values(this.consts)]);
    this.negLrCache?.t.dispose();
    this.negLrCache = null;
    if (this.m) this.m.dispose();
    if (this.v) this.v.dispose();
    if (this.pending) tf.dispose([this.pending.m, this.pending.v]);
  }
}
