/**
 * One dense layer y = act(x W + b) as a single differentiable TF.js op whose forward and
 * backward passes use only the kernels that are fast on the wasm backend (see "Speed model" in
 * ARCHITECTURE.md). Measured on one core, [5000, 100] × [100, 100]: a plain matMul 10 ms, the same
 * with a transpose flag 130 ms (the wasm kernel falls back to a scalar loop), tanh 21 ms, sigmoid
 * 1 ms, a column sum 2.3 ms against 0.2 ms as a matMul with a row of ones. So:
 *
 * - tanh(z) is computed as 2σ(2z) − 1 with σ fused into the matMul (on 2W, 2b: exact scalings);
 *   it agrees with tanh to float32 rounding (about 1e-7 absolute);
 * - the backward pass transposes explicitly (x and W) and multiplies without transpose flags:
 *   dz = dy ⊙ act'(y), dW = xᵀ dz, db = 1ᵀ dz, dx = dz Wᵀ.
 *
 * The gradient is exact (the same maths as TF.js's own op gradients, in another summation order).
 * It is first-order only: for a loss that differentiates the network twice (a gradient penalty),
 * use `denseReference`, built from TF.js's own ops. Call inside a tidy or a gradient function.
 */
import { tf } from "../core";

export type DenseActivation = "linear" | "tanh" | "relu";

function forward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: DenseActivation): tf.Tensor2D {
  if (act === "linear") return tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
  if (act === "relu") return tf.fused.matMul({ a: x, b: w, bias: b, activation: "relu" }) as tf.Tensor2D;
  // tanh z = 2σ(2z) − 1; x(2W) + 2b is exactly 2(xW + b) in floating point
  const s = tf.fused.matMul({ a: x, b: tf.add(w, w), bias: tf.add(b, b), activation: "sigmoid" });
  return tf.sub(tf.add(s, s), 1) as tf.Tensor2D;
}

function makeDense(act: DenseActivation): (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D {
  const op = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = forward(x, w, b, act);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as tf.Tensor2D[];
        let dz: tf.Tensor2D = dy;
        if (act === "tanh") dz = tf.mul(dy, tf.sub(1, tf.square(ys)));
        else if (act === "relu") dz = tf.mul(dy, tf.step(ys));
        const n = xs.shape[0];
        return [
          tf.matMul(dz, tf.transpose(ws)),
          tf.matMul(tf.transpose(xs), dz),
          tf.matMul(tf.ones([1, n]), dz).reshape([ws.shape[1]]),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
}

const DENSE: Record<DenseActivation, (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D> = {
  linear: makeDense("linear"),
  tanh: makeDense("tanh"),
  relu: makeDense("relu"),
};

/** act(x W + b): x [n, in], W [in, out], b [out] → [n, out], with the fast forward and backward passes above. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: DenseActivation): tf.Tensor2D {
  return DENSE[act](x, w, b);
}

/** act(x W + b) from TF.js's own ops and gradients (differentiable any number of times; slower on wasm). */
export function denseReference(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: DenseActivation): tf.Tensor2D {
  if (act === "linear") return tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
  if (act === "relu") return tf.fused.matMul({ a: x, b: w, bias: b, activation: "relu" }) as tf.Tensor2D;
  return tf.tanh(tf.fused.matMul({ a: x, b: w, bias: b })) as tf.Tensor2D;
}
