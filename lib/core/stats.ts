/** Small descriptive statistics shared by evaluation, logging and result tables. */

/**
 * Mean and standard deviation of `xs` (NaN for an empty list).
 * `ddof` is NumPy's "delta degrees of freedom": 0 (default) gives the population standard
 * deviation, as `numpy.std` and the GAIL paper's tables (pooled evaluation episodes) use;
 * 1 gives the sample standard deviation, used across seeds.
 */
export function meanStd(xs: readonly number[], ddof: 0 | 1 = 0): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / n;
  if (n - ddof <= 0) return { mean, std: 0 };
  let v = 0;
  for (const x of xs) v += (x - mean) * (x - mean);
  return { mean, std: Math.sqrt(v / (n - ddof)) };
}
