/** The pieces inside the rl updates, against independent computations: TRPO's Fisher-vector product and CG, DQN's targets, PPO's clipped losses and schedules. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { Matrix, solve } from "ml-matrix";
import { initBackend, tf, Rng } from "../../lib/core";
import { Mlp, getFlat } from "../../lib/nn";
import { fisherVectorProduct, conjugateGradient, DQN, PPO, ppoLossTerms, ppoSchedule } from "../../lib/rl";

before(async () => {
  await initBackend({ quiet: true });
});

/** The logits of an MLP (tanh hidden layers, linear output) in float64, from its flat parameters [W0, b0, W1, b1, …] (W row-major [in, out]). */
function logits64(theta: Float64Array, sizes: number[], x: ArrayLike<number>): number[] {
  let h = Array.from(x);
  let o = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l], nOut = sizes[l + 1];
    const z = new Array(nOut).fill(0);
    for (let k = 0; k < nOut; k++) {
      for (let i = 0; i < nIn; i++) z[k] += h[i] * theta[o + i * nOut + k];
      z[k] += theta[o + nIn * nOut + k];
    }
    o += nIn * nOut + nOut;
    h = l + 2 < sizes.length ? z.map(Math.tanh) : z;
  }
  return h;
}

const logSoftmax = (z: number[]) => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};

test("TRPO's Fisher-vector product equals the Hessian of the mean KL, by float64 finite differences, on a tiny net", () => {
  const sizes = [3, 4, 3, 3]; // two tanh hidden layers, so the forward-mode J·v crosses a hidden-to-hidden layer
  const net = new Mlp({ inputDim: 3, hidden: [4, 3], outputDim: 3, activation: "tanh", outputGain: 1 }, new Rng(5));
  const B = 6;
  const rng = new Rng(6);
  const xs = Float32Array.from({ length: B * 3 }, () => rng.normal());
  const theta = Float64Array.from(getFlat(net.params));
  const P = theta.length;
  assert.equal(P, 3 * 4 + 4 + 4 * 3 + 3 + 3 * 3 + 3);
  const rows = Array.from({ length: B }, (_, i) => xs.subarray(3 * i, 3 * i + 3));
  const logpOld = rows.map((x) => logSoftmax(logits64(theta, sizes, x)));
  // KL̄(θ) = (1/B) Σ_i Σ_a p_old(a) (log p_old(a) − log p_θ(a)), in float64
  const meanKl = (th: Float64Array) => rows.reduce((s, x, i) => s + logSoftmax(logits64(th, sizes, x)).reduce((u, lq, a) => u + Math.exp(logpOld[i][a]) * (logpOld[i][a] - lq), 0), 0) / B;
  // H_jk by central second differences: truncation O(ε²) ≈ 1e-8, rounding ≈ 1e-16/ε² ≈ 1e-8
  const eps = 1e-4;
  const H = Array.from({ length: P }, () => new Float64Array(P));
  const at = (j: number, dj: number, k: number, dk: number) => {
    const th = Float64Array.from(theta);
    th[j] += dj;
    th[k] += dk;
    return meanKl(th);
  };
  for (let j = 0; j < P; j++)
    for (let k = j; k < P; k++) H[j][k] = H[k][j] = (at(j, eps, k, eps) - at(j, eps, k, -eps) - at(j, -eps, k, eps) + at(j, -eps, k, -eps)) / (4 * eps * eps);
  const hMax = Math.max(...H.map((r) => Math.max(...r.map(Math.abs))));
  assert.ok(hMax > 0.05, `the Hessian is not trivial (max |H| = ${hMax})`);
  const x = tf.tensor2d(xs, [B, 3]);
  const pOld = tf.tidy(() => tf.softmax(net.apply(x)) as tf.Tensor2D);
  const before = tf.memory().numTensors;
  // float32 products: sums of ~50 terms of size ≤ 1 lose ≲ 1e-6 (measured: 2e-8, with max|H| = 0.21)
  const tol = 1e-5 * hMax + 1e-7;
  const fvp = fisherVectorProduct(net, x, pOld, 0);
  for (let j = 0; j < P; j++) {
    const e = new Float64Array(P);
    e[j] = 1;
    const col = fvp(e);
    col.forEach((v, k) => assert.ok(Math.abs(v - H[k][j]) < tol, `(F e_${j})_${k} = ${v}, Hessian ${H[k][j]}`));
  }
  // damping: (F + βI) v on a random v
  const v = Float64Array.from({ length: P }, () => rng.normal());
  const damped = fisherVectorProduct(net, x, pOld, 0.1)(v);
  damped.forEach((d, k) => {
    const want = H[k].reduce((s, h, j) => s + h * v[j], 0) + 0.1 * v[k];
    assert.ok(Math.abs(d - want) < 10 * tol, `((F + 0.1 I) v)_${k} = ${d}, expected ${want}`);
  });
  assert.equal(tf.memory().numTensors, before, "the product leaks tensors");
  tf.dispose([x, pOld]);
  net.dispose();
});

