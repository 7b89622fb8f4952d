/** The speed-path building blocks agree with TF.js's own ops: the dense op, FlatAdam, the typed-array forward pass. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { dense, denseReference, DenseActivation, FlatAdam, Mlp, MlpMirror, MlpLinearisation, getFlat, setFlat, flatten, unflatten, CategoricalPolicy, RunningMeanStd } from "../../lib/nn";

before(async () => {
  await initBackend({ quiet: true });
});

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / Math.max(scale, 1e-30);
}

test("dense: values and gradients (x, W, b) equal TF.js's own ops for tanh, relu, linear", () => {
  const rng = new Rng(4);
  const rand = (n: number, s: number) => Float32Array.from({ length: n }, () => s * rng.normal());
  const x = tf.tensor2d(rand(37 * 6, 1), [37, 6]);
  const w = tf.tensor2d(rand(6 * 9, 0.5), [6, 9]);
  const b = tf.tensor1d(rand(9, 0.5));
  const n0 = tf.memory().numTensors;
  for (const act of ["tanh", "relu", "linear"] as DenseActivation[]) {
    const run = (layer: typeof dense) =>
      tf.tidy(() => {
        const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(tf.sub(layer(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act), 0.3)));
        const [gx, gw, gb] = tf.grads(f)([x, w, b]);
        return [layer(x, w, b, act).dataSync(), gx.dataSync(), gw.dataSync(), gb.dataSync()];
      });
    const fast = run(dense), ref = run(denseReference);
    ["value", "dx", "dW", "db"].forEach((what, i) => {
      const e = maxRelErr(fast[i], ref[i]);
      assert.ok(e < 2e-6, `${act} ${what}: relative error ${e}`);
    });
  }
  assert.equal(tf.memory().numTensors, n0, "dense leaks tensors");
  tf.dispose([x, w, b]);
});

test("Mlp: secondOrder (TF.js ops) and the fast layers give the same outputs", () => {
  const net = new Mlp({ inputDim: 5, hidden: [16, 16], outputDim: 3 }, new Rng(2));
  const x = tf.tensor2d(Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), [8, 5]);
  const a = tf.tidy(() => net.apply(x).dataSync());
  const b = tf.tidy(() => net.apply(x, { secondOrder: true }).dataSync());
  assert.ok(maxRelErr(a, b) < 1e-6);
  x.dispose();
  net.dispose();
});

/** Two identical nets, one trained with tf.train.adam and one with FlatAdam on the same loss. */
function twins(seed: number): { a: Mlp; b: Mlp; x: tf.Tensor2D; loss: (n: Mlp) => tf.Scalar } {
  const a = new Mlp({ inputDim: 3, hidden: [8], outputDim: 2 }, new Rng(seed));
  const b = new Mlp({ inputDim: 3, hidden: [8], outputDim: 2 }, new Rng(seed));
  const x = tf.tensor2d(Float32Array.from({ length: 30 }, (_, i) => Math.cos(i * 0.7)), [10, 3]);
  const loss = (n: Mlp) => tf.mean(tf.square(tf.sub(n.apply(x), 1))) as tf.Scalar;
  return { a, b, x, loss };
}

test("FlatAdam: bit-identical weights to tf.train.adam on the same gradients; flat clipping; no leak", () => {
  const { a, b, x, loss } = twins(1);
  const ref = tf.train.adam(0.01, 0.9, 0.999, 1e-5);
  const flat = new FlatAdam(0.01, 0.9, 0.999, 1e-5);
  const step = (n: Mlp, opt: tf.Optimizer) => tf.tidy(() => opt.applyGradients(tf.variableGrads(() => loss(n), n.params).grads));
  step(a, ref);
  step(b, flat);
  const n0 = tf.memory().numTensors;
  for (let k = 0; k < 4; k++) {
    step(a, ref);
    step(b, flat);
  }
  assert.equal(tf.memory().numTensors, n0, "FlatAdam leaks tensors");
  assert.deepEqual(Array.from(getFlat(b.params)), Array.from(getFlat(a.params)));
  // clipping: with a tiny bound the step is scaled to norm ≤ bound before Adam's moments see it
  const before = getFlat(b.params);
  const g = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(b), b.params);
    const norm = flat.step(grads, 1e-3);
    return norm.dataSync()[0];
  });
  assert.ok(g > 1e-3, "test needs an unclipped norm above the bound");
  assert.notDeepEqual(Array.from(getFlat(b.params)), Array.from(before));
  ref.dispose();
  flat.dispose();
  tf.dispose(x);
  a.dispose();
  b.dispose();
});

