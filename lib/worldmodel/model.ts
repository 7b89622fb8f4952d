/**
 * GAN world models (notebook 10, "The model and its losses").
 *
 * Generator (the transition model) G(s, a, z), z ~ N(0, I_k):
 *
 *     δ̂ = MLP([φ̄(s), onehot(a), z]),      ŝ' = s ⊕ σ_Δ ⊙ δ̂
 *
 * where φ(s) are the state's input features (CartPole: s; Acrobot: cos/sin of the angles and the
 * velocities), φ̄ = (φ − μ_φ)/σ_φ is φ normalised with statistics of the training states, σ_Δ is
 * the per-entry standard deviation of the training residuals s' ⊖ s (⊖, ⊕: differences and sums
 * with angles wrapped into [−π, π]; ⊕ also applies the environment's velocity clips). The
 * residual is scaled but NOT shifted, so a network whose output is 0 predicts s' = s exactly.
 * The `k` noise inputs let G represent stochastic transitions (k = 0: deterministic).
 *
 * Discriminator D(s, a, s') returns a logit, high for real transitions (`logitsRealIsHigh`):
 *
 *     D = MLP([φ̄(s), onehot(a), (s' ⊖ s)/σ_Δ])
 *
 * (the normalised residual carries the same information as s' given s, on a scale D can use).
 *
 * Losses, with δ = (s' ⊖ s)/σ_Δ the normalised residual target and ℓ(x) = log(1 + eˣ) (softplus),
 * so that BCE-with-logits is ℓ(−x) for label 1 and ℓ(x) for label 0:
 *
 *     L_D   = E[ℓ(−D(s, a, δ))] + E[ℓ(D(s, a, δ̂))]                         (real = 1, generated = 0)
 *     L_G   = E[ℓ(−D(s, a, δ̂))] + λ · E[‖δ̂ − δ‖² / d]                       (non-saturating + λ·MSE)
 *     L_MLE = E[‖δ̂ − δ‖² / d]
 *
 * λ = 10 as in the notes. The maximum-likelihood baseline is the SAME generator trained on L_MLE
 * only: for a Gaussian with fixed variance, −log N(δ; δ̂, σ²I) = ‖δ − δ̂‖²/(2σ²) + const, so
 * maximising likelihood is minimising the MSE. It is evaluated with z = 0 (the mean of z; it has
 * learned to ignore z). The reconstruction term is taken in normalised-residual units, not in raw
 * state units as in the notes: CartPole's raw one-step residuals are ~0.01, so a raw MSE (~1e-4)
 * would leave λ = 10 with almost no weight against the adversarial term.
 *
 * Learning rates default to the notes' 1e-4 (Adam).
 */
import { tf, Rng, ensure, checkNumber, checkPositiveInt, checkSeed, checkKnownKeys, GanrlError } from "../core";
import { Mlp, RunningMeanStd, ParamJson } from "../nn";
import { WorldSpec, applyResidual, worldSpec } from "./spec";
import { TransitionSet, residuals } from "./data";

export type WorldModelKind = "gan" | "mle";

export interface WorldModelOptions {
  /** Environment id (`CartPole-v1` or `Acrobot-v1`). */
  envId: string;
  /** `gan`: adversarial + λ·reconstruction; `mle`: reconstruction only (same architecture). */
  kind: WorldModelKind;
  /** Hidden widths of G. */
  hidden: number[];
  /** k, size of the noise input z ~ N(0, I_k) of G (0: deterministic generator). */
  noiseDim: number;
  /** Hidden widths of D. */
  discHidden: number[];
  /** Spectral normalisation of D's weights. */
  discSpectralNorm: boolean;
  /** λ, weight of the reconstruction loss in L_G. */
  lambda: number;
  /** Adam learning rate of G. */
  lrG: number;
  /** Adam learning rate of D. */
  lrD: number;
  /** Adam β1 of both optimisers. */
  beta1: number;
  /** M, minibatch size (transitions). */
  batchSize: number;
  /** D updates per G update. */
  dSteps: number;
  /** Seed of the weights, minibatches and noise. */
  seed: number;
}

