/** Flat parameter vectors (for TRPO's conjugate gradient and line search). */
import { tf } from "../core";

/** Concatenates tensors into one flat vector (call inside a tidy). */
export function flatten(ts: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.concat(ts.map((t) => t.reshape([-1])), 0) as tf.Tensor1D;
}

/** Splits a flat vector back into tensors of the given shapes (call inside a tidy). */
export function unflatten(flat: tf.Tensor1D, shapes: readonly number[][]): tf.Tensor[] {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return tf.split(flat, sizes).map((t, i) => t.reshape(shapes[i]));
}

/** Reads variables into one Float32Array (one download per variable). */
export function getFlat(vars: readonly tf.Variable[]): Float32Array {
  const n = vars.reduce((s, v) => s + v.size, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, o);
    o += v.size;
  }
  return out;
}

/** Writes a flat Float32Array into variables. */
export function setFlat(vars: readonly tf.Variable[], flat: Float32Array): void {
  let o = 0;
  tf.tidy(() => {
    for (const v of vars) {
      v.assign(tf.tensor(flat.subarray(o, o + v.size), v.shape));
      o += v.size;
    }
  });
}

/**
 * Like `tf.tidy` for functions that return plain JS values (numbers, typed arrays): every
 * tensor created inside is disposed when `fn` returns or throws.
 */
export function tidyJs<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}
