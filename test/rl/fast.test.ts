/** The fused PPO loss equals TF.js's autodiff of the same expression. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { ppoLoss } from "../../lib/rl";
import { tidyJs } from "../../lib/nn";

before(async () => {
  await initBackend({ quiet: true });
});

/** The PPO loss written as plain TF.js ops (what PPO used before the fused op). */
function referenceLoss(z: tf.Tensor2D, v: tf.Tensor1D, k: Parameters<typeof ppoLoss>[2]): tf.Scalar {
  const logp = tf.logSoftmax(z);
  const lp = tf.sum(tf.mul(logp, k.oneHot), 1);
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
  const ratio = tf.exp(tf.sub(lp, k.oldLogProb));
  const pgLoss = tf.neg(tf.mean(tf.minimum(tf.mul(ratio, k.adv), tf.mul(tf.clipByValue(ratio, 1 - k.clipEps, 1 + k.clipEps), k.adv))));
  let vLoss: tf.Tensor;
  if (k.clipValueLoss) {
    const vc = tf.add(k.oldValue, tf.clipByValue(tf.sub(v, k.oldValue), -k.clipEps, k.clipEps));
    vLoss = tf.mul(0.5, tf.mean(tf.maximum(tf.square(tf.sub(v, k.ret)), tf.square(tf.sub(vc, k.ret)))));
  } else vLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(v, k.ret))));
  return tf.add(tf.sub(pgLoss, tf.mul(k.entCoef, entropy)), tf.mul(k.vfCoef, vLoss)) as tf.Scalar;
}

test("ppoLoss: loss and gradients (logits, values) equal autodiff of the plain expression, clipped or not", () => {
  const rng = new Rng(11);
  const M = 64, nA = 3;
  const r = (n: number, s: number) => Float32Array.from({ length: n }, () => s * rng.normal());
  const z = tf.tensor2d(r(M * nA, 1), [M, nA]);
  const v = tf.tensor1d(r(M, 1));
  const actions = Int32Array.from({ length: M }, () => rng.int(nA));
  // old log-probabilities far from the current ones, so that many ratios fall outside [1 − ε, 1 + ε]
  const oldLp = tf.tidy(() => tf.add(tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(tf.tensor1d(actions, "int32"), nA)), 1), tf.tensor1d(r(M, 0.4))));
  const n0 = tf.memory().numTensors;
  for (const clipValueLoss of [false, true]) {
    const k = {
      oneHot: tf.tidy(() => tf.oneHot(tf.tensor1d(actions, "int32"), nA).toFloat() as tf.Tensor2D),
      oldLogProb: oldLp as tf.Tensor1D,
      adv: tf.tensor1d(r(M, 1)),
      ret: tf.tensor1d(r(M, 1)),
      oldValue: tf.tensor1d(r(M, 1)),
      clipEps: 0.2,
      clipValueLoss,
      entCoef: 0.01,
      vfCoef: 0.5,
    };
    const fused = tidyJs(() => {
      let stats: tf.Tensor | null = null;
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const out = ppoLoss(a as tf.Tensor2D, b as tf.Tensor1D, k);
        stats = out.stats;
        return out.loss;
      };
      const { value, grads } = tf.valueAndGrads(f)([z, v]);
      const res = [value.dataSync()[0], grads[0].dataSync(), grads[1].dataSync(), (stats as unknown as tf.Tensor).dataSync()] as const;
      tf.dispose(stats as unknown as tf.Tensor);
      return res;
    });
    const ref = tidyJs(() => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => referenceLoss(a as tf.Tensor2D, b as tf.Tensor1D, k))([z, v]);
      return [value.dataSync()[0], grads[0].dataSync(), grads[1].dataSync()] as const;
    });
    assert.ok(Math.abs(fused[0] - ref[0]) < 1e-6, `loss ${fused[0]} vs ${ref[0]}`);
    for (const [i, what] of [[1, "d/dlogits"], [2, "d/dvalues"]] as const) {
      for (let j = 0; j < ref[i].length; j++) assert.ok(Math.abs(fused[i][j] - ref[i][j]) < 1e-6, `clipValueLoss ${clipValueLoss} ${what}[${j}]: ${fused[i][j]} vs ${ref[i][j]}`);
    }
    assert.ok(fused[3][4] > 0.2, `test needs clipped ratios (clipFrac ${fused[3][4]})`);
    tf.dispose([k.oneHot, k.adv, k.ret, k.oldValue]);
  }
  assert.equal(tf.memory().numTensors, n0, "ppoLoss leaks tensors");
  tf.dispose([z, v, oldLp]);
});