export const WORLD_MODEL_DEFAULTS: Readonly<WorldModelOptions> = Object.freeze({
  envId: "CartPole-v1",
  kind: "gan" as WorldModelKind,
  hidden: [64, 64],
  noiseDim: 4,
  discHidden: [64, 64],
  discSpectralNorm: false,
  lambda: 10,
  lrG: 1e-4,
  lrD: 1e-4,
  beta1: 0.9,
  batchSize: 128,
  dSteps: 1,
  seed: 0,
});

/** BCE with logits, label 1: mean ℓ(−x) = −log σ(x). (lib/imitation's helpers had not landed; this is the minimal form.) */
export function bceLogitsOnes(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar;
}

/** BCE with logits, label 0: mean ℓ(x) = −log(1 − σ(x)). */
export function bceLogitsZeros(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(logits)) as tf.Scalar;
}

/** Training metrics (namespaced; means over the steps since the last report). */
export type WorldMetrics = Record<string, number>;

/** Normalisation statistics fitted on the training set. */
interface Stats {
  featNorm: RunningMeanStd;
  /** σ_Δ, [stateDim]. */
  residualScale: Float64Array;
}

/**
 * A transition model: the generator G, its normalisation statistics and (for `gan`) the
 * discriminator D, with their optimisers. `fit` trains; `predict` steps states.
 */
export class WorldModel {
  readonly opts: Readonly<WorldModelOptions>;
  readonly spec: WorldSpec;
  readonly generator: Mlp;
  /** D (null for `mle`). */
  readonly discriminator: Mlp | null;
  readonly rng: Rng;
  private readonly optG: tf.Optimizer;
  private readonly optD: tf.Optimizer | null;
  private stats: Stats | null = null;
  /** Training tensors: X = [φ̄(s), onehot(a)] [n, F+A], Y = δ [n, D]. */
  private data: { x: tf.Tensor2D; y: tf.Tensor2D; n: number } | null = null;
  /** G updates done. */
  steps = 0;

  constructor(opts: Partial<WorldModelOptions> = {}) {
    checkKnownKeys(opts, Object.keys(WORLD_MODEL_DEFAULTS), "WorldModel");
    const o: WorldModelOptions = { ...WORLD_MODEL_DEFAULTS, ...stripUndefined(opts) };
    ensure(o.kind === "gan" || o.kind === "mle", `WorldModel kind must be 'gan' or 'mle', got ${o.kind}`);
    ensure(Number.isSafeInteger(o.noiseDim) && o.noiseDim >= 0, `WorldModel noiseDim must be an integer >= 0, got ${o.noiseDim}`);
    checkNumber(o.lambda, "WorldModel lambda", 0);
    checkNumber(o.lrG, "WorldModel lrG", 0);
    checkNumber(o.lrD, "WorldModel lrD", 0);
    checkPositiveInt(o.batchSize, "WorldModel batchSize");
    checkPositiveInt(o.dSteps, "WorldModel dSteps");
    checkSeed(o.seed, "WorldModel seed");
    this.opts = Object.freeze({ ...o, hidden: [...o.hidden], discHidden: [...o.discHidden] });
    this.spec = worldSpec(o.envId);
    this.rng = new Rng(o.seed);
    const { featureDim: F, nActions: A, stateDim: D } = this.spec;
    this.generator = new Mlp(
      { inputDim: F + A + o.noiseDim, hidden: o.hidden, outputDim: D, activation: "relu", outputGain: 0.1, name: "G" },
      this.rng.fork(),
    );
    this.discriminator =
      o.kind === "gan"
        ? new Mlp({ inputDim: F + A + D, hidden: o.discHidden, outputDim: 1, activation: "relu", spectralNorm: o.discSpectralNorm, name: "D" }, this.rng.fork())
        : null;
    this.optG = tf.train.adam(o.lrG, o.beta1, 0.999);
    this.optD = o.kind === "gan" ? tf.train.adam(o.lrD, o.beta1, 0.999) : null;
  }

  get kind(): WorldModelKind {
    return this.opts.kind;
  }