test("FlatAdam: checkpoints in tf.train.adam's layout load both ways and continue identically", async () => {
  const { a, b, x, loss } = twins(3);
  const ref = tf.train.adam(0.02);
  const flat = new FlatAdam(0.02);
  const step = (n: Mlp, opt: tf.Optimizer) => tf.tidy(() => opt.applyGradients(tf.variableGrads(() => loss(n), n.params).grads));
  for (let k = 0; k < 3; k++) {
    step(a, ref);
    step(b, flat);
  }
  const save = async (opt: tf.Optimizer, fresh: boolean) => {
    const ws = await opt.getWeights();
    const out = ws.map((w) => ({ name: w.name, tensor: tf.tensor(w.tensor.dataSync(), w.tensor.shape, w.tensor.dtype) }));
    if (fresh) tf.dispose(ws.map((w) => w.tensor));
    else ws[0].tensor.dispose();
    return out;
  };
  const fromFlat = await save(flat, true);
  const fromRef = await save(ref, false);
  assert.deepEqual(fromFlat.map((w) => w.name.replace(/_\d+\//, "/")), fromRef.map((w) => w.name.replace(/_\d+\//, "/")));
  // cross-load: Adam state into FlatAdam (continuing b) and FlatAdam state into Adam (continuing a)
  const flat2 = new FlatAdam(0.02);
  await flat2.setWeights(fromRef);
  const ref2 = tf.train.adam(0.02);
  await ref2.setWeights(fromFlat);
  for (let k = 0; k < 2; k++) {
    step(a, ref2);
    step(b, flat2);
  }
  assert.deepEqual(Array.from(getFlat(b.params)), Array.from(getFlat(a.params)));
  for (const o of [ref, flat, ref2, flat2]) o.dispose();
  tf.dispose(fromFlat.map((w) => w.tensor).filter((t) => !t.isDisposed));
  tf.dispose(x);
  a.dispose();
  b.dispose();
});

test("MlpMirror / logitsArray: the JavaScript forward pass equals TF.js to 1e-6 and follows weight updates", () => {
  const rng = new Rng(9);
  const obs = Float32Array.from({ length: 6 * 4 }, () => 2 * rng.normal());
  const norm = new RunningMeanStd(4);
  norm.update(Float32Array.from({ length: 40 }, () => 3 * rng.normal() + 1));
  const pi = new CategoricalPolicy({ obsDim: 4, nActions: 3, hidden: [100, 100], obsNorm: norm, outputGain: 1 }, new Rng(1));
  const tfLogits = () => tf.tidy(() => pi.logits(tf.tensor2d(obs, [6, 4])).dataSync());
  const close = (what: string) => {
    const a = pi.logitsArray(obs), b = tfLogits();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `${what}: logit ${i} JS ${a[i]} vs TF.js ${b[i]}`);
  };
  close("initial weights");
  const n0 = tf.memory().numTensors;
  pi.logitsArray(obs);
  assert.equal(tf.memory().numTensors, n0, "the JS forward pass leaves no tensors");
  // a weight update (assign) must be picked up
  const w = getFlat(pi.trainableVariables);
  setFlat(pi.trainableVariables, w.map((x, i) => x + 0.05 * Math.sin(i)));
  close("after setFlat");
  // relu nets too
  const net = new Mlp({ inputDim: 4, hidden: [32, 16], outputDim: 2, activation: "relu" }, new Rng(3));
  const m = new MlpMirror(net).forward(obs, 6);
  const t = tf.tidy(() => net.apply(tf.tensor2d(obs, [6, 4])).dataSync());
  for (let i = 0; i < t.length; i++) assert.ok(Math.abs(m[i] - t[i]) < 1e-6, `relu logit ${i}`);
  net.dispose();
  pi.dispose();
});

test("MlpLinearisation: J t equals Mlp.jvp and Jᵀ u equals the autodiff gradient of Σ u ⊙ f, for tanh and relu", () => {
  for (const activation of ["tanh", "relu"] as const) {
    const net = new Mlp({ inputDim: 3, hidden: [12, 7], outputDim: 2, activation }, new Rng(5));
    const rng = new Rng(6);
    const x = tf.tensor2d(Float32Array.from({ length: 9 * 3 }, () => rng.normal()), [9, 3]);
    const u = tf.tensor2d(Float32Array.from({ length: 9 * 2 }, () => rng.normal()), [9, 2]);
    const shapes = net.params.map((p) => p.shape.slice());
    const t = unflatten(tf.tensor1d(Float32Array.from({ length: net.size }, () => rng.normal())), shapes);
    const n0 = tf.memory().numTensors;
    const lin = new MlpLinearisation(net, x);
    const [jv, jtu, out] = tf.tidy(() => [lin.jvp(t).dataSync(), flatten(lin.vjp(u)).dataSync(), lin.out.dataSync()]);
    lin.dispose();
    assert.equal(tf.memory().numTensors, n0, "MlpLinearisation leaks tensors");
    const [jvRef, outRef] = tf.tidy(() => {
      const r = net.jvp(x, t);
      return [r.dOut.dataSync(), r.out.dataSync()];
    });
    const jtuRef = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x, { secondOrder: true }), u)) as tf.Scalar, net.params);
      return flatten(net.params.map((p) => grads[p.name])).dataSync();
    });
    assert.ok(maxRelErr(out, outRef) < 1e-6, `${activation}: output`);
    assert.ok(maxRelErr(jv, jvRef) < 1e-5, `${activation}: J t ${maxRelErr(jv, jvRef)}`);
    assert.ok(maxRelErr(jtu, jtuRef) < 1e-5, `${activation}: Jᵀ u ${maxRelErr(jtu, jtuRef)}`);
    tf.dispose([x, u, ...t]);
    net.dispose();
  }
});

