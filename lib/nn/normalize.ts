/**
 * Running observation normalisation (SB3's `RunningMeanStd`, CleanRL's `NormalizeObservation`):
 * per-feature mean and variance merged batch by batch with Chan et al.'s parallel form of
 * Welford's algorithm, then `clip((x − μ) / √(σ² + ε), −c, c)`.
 *
 * Trainers update the statistics between iterations only (never while a batch is being
 * collected and updated on), so that the log-probabilities stored at collection time are
 * recomputed on exactly the same inputs. At evaluation the statistics are frozen. They are
 * saved with the policy (`PolicyJson.obsNorm`).
 */
import { tf, ensure, GanrlError, describe, checkFloat32Array, isFiniteFloat32 } from "../core";

/** JSON form of the statistics. */
export interface ObsNormJson {
  mean: number[];
  var: number[];
  count: number;
  clip: number;
  eps: number;
}

export class RunningMeanStd {
  readonly dim: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Number of samples seen (starts at ε-like 1e-4 as in SB3, so the first batch dominates). */
  count = 1e-4;
  /** When true, `update` is a no-op (evaluation). */
  frozen = false;
  /** c in clip((x − μ)/σ, −c, c). */
  readonly clip: number;
  /** ε in √(σ² + ε). */
  readonly eps: number;
  private cache: { mean: tf.Tensor1D; invStd: tf.Tensor1D } | null = null;

  constructor(dim: number, opts: { clip?: number; eps?: number } = {}) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.clip = opts.clip ?? 10;
    this.eps = opts.eps ?? 1e-8;
  }

  /** Merges a batch `x` of shape `[n, dim]` (flattened) into the statistics. */
  update(x: ArrayLike<number>, n = x.length / this.dim): void {
    if (this.frozen || n === 0) return;
    ensure(x.length >= n * this.dim, `RunningMeanStd.update: need ${n * this.dim} values, got ${x.length}`);
    const d = this.dim;
    const bMean = new Float64Array(d);
    const bVar = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) bMean[j] += x[i * d + j];
    for (let j = 0; j < d; j++) bMean[j] /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const e = x[i * d + j] - bMean[j];
        bVar[j] += e * e;
      }
    }
    for (let j = 0; j < d; j++) bVar[j] /= n;
    const tot = this.count + n;
    for (let j = 0; j < d; j++) {
      const delta = bMean[j] - this.mean[j];
      const m2 = this.var[j] * this.count + bVar[j] * n + (delta * delta * this.count * n) / tot;
      this.mean[j] += (delta * n) / tot;
      this.var[j] = m2 / tot;
    }
    this.count = tot;
    this.invalidate();
  }

  /** Normalises a tensor `[batch, dim]` (call inside a tidy). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.cache) {
      const inv = new Float32Array(this.dim);
      for (let j = 0; j < this.dim; j++) inv[j] = 1 / Math.sqrt(this.var[j] + this.eps);
      this.cache = {
        mean: tf.keep(tf.tensor1d(Float32Array.from(this.mean))),
        invStd: tf.keep(tf.tensor1d(inv)),
      };
    }
    return tf.clipByValue(tf.mul(tf.sub(x, this.cache.mean), this.cache.invStd), -this.clip, this.clip) as tf.Tensor2D;
  }

  /** Normalises plain numbers `[n, dim]` into `out` (same formula as `apply`). */
  applyArray(x: ArrayLike<number>, out: Float32Array = new Float32Array(x.length)): Float32Array {
    const d = this.dim;
    for (let i = 0; i < x.length; i++) {
      const j = i % d;
      const z = (x[i] - this.mean[j]) / Math.sqrt(this.var[j] + this.eps);
      out[i] = z > this.clip ? this.clip : z < -this.clip ? -this.clip : z;
    }
    return out;
  }

  toJSON(): ObsNormJson {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count, clip: this.clip, eps: this.eps };
  }

  /** Restores statistics saved by `toJSON` (dimension must match). */
  load(j: ObsNormJson): void {
    checkObsNormJson(j, this.dim);
    this.mean.set(j.mean);
    this.var.set(j.var);
    this.count = j.count;
    this.invalidate();
  }

  static fromJSON(j: ObsNormJson, dim?: number): RunningMeanStd {
    checkObsNormJson(j, dim ?? (Array.isArray(j?.mean) ? j.mean.length : NaN));
    const r = new RunningMeanStd(j.mean.length, { clip: j.clip, eps: j.eps });
    r.load(j);
    return r;
  }

  /** Frees the cached tensors. */
  dispose(): void {
    this.invalidate();
  }

  private invalidate(): void {
    if (this.cache) {
      this.cache.mean.dispose();
      this.cache.invStd.dispose();
      this.cache = null;
    }
  }
}

/**
 * Checks saved normaliser statistics: mean and var of length `dim` (the network's input size),
 * float32-finite, variances ≥ 0, a count ≥ 0, and clip/eps (when present) positive.
 */
export function checkObsNormJson(j: ObsNormJson, dim: number): void {
  const fix = "the file is damaged or from a diverged run: re-train or restore it";
  if (!j || typeof j !== "object") throw new GanrlError(`obsNorm must be an object { mean, var, count }; ${fix}`);
  if (!Array.isArray(j.mean) || !Array.isArray(j.var) || j.mean.length !== dim || j.var.length !== dim) {
    throw new GanrlError(`obsNorm mean and var must have length ${dim} (the network's input size), got ${Array.isArray(j.mean) ? j.mean.length : describe(j.mean)} and ${Array.isArray(j.var) ? j.var.length : describe(j.var)}; ${fix}`);
  }
  checkFloat32Array(j.mean, "obsNorm.mean", fix);
  checkFloat32Array(j.var, "obsNorm.var", fix);
  const neg = j.var.findIndex((v) => v < 0);
  if (neg >= 0) throw new GanrlError(`obsNorm.var[${neg}] is ${j.var[neg]}: a variance cannot be negative; ${fix}`);
  if (!isFiniteFloat32(j.count) || j.count < 0) throw new GanrlError(`obsNorm.count is ${describe(j.count)}: it must be a finite count ≥ 0; ${fix}`);
  for (const k of ["clip", "eps"] as const) {
    if (j[k] !== undefined && (!isFiniteFloat32(j[k]) || (j[k] as number) <= 0)) throw new GanrlError(`obsNorm.${k} is ${describe(j[k])}: it must be a positive number; ${fix}`);
  }
}