  /** σ_Δ (copy), or null before `setData`. */
  get residualScale(): Float64Array | null {
    return this.stats ? this.stats.residualScale.slice() : null;
  }

  /**
   * Sets the training transitions. The first call also fits the normalisation statistics
   * (μ_φ, σ_φ, σ_Δ); later calls (Dyna, growing data) keep them, so G's meaning is stable.
   */
  setData(set: TransitionSet): void {
    ensure(set.n > 0, "WorldModel.setData: the transition set is empty");
    ensure(set.stateDim === this.spec.stateDim, `WorldModel.setData: stateDim ${set.stateDim}, expected ${this.spec.stateDim}`);
    const { featureDim: F, stateDim: D } = this.spec;
    const feats = this.featuresOf(set.states, set.n);
    const res = residuals(this.spec, set);
    if (!this.stats) {
      const featNorm = new RunningMeanStd(F, { clip: 10 });
      featNorm.update(feats, set.n);
      const scale = new Float64Array(D);
      for (let d = 0; d < D; d++) {
        let m = 0, v = 0;
        for (let i = 0; i < set.n; i++) m += res[i * D + d];
        m /= set.n;
        for (let i = 0; i < set.n; i++) v += (res[i * D + d] - m) ** 2;
        // critical: a constant residual entry (σ = 0) would divide by zero; floor it.
        scale[d] = Math.max(Math.sqrt(v / set.n), 1e-6);
      }
      this.stats = { featNorm, residualScale: scale };
    }
    const x = this.inputRows(feats, set.actions, set.n);
    const y = new Float32Array(set.n * D);
    for (let i = 0; i < set.n * D; i++) y[i] = res[i] / this.stats.residualScale[i % D];
    if (this.data) tf.dispose([this.data.x, this.data.y]);
    this.data = { x: tf.tensor2d(x, [set.n, x.length / set.n]), y: tf.tensor2d(y, [set.n, D]), n: set.n };
  }

  /** Number of training transitions set. */
  get dataSize(): number {
    return this.data ? this.data.n : 0;
  }

  /**
   * One training step on a minibatch drawn (with replacement) from the data: `dSteps` D updates
   * then one G update for `gan`; one G update on L_MLE for `mle`. Returns the step's metrics as
   * a tensor [disc/loss, disc/accReal, disc/accGen, gen/advLoss, gen/reconLoss] (the caller
   * downloads in batches; see `fit`).
   */
  trainStep(): tf.Tensor1D {
    const data = this.data;
    if (!data) throw new GanrlError("WorldModel: call setData(transitions) before training");
    const B = this.opts.batchSize;
    const o = this.opts;
    const out = tf.tidy(() => {
      const pick = () => {
        const idx = new Int32Array(B);
        for (let i = 0; i < B; i++) idx[i] = this.rng.int(data.n);
        const it = tf.tensor1d(idx, "int32");
        return { x: tf.gather(data.x, it) as tf.Tensor2D, y: tf.gather(data.y, it) as tf.Tensor2D };
      };
      let dLoss: tf.Scalar = tf.scalar(0), accReal: tf.Scalar = tf.scalar(0), accGen: tf.Scalar = tf.scalar(0);
      const D = this.discriminator;
      if (D && this.optD) {
        for (let k = 0; k < o.dSteps; k++) {
          const mb = pick();
          const fake = this.generate(mb.x, this.noise(B));
          const realIn = tf.concat([mb.x, mb.y], 1) as tf.Tensor2D;
          const fakeIn = tf.concat([mb.x, fake], 1) as tf.Tensor2D;
          let lr: tf.Tensor = tf.scalar(0), lf: tf.Tensor = tf.scalar(0);
          dLoss = this.optD.minimize(() => {
            // critical: `fake` was computed outside this closure, so no gradient reaches G here.
            lr = D.apply(realIn, { training: true });
            lf = D.apply(fakeIn, { training: true });
            // keep the logits for the accuracies (minimize disposes what the closure creates)
            lr = tf.keep(lr);
            lf = tf.keep(lf);
            return tf.add(bceLogitsOnes(lr), bceLogitsZeros(lf)) as tf.Scalar;
          }, true, D.params) as tf.Scalar;
          accReal = tf.mean(tf.cast(tf.greater(lr, 0), "float32")) as tf.Scalar;
          accGen = tf.mean(tf.cast(tf.lessEqual(lf, 0), "float32")) as tf.Scalar;
          tf.dispose([lr, lf]);
        }
      }
      const mb = pick();
      const z = this.noise(B);
      let adv: tf.Tensor = tf.scalar(0), rec: tf.Tensor = tf.scalar(0);
      this.optG.minimize(() => {
        const fake = this.generate(mb.x, z);
        rec = tf.keep(tf.mean(tf.square(tf.sub(fake, mb.y))));
        // critical: minimize disposes the returned cost; return a copy so the kept `rec` survives.
        if (!D) return rec.clone() as tf.Scalar;
        adv = tf.keep(bceLogitsOnes(D.apply(tf.concat([mb.x, fake], 1) as tf.Tensor2D)));
        return tf.add(adv, tf.mul(o.lambda, rec)) as tf.Scalar;
      }, false, this.generator.params);
      const stats = tf.stack([dLoss, accReal, accGen, adv, rec]) as tf.Tensor1D;
      tf.dispose([adv, rec]);
      return stats;
    });
    this.steps++;
    return out;
  }