test("conjugate gradient: n steps on an n × n SPD system give the direct solve; fewer steps shrink the A-norm error monotonically", () => {
  const n = 8;
  const rng = new Rng(11);
  const M = Matrix.from1DArray(n, n, Array.from({ length: n * n }, () => rng.normal()));
  const A = M.transpose().mmul(M).add(Matrix.eye(n).mul(0.5));
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const Av = (v: Float64Array) => Float64Array.from(A.mmul(Matrix.columnVector(Array.from(v))).getColumn(0));
  const direct = solve(A, Matrix.columnVector(Array.from(b))).getColumn(0);
  const scale = Math.max(...direct.map(Math.abs));
  const x = conjugateGradient(Av, b, n, 0);
  x.forEach((xi, i) => assert.ok(Math.abs(xi - direct[i]) < 1e-8 * scale, `x[${i}] = ${xi}, direct solve ${direct[i]}`));
  // ‖x_k − x*‖_A over k = 1..n: CG minimises it over growing Krylov spaces
  const errA = (xk: Float64Array) => {
    const e = Float64Array.from(xk, (v, i) => v - direct[i]);
    return Av(e).reduce((s, v, i) => s + v * e[i], 0);
  };
  const errs = Array.from({ length: n }, (_, k) => errA(conjugateGradient(Av, b, k + 1, 0)));
  for (let k = 1; k < n; k++) assert.ok(errs[k] < errs[k - 1], `A-norm error rose at step ${k + 1}: ${errs[k - 1]} → ${errs[k]}`);
  assert.ok(errs[2] > 1e-3 * errs[0], "three steps do not solve it yet (the exact match above is CG's, not a lucky system)");
});

/** Sets a linear (hidden: []) Q-net to Q(s) = s W + b, W [4, 2]. */
function setLinear(net: Mlp, W: number[][], b: number[]): void {
  tf.tidy(() => {
    net.params[0].assign(tf.tensor2d(W));
    net.params[1].assign(tf.tensor1d(b));
  });
}

test("DQN targets: double DQN evaluates the online net's argmax with the target net; plain DQN takes the target's max", () => {
  // online Q(s') = (s'_0, −s'_0); target Q_t(s') = (1 + s'_1, 3 − s'_1)
  const nextObs = Float32Array.from([1, 0, 0, 0, -1, 2, 0, 0, 2, 0.5, 0, 0, 0.5, 1.5, 0, 0]);
  // row 0: a* = 0, Q_t = (1, 3); row 1: a* = 1, Q_t = (3, 1); row 2: terminal; row 3: a* = 0, Q_t = (2.5, 1.5), both agree
  const rewards = Float32Array.from([1, -1, 0.5, 0]);
  const terminated = Float32Array.from([0, 0, 1, 0]);
  const want = {
    double: [1 + 0.9 * 1, -1 + 0.9 * 1, 0.5, 0.9 * 2.5],
    plain: [1 + 0.9 * 3, -1 + 0.9 * 3, 0.5, 0.9 * 2.5],
  };
  for (const doubleDqn of [true, false]) {
    const dqn = new DQN({ seed: 1, hidden: [], gamma: 0.9, doubleDqn });
    setLinear(dqn.q, [[1, -1], [0, 0], [0, 0], [0, 0]], [0, 0]);
    setLinear(dqn.qTarget, [[0, 0], [1, -1], [0, 0], [0, 0]], [1, 3]);
    const y = tf.tidy(() => Array.from(dqn.tdTargets(rewards, nextObs, terminated).dataSync()));
    const w = doubleDqn ? want.double : want.plain;
    y.forEach((v, i) => assert.ok(Math.abs(v - w[i]) < 1e-6, `${doubleDqn ? "double" : "plain"} DQN: y[${i}] = ${v}, expected ${w[i]}`));
    dqn.dispose();
  }
});

