/** Small descriptive statistics shared by evaluation, logging and result tables. */

/**
 * Mean and standard deviation of `xs` (NaN for an empty list).
 * `ddof` is NumPy's "delta degrees of freedom": 0 (default) gives the population standard
 * deviation, as `numpy.std` and the GAIL paper's tables (pooled evaluation episodes) use;
 * 1 gives the sample standard deviation, used across seeds. With fewer than ddof + 1 values the
 * spread is undefined and std is NaN (one seed says nothing about seed-to-seed spread; it is not
 * 0): tables show it as "–" (`formatCell`), CSVs as "NaN" (`toCsv`, read back by `readCsv`).
 * A single value with ddof 0 has std 0.
 */
export function meanStd(xs: readonly number[], ddof: 0 | 1 = 0): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / n;
  if (n - ddof <= 0) return { mean, std: NaN };
  let v = 0;
  for (const x of xs) v += (x - mean) * (x - mean);
  return { mean, std: Math.sqrt(v / (n - ddof)) };
}
