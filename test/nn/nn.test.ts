import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { orthogonal, Mlp, CategoricalPolicy, ValueNet, RunningMeanStd, flatten, unflatten, tidyJs } from "../../lib/nn";

before(async () => {
  await initBackend({ quiet: true });
});

test("orthogonal init: columns orthonormal times the gain, and seeded", () => {
  const w = orthogonal(new Rng(3), 8, 4, 2);
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      let s = 0;
      for (let r = 0; r < 8; r++) s += w[r * 4 + a] * w[r * 4 + b];
      assert.ok(Math.abs(s - (a === b ? 4 : 0)) < 1e-5, `WᵀW[${a},${b}] = ${s}`);
    }
  }
  assert.deepEqual(Array.from(orthogonal(new Rng(3), 8, 4, 2)), Array.from(w));
  const wide = orthogonal(new Rng(1), 3, 6, 1); // rows orthonormal
  let s = 0;
  for (let c = 0; c < 6; c++) s += wide[c] * wide[6 + c];
  assert.ok(Math.abs(s) < 1e-6);
});

test("policy: act is batched, seeded, leak-free; save/load round trip reproduces logits and obsNorm", () => {
  const norm = new RunningMeanStd(4);
  norm.update(new Float32Array([1, 2, 3, 4, 3, 2, 1, 0]));
  const pi = new CategoricalPolicy({ obsDim: 4, nActions: 3, obsNorm: norm }, new Rng(1));
  const obs = new Float32Array([0.1, -0.2, 0.3, 0.4, 1, 1, 1, 1]);
  pi.act(obs);
  const n0 = tf.memory().numTensors;
  const a = pi.act(obs, { rng: new Rng(5) });
  const b = pi.act(obs, { rng: new Rng(5) });
  assert.equal(tf.memory().numTensors, n0);
  assert.deepEqual(a, b);
  assert.equal(a.actions.length, 2);
  for (const lp of a.logProb) assert.ok(lp < 0 && lp > -5);
  const lpT = tf.tidy(() => pi.logProb(tf.tensor2d(obs, [2, 4]), tf.tensor1d(a.actions, "int32")).dataSync());
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(lpT[i] - a.logProb[i]) < 1e-5);
  const json = JSON.parse(JSON.stringify(pi.save({ env: "test" })));
  assert.equal(json.format, "ganrl.net/1");
  const pi2 = CategoricalPolicy.fromJSON(json);
  const l1 = tf.tidy(() => pi.logits(tf.tensor2d(obs, [2, 4])).dataSync());
  const l2 = tf.tidy(() => pi2.logits(tf.tensor2d(obs, [2, 4])).dataSync());
  assert.deepEqual(Array.from(l1), Array.from(l2));
  assert.deepEqual(Array.from(pi2.obsNorm!.mean), Array.from(norm.mean));
  const ent = tf.tidy(() => pi.entropy(tf.tensor2d(obs, [2, 4])).dataSync());
  assert.ok(ent[0] > 1.0 && ent[0] <= Math.log(3) + 1e-6); // near-uniform first policy
  assert.throws(() => pi2.load({ ...json, kind: "value" }), /expected a 'categorical-policy'/);
  pi.dispose();
  pi2.dispose();
});

test("value net: shape [batch] and JSON round trip", () => {
  const v = new ValueNet({ obsDim: 3 }, new Rng(2));
  const out = v.predictArray(new Float32Array(6));
  assert.equal(out.length, 2);
  const v2 = new ValueNet({ obsDim: 3 }, new Rng(9));
  v2.load(JSON.parse(JSON.stringify(v.save())));
  const x = new Float32Array([1, 2, 3]);
  assert.equal(v.predictArray(x)[0], v2.predictArray(x)[0]);
  v.dispose();
  v2.dispose();
});

test("RunningMeanStd: merged batches equal the whole-data mean and variance", () => {
  const r = new RunningMeanStd(1);
  r.count = 0; // exact statistics for the check
  r.update([1, 2, 3]);
  r.update([4, 5]);
  assert.ok(Math.abs(r.mean[0] - 3) < 1e-12);
  assert.ok(Math.abs(r.var[0] - 2) < 1e-12);
});

