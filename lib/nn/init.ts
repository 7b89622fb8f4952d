/**
 * Weight initialisers drawn from our seeded `Rng` (never from TF.js's global seed), so that
 * one seed fixes every weight on every backend.
 */
import { Rng } from "../core";

/**
 * Orthogonal initialisation (Saxe et al. 2014), as in CleanRL's `layer_init`: a Gaussian matrix
 * `[rows, cols]` orthonormalised (modified Gram–Schmidt on the shorter side, so the diagonal of
 * R is positive, like NumPy's QR after its sign fix), scaled by `gain`. Returned row-major.
 */
export function orthogonal(rng: Rng, rows: number, cols: number, gain = 1): Float32Array {
  const transpose = rows < cols; // orthonormalise the `k = min(rows, cols)` vectors of length `m = max`
  const m = transpose ? cols : rows;
  const k = transpose ? rows : cols;
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = rng.normal();
    for (const u of q) {
      let d = 0;
      for (let i = 0; i < m; i++) d += u[i] * v[i];
      for (let i = 0; i < m; i++) v[i] -= d * u[i];
    }
    let n = 0;
    for (let i = 0; i < m; i++) n += v[i] * v[i];
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < m; i++) v[i] /= n;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (transpose ? q[r][c] : q[c][r]);
    }
  }
  return out;
}

/** Glorot (Xavier) uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). Row-major `[rows, cols]`. */
export function glorotUniform(rng: Rng, rows: number, cols: number, gain = 1): Float32Array {
  const a = gain * Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(-a, a);
  return out;
}