  /**
   * Trains for `steps` steps. Metrics (means over each reporting window of `logEvery` steps) go
   * to `onLog`; returns the last window's metrics, with `time/tps` (transitions per second:
   * minibatch transitions through G's update per wall-clock second).
   */
  fit(steps: number, opts: { logEvery?: number; onLog?: (m: WorldMetrics, step: number) => void } = {}): WorldMetrics {
    checkPositiveInt(steps, "WorldModel.fit steps");
    const every = opts.logEvery ?? Math.min(steps, 200);
    let window: tf.Tensor1D[] = [];
    let last: WorldMetrics = {};
    let t0 = Date.now();
    for (let i = 0; i < steps; i++) {
      window.push(this.trainStep());
      if (window.length === every || i === steps - 1) {
        const m = tf.tidy(() => tf.mean(tf.stack(window), 0).dataSync());
        const secs = Math.max((Date.now() - t0) / 1000, 1e-9);
        last = {
          "gen/reconLoss": m[4],
          ...(this.discriminator ? { "disc/loss": m[0], "disc/accReal": m[1], "disc/accGen": m[2], "gen/advLoss": m[3] } : {}),
          "time/tps": (window.length * this.opts.batchSize) / secs,
          "time/step": this.steps,
        };
        tf.dispose(window);
        window = [];
        opts.onLog?.(last, this.steps);
        t0 = Date.now();
      }
    }
    return last;
  }

  /** δ̂ = G([x, z]) for x = [φ̄(s), onehot(a)] [B, F+A] and z [B, k] (call inside a tidy). */
  generate(x: tf.Tensor2D, z: tf.Tensor2D | null): tf.Tensor2D {
    const inp = z && this.opts.noiseDim > 0 ? (tf.concat([x, z], 1) as tf.Tensor2D) : x;
    return this.generator.apply(inp);
  }

  /** z ~ N(0, I_k) drawn from `rng` (default the model's own), [B, k]; null when k = 0. */
  noise(B: number, rng: Rng = this.rng): tf.Tensor2D | null {
    const k = this.opts.noiseDim;
    if (k === 0) return null;
    const z = new Float32Array(B * k);
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    return tf.tensor2d(z, [B, k]);
  }

  /** D's logits for transitions (states, actions, next states), [n]. */
  discriminate(states: Float64Array, actions: ArrayLike<number>, next: Float64Array): Float32Array {
    const D = this.discriminator;
    if (!D) throw new GanrlError("WorldModel.discriminate: an 'mle' model has no discriminator");
    const n = actions.length;
    const x = this.inputRows(this.featuresOf(states, n), actions, n);
    const y = this.normalisedResiduals(states, next, n);
    return tf.tidy(() => D.apply(tf.concat([tf.tensor2d(x, [n, x.length / n]), tf.tensor2d(y, [n, this.spec.stateDim])], 1) as tf.Tensor2D).dataSync() as Float32Array);
  }