test("Mlp.jvp equals a finite difference", () => {
  const m = new Mlp({ inputDim: 3, hidden: [5, 4], outputDim: 2 }, new Rng(4));
  const shapes = m.params.map((p) => p.shape.slice());
  const rng = new Rng(8);
  const n = m.size;
  const v = new Float32Array(n).map(() => rng.normal());
  const x = tf.tensor2d([0.3, -0.1, 0.5, 1, 2, -1], [2, 3]);
  const { jv, fd } = tidyJs(() => {
    const vt = tf.tensor1d(v);
    const jv = m.jvp(x, unflatten(vt, shapes)).dOut.dataSync();
    const th = flatten(m.params);
    const eps = 1e-2;
    const fp = m.apply(x, { params: unflatten(tf.add(th, tf.mul(eps, vt)) as tf.Tensor1D, shapes) });
    const fm = m.apply(x, { params: unflatten(tf.sub(th, tf.mul(eps, vt)) as tf.Tensor1D, shapes) });
    return { jv, fd: tf.div(tf.sub(fp, fm), 2 * eps).dataSync() };
  });
  for (let i = 0; i < jv.length; i++) assert.ok(Math.abs(jv[i] - fd[i]) < 2e-3 * (1 + Math.abs(fd[i])), `${jv[i]} vs ${fd[i]}`);
  x.dispose();
  m.dispose();
});

test("spectral norm: power iteration drives σ(W/σ) to 1; u persists and is saved", () => {
  const m = new Mlp({ inputDim: 6, hidden: [8], outputDim: 3, spectralNorm: true, outputGain: 3, hiddenGain: 3 }, new Rng(5));
  const x = tf.ones([1, 6]) as tf.Tensor2D;
  for (let i = 0; i < 30; i++) tf.tidy(() => m.apply(x, { training: true })).dispose();
  const n0 = tf.memory().numTensors;
  tf.tidy(() => m.apply(x, { training: true })).dispose();
  assert.equal(tf.memory().numTensors, n0);
  // exact top singular value of each effective weight, by many power iterations in JS
  const sig = m.spectralNorms();
  for (let i = 0; i < m.numLayers; i++) {
    const w = m.params[2 * i];
    const [r, c] = w.shape;
    const W = w.dataSync();
    let u = new Float64Array(c).fill(1);
    let s = 0;
    for (let it = 0; it < 200; it++) {
      const v = new Float64Array(r);
      for (let a = 0; a < r; a++) for (let b = 0; b < c; b++) v[a] += W[a * c + b] * u[b];
      const u2 = new Float64Array(c);
      for (let a = 0; a < r; a++) for (let b = 0; b < c; b++) u2[b] += W[a * c + b] * v[a];
      const nn = Math.hypot(...u2);
      s = Math.sqrt(nn);
      u = u2.map((z) => z / nn);
    }
    assert.ok(Math.abs(sig[i] / s - 1) < 0.02, `layer ${i}: estimate ${sig[i]} vs exact ${s}`);
  }
  const saved = m.toJSON();
  assert.ok(saved.some((p) => p.name === "mlp/l0/u"));
  x.dispose();
  m.dispose();
});

test("a policy and a value net with an observation normaliser free its cached tensors when disposed (shared: rebuilt on use)", () => {
  const before = tf.memory().numTensors;
  const norm = new RunningMeanStd(4);
  norm.update(new Float32Array([1, 2, 3, 4, 2, 3, 4, 5]), 2);
  const pi = new CategoricalPolicy({ obsDim: 4, nActions: 2, hidden: [8], obsNorm: norm }, new Rng(1));
  const v = new ValueNet({ obsDim: 4, hidden: [8], obsNorm: norm }, new Rng(2));
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const l0 = tf.tidy(() => pi.logits(x).arraySync());
  pi.dispose();
  const v0 = tf.tidy(() => v.predict(x).arraySync());
  assert.ok(Number.isFinite(v0[0]), "the value net rebuilds the shared normaliser's tensors");
  v.dispose();
  x.dispose();
  assert.ok(l0[0].every(Number.isFinite));
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
});