test("PPO losses on hand-worked numbers: ratio clipping, value clipping around the old values, clip fraction", () => {
  // ratios ρ = (1.5, 0.5, 1.05, 0.7), advantages (1, 1, −1, −2)
  const ratio = [1.5, 0.5, 1.05, 0.7];
  const adv = [1, 1, -1, -2];
  // values: row 0 moves less than ε (both terms equal); row 1 moves past ε, unclipped term larger;
  // rows 2 and 3 move past ε and the clipped term is larger (so it counts, with zero gradient)
  const value = [1.0, -0.5, 1.5, 0.0], oldValue = [0.95, 0, 1.0, 0.5], ret = [2.0, 0.3, 1.4, -1.0];
  const cases = [
    // ε = 0.2: min(ρA, clip(ρ)A) = (1.2, 0.5, −1.05, −1.6); (V − R)² = (1, .64, .01, 1), V_clip = (1, −.2, 1.2, .3) → (1, .25, .04, 1.69)
    { eps: 0.2, clipV: true, pg: -(1.2 + 0.5 - 1.05 - 1.6) / 4, v: (0.5 * (1 + 0.64 + 0.04 + 1.69)) / 4, dv: [-0.25, -0.2, 0, 0] },
    // ε = 0.1 (annealed): min = (1.1, 0.5, −1.05, −1.8); V_clip = (1, −.1, 1.1, .4) → (1, .16, .09, 1.96)
    { eps: 0.1, clipV: true, pg: -(1.1 + 0.5 - 1.05 - 1.8) / 4, v: (0.5 * (1 + 0.64 + 0.09 + 1.96)) / 4, dv: [-0.25, -0.2, 0, 0] },
    // no value clipping: ½ mean (V − R)², gradient (V − R)/4
    { eps: 0.2, clipV: false, pg: -(1.2 + 0.5 - 1.05 - 1.6) / 4, v: (0.5 * (1 + 0.64 + 0.01 + 1)) / 4, dv: [-0.25, -0.2, 0.025, 0.25] },
  ];
  for (const c of cases) {
    const out = tf.tidy(() => {
      const old = tf.tensor1d([-1, -2, -0.5, -1.5]);
      const inputs = (v: tf.Tensor) => ({ newLogProb: tf.add(old, tf.log(tf.tensor1d(ratio))), oldLogProb: old, adv: tf.tensor1d(adv), value: v, oldValue: tf.tensor1d(oldValue), ret: tf.tensor1d(ret) });
      const t = ppoLossTerms(inputs(tf.tensor1d(value)), c.eps, c.clipV);
      const dv = tf.grad((v: tf.Tensor) => ppoLossTerms(inputs(v), c.eps, c.clipV).vLoss)(tf.tensor1d(value));
      return { pg: t.pgLoss.dataSync()[0], v: t.vLoss.dataSync()[0], kl: t.approxKl.dataSync()[0], frac: t.clipFrac.dataSync()[0], dv: Array.from(dv.dataSync()) };
    });
    const tag = `ε = ${c.eps}, clipValueLoss ${c.clipV}`;
    assert.ok(Math.abs(out.pg - c.pg) < 1e-6, `${tag}: policy loss ${out.pg}, expected ${c.pg}`);
    assert.ok(Math.abs(out.v - c.v) < 1e-6, `${tag}: value loss ${out.v}, expected ${c.v}`);
    out.dv.forEach((g, i) => assert.ok(Math.abs(g - c.dv[i]) < 1e-6, `${tag}: ∂L_V/∂V[${i}] = ${g}, expected ${c.dv[i]}`));
    assert.ok(Math.abs(out.frac - 0.75) < 1e-7, `${tag}: clip fraction ${out.frac}`); // |ρ − 1| = (.5, .5, .05, .3)
    const kl = ratio.reduce((s, r) => s + (r - 1 - Math.log(r)), 0) / 4;
    assert.ok(Math.abs(out.kl - kl) < 1e-6, `${tag}: approx-KL ${out.kl}, expected ${kl}`);
  }
});

test("PPO schedules: ε and α anneal linearly to 0 over the budget, or stay fixed; each update runs (and reports) its own", async () => {
  assert.deepEqual(ppoSchedule({ lr: 1e-3, annealLr: true, clipEps: 0.2, annealClip: true }, 0.25), { lr: 0.75e-3, clipEps: 0.2 * 0.75 });
  assert.deepEqual(ppoSchedule({ lr: 1e-3, annealLr: false, clipEps: 0.2, annealClip: false }, 0.25), { lr: 1e-3, clipEps: 0.2 });
  for (const annealClip of [true, false]) {
    const ppo = new PPO({ seed: 1, numEnvs: 2, nSteps: 32, batchSize: 64, nEpochs: 1, lr: 1e-3, clipEps: 0.2, annealClip, annealLr: !annealClip, clipValueLoss: true });
    const seen: [number, number][] = [];
    await ppo.learn(256, { callback: ({ metrics }) => void seen.push([metrics["train/clipEps"], metrics["train/lr"]]) });
    // 4 iterations of 64 steps: progress 0, 1/4, 1/2, 3/4 at their updates
    const frac = [1, 0.75, 0.5, 0.25];
    const want = frac.map((f) => (annealClip ? [0.2 * f, 1e-3] : [0.2, 1e-3 * f]));
    seen.forEach(([e, lr], i) => assert.ok(Math.abs(e - want[i][0]) < 1e-12 && Math.abs(lr - want[i][1]) < 1e-15, `annealClip ${annealClip}, iteration ${i}: ε ${e}, α ${lr}; expected ${want[i]}`));
    assert.equal(seen.length, 4);
    ppo.dispose();
  }
});