  /**
   * One model step for a batch: states [n·stateDim] (float64) and actions [n] → next states
   * [n·stateDim]. `rng` draws z for `gan` (default the model's stream); `mle` uses z = 0.
   * One network call and one download.
   */
  predict(states: Float64Array, actions: ArrayLike<number>, rng?: Rng): Float64Array {
    const stats = this.requireStats();
    const n = actions.length;
    const D = this.spec.stateDim;
    ensure(states.length === n * D, () => `WorldModel.predict: ${states.length} state numbers for ${n} actions (stateDim ${D})`);
    const x = this.inputRows(this.featuresOf(states, n), actions, n);
    const delta = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, x.length / n]);
      const z = this.kind === "mle" ? (this.opts.noiseDim > 0 ? tf.zeros([n, this.opts.noiseDim]) as tf.Tensor2D : null) : this.noise(n, rng ?? this.rng);
      return this.generate(xt, z).dataSync();
    });
    const next = Float64Array.from(states);
    for (let i = 0; i < n; i++) applyResidual(this.spec, next, i * D, delta, i * D, stats.residualScale);
    return next;
  }

  /** φ̄(s) rows, [n·F]. */
  private featuresOf(states: ArrayLike<number>, n: number): Float32Array {
    const { featureDim: F, stateDim: D } = this.spec;
    const f = new Float32Array(n * F);
    for (let i = 0; i < n; i++) this.spec.features(states, i * D, f, i * F);
    return f;
  }

  /** [φ̄(s), onehot(a)] rows, [n·(F+A)], from raw features (normalised here). */
  private inputRows(feats: Float32Array, actions: ArrayLike<number>, n: number): Float32Array {
    const stats = this.requireStats();
    const { featureDim: F, nActions: A } = this.spec;
    const norm = stats.featNorm.applyArray(feats);
    const W = F + A;
    const x = new Float32Array(n * W);
    for (let i = 0; i < n; i++) {
      x.set(norm.subarray(i * F, (i + 1) * F), i * W);
      const a = actions[i];
      ensure(Number.isInteger(a) && a >= 0 && a < A, () => `WorldModel: invalid action ${a} (actions are 0..${A - 1})`);
      x[i * W + F + a] = 1;
    }
    return x;
  }

  /** (s' ⊖ s)/σ_Δ rows, [n·D]. */
  private normalisedResiduals(states: Float64Array, next: Float64Array, n: number): Float32Array {
    const stats = this.requireStats();
    const D = this.spec.stateDim;
    const res = residuals(this.spec, { n, stateDim: D, states, next, actions: new Int32Array(n), terminated: new Uint8Array(n) });
    const y = new Float32Array(n * D);
    for (let i = 0; i < n * D; i++) y[i] = res[i] / stats.residualScale[i % D];
    return y;
  }

  private requireStats(): Stats {
    if (!this.stats) throw new GanrlError("WorldModel: no normalisation statistics yet; call setData(transitions) first");
    return this.stats;
  }

  /** Parameters and statistics as JSON. */
  toJSON(): { options: WorldModelOptions; generator: ParamJson[]; discriminator: ParamJson[] | null; featNorm: unknown; residualScale: number[] | null } {
    return {
      options: { ...this.opts },
      generator: this.generator.toJSON(),
      discriminator: this.discriminator ? this.discriminator.toJSON() : null,
      featNorm: this.stats ? this.stats.featNorm.toJSON() : null,
      residualScale: this.stats ? Array.from(this.stats.residualScale) : null,
    };
  }

  /** Frees every tensor (networks, optimisers, data). */
  dispose(): void {
    this.generator.dispose();
    this.discriminator?.dispose();
    this.optG.dispose();
    this.optD?.dispose();
    if (this.data) tf.dispose([this.data.x, this.data.y]);
    this.data = null;
    this.stats?.featNorm.dispose();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