test("MlpLinearisation.gram: (1/B) Gram(√(p₀p₁)(1, −1)) is the two-action Fisher matrix Jᵀ(diag p − p pᵀ)J / B", () => {
  const net = new Mlp({ inputDim: 4, hidden: [10, 10], outputDim: 2, outputGain: 1 }, new Rng(8));
  const rng = new Rng(2);
  const B = 11;
  const x = tf.tensor2d(Float32Array.from({ length: B * 4 }, () => rng.normal()), [B, 4]);
  const t = unflatten(tf.tensor1d(Float32Array.from({ length: net.size }, () => rng.normal())), net.params.map((p) => p.shape.slice()));
  const lin = new MlpLinearisation(net, x);
  const n0 = tf.memory().numTensors;
  const [direct, viaGram] = tf.tidy(() => {
    const p = tf.softmax(lin.out);
    const pdz = tf.mul(p, lin.jvp(t));
    const d = flatten(lin.vjp(tf.div(tf.sub(pdz, tf.mul(p, tf.sum(pdz, 1, true))), B) as tf.Tensor2D)).dataSync();
    const gram = lin.gram(tf.mul(tf.sqrt(tf.prod(p, 1, true)), tf.tensor2d([[1, -1]])) as tf.Tensor2D);
    const gv = flatten(gram.apply(t, 1 / B)).dataSync();
    gram.dispose();
    return [d, gv];
  });
  assert.equal(tf.memory().numTensors, n0, "gram leaks tensors");
  assert.ok(maxRelErr(viaGram, direct) < 1e-5, `Gram vs direct Fisher product: ${maxRelErr(viaGram, direct)}`);
  lin.dispose();
  tf.dispose([x, ...t]);
  net.dispose();
});
