/**
 * Evaluating world models against held-out data (notebook 10, "Evaluation").
 *
 * Errors are measured in STATE-STD units: each entry's error (⊖, angles wrapped) is divided by
 * the standard deviation of that entry over the training states, then squared and averaged over
 * entries, so that CartPole's x and θ̇ (or Acrobot's angles and velocities) weigh alike.
 *
 * - `oneStepMSE`: E‖(ŝ' ⊖ s')/σ_s‖²/d over held-out transitions.
 * - `rolloutMSE`: open-loop rollouts from every `stride`-th state of held-out episodes, replaying
 *   the episode's recorded actions; MSE@H averages the error after H model steps over segments
 *   whose true trajectory is at least H steps long (so it is never compared past a termination).
 * - `terminationAccuracy`: for held-out episodes that truly terminated at step T, replay the
 *   actions from s_0 through the model (repeating the last action past T) and find the first
 *   step T̂ whose predicted state is terminal by the known rule; accurate if |T̂ − T| ≤ tol.
 * - `nextStateMMD`: MMD² between k model samples and k true samples of s' for the same (s, a)
 *   (true samples: `env.setState(s)` then `step(a)` k times), RBF kernel on normalised residuals
 *   with the bandwidth rule: σ_k = median pairwise distance among the TRUE samples of that pair
 *   (the scale of the real stochasticity). Unbiased estimator, averaged over pairs.
 * - `heldoutDiscriminatorAccuracy`: a FRESH discriminator (D's architecture) trained to tell real
 *   from model next states on half of the held-out pairs, scored on the other half (0.5: the model
 *   is indistinguishable to it).
 */
import { tf, Rng, ensure } from "../core";
import { Mlp } from "../nn";
import { Episode, TransitionSet, residuals } from "./data";
import { DynamicsModel } from "./imagine";
import { WorldSpec, WorldVariant, stateDiff } from "./spec";
import { bceLogitsOnes, bceLogitsZeros } from "./model";

/** Per-entry standard deviation of the states of a set (floored at 1e-8). */
export function stateScale(set: TransitionSet): Float64Array {
  const D = set.stateDim;
  const out = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let m = 0, v = 0;
    for (let i = 0; i < set.n; i++) m += set.states[i * D + d];
    m /= set.n;
    for (let i = 0; i < set.n; i++) v += (set.states[i * D + d] - m) ** 2;
    out[d] = Math.max(Math.sqrt(v / set.n), 1e-8);
  }
  return out;
}

/** ‖(a ⊖ b)/σ‖²/d for one pair of states. */
function sqErr(spec: WorldSpec, a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, scale: ArrayLike<number>, tmp: Float64Array): number {
  stateDiff(spec, a, ao, b, bo, tmp, 0);
  let e = 0;
  for (let d = 0; d < spec.stateDim; d++) e += (tmp[d] / scale[d]) ** 2;
  return e / spec.stateDim;
}

/** One-step MSE on transitions, in state-std units. */
export function oneStepMSE(model: DynamicsModel, set: TransitionSet, scale: ArrayLike<number>, rng: Rng): number {
  const spec = model.spec;
  const D = spec.stateDim;
  const pred = model.predict(set.states, set.actions, rng);
  const tmp = new Float64Array(D);
  let s = 0;
  for (let i = 0; i < set.n; i++) s += sqErr(spec, pred, i * D, set.next, i * D, scale, tmp);
  return s / set.n;
}

export interface RolloutErrors {
  /** mse[h−1] = MSE after h open-loop steps, h = 1..maxH (NaN where no segment is that long). */
  mse: number[];
  /** count[h−1]: segments contributing at h. */
  count: number[];
}

/** Open-loop rollout error against horizon (all segments batched: one model call per step). */
export function rolloutMSE(model: DynamicsModel, episodes: readonly Episode[], scale: ArrayLike<number>, rng: Rng, opts: { maxH?: number; stride?: number } = {}): RolloutErrors {
  const spec = model.spec;
  const D = spec.stateDim;
  const maxH = opts.maxH ?? 50;
  const stride = opts.stride ?? 10;
  const segs: { ep: Episode; t0: number; len: number }[] = [];
  for (const ep of episodes) {
    const T = ep.actions.length;
    for (let t0 = 0; t0 < T; t0 += stride) segs.push({ ep, t0, len: Math.min(maxH, T - t0) });
  }
  const sum = new Array<number>(maxH).fill(0);
  const count = new Array<number>(maxH).fill(0);
  if (segs.length === 0) return { mse: sum.map(() => NaN), count };
  let states = new Float64Array(segs.length * D);
  segs.forEach((g, i) => states.set(g.ep.states.subarray(g.t0 * D, (g.t0 + 1) * D), i * D));
  const tmp = new Float64Array(D);
  for (let h = 1; h <= maxH; h++) {
    const active = segs.map((g, i) => (g.len >= h ? i : -1)).filter((i) => i >= 0);
    if (active.length === 0) break;
    const cur = new Float64Array(active.length * D);
    const acts = new Int32Array(active.length);
    active.forEach((i, k) => {
      cur.set(states.subarray(i * D, (i + 1) * D), k * D);
      acts[k] = segs[i].ep.actions[segs[i].t0 + h - 1];
    });
    const next = model.predict(cur, acts, rng);
    active.forEach((i, k) => {
      const g = segs[i];
      states.set(next.subarray(k * D, (k + 1) * D), i * D);
      sum[h - 1] += sqErr(spec, next, k * D, g.ep.states, (g.t0 + h) * D, scale, tmp);
      count[h - 1]++;
    });
  }
  states = new Float64Array(0);
  return { mse: sum.map((s, i) => (count[i] > 0 ? s / count[i] : NaN)), count };
}

export interface TerminationResult {
  /** Fraction of terminated episodes whose imagined termination step is within ±tol. */
  accuracy: number;
  /** Mean |T̂ − T| (T̂ = T + tol + 1 when the model never terminates in the window). */
  meanAbsError: number;
  /** Episodes used. */
  episodes: number;
}

/** How often imagined replays of terminated episodes terminate at the right time. */
export function terminationAccuracy(model: DynamicsModel, episodes: readonly Episode[], rng: Rng, tol = 2): TerminationResult {
  const spec = model.spec;
  const D = spec.stateDim;
  const eps = episodes.filter((e) => e.terminated && e.actions.length > 0);
  if (eps.length === 0) return { accuracy: NaN, meanAbsError: NaN, episodes: 0 };
  const maxT = Math.max(...eps.map((e) => e.actions.length)) + tol;
  let states = new Float64Array(eps.length * D);
  eps.forEach((e, i) => states.set(e.states.subarray(0, D), i * D));
  const first = new Array<number>(eps.length).fill(-1);
  for (let t = 1; t <= maxT; t++) {
    const acts = eps.map((e) => e.actions[Math.min(t - 1, e.actions.length - 1)]);
    states = model.predict(states, acts, rng);
    eps.forEach((_e, i) => {
      if (first[i] < 0 && spec.terminated(states, i * D)) first[i] = t;
    });
  }
  let ok = 0, abs = 0;
  eps.forEach((e, i) => {
    const T = e.actions.length;
    const That = first[i] < 0 ? T + tol + 1 : first[i];
    if (Math.abs(That - T) <= tol) ok++;
    abs += Math.min(Math.abs(That - T), tol + 1 + T);
  });
  return { accuracy: ok / eps.length, meanAbsError: abs / eps.length, episodes: eps.length };
}

/** k true next states of (s, a) from the real (stochastic) environment, [k·stateDim]. */
export function sampleTrueNext(spec: WorldSpec, variant: WorldVariant, state: ArrayLike<number>, action: number, k: number, seed: number): Float64Array {
  const env = spec.makeEnv(variant, seed);
  const D = spec.stateDim;
  const out = new Float64Array(k * D);
  for (let j = 0; j < k; j++) {
    env.reset();
    env.setState(state);
    env.step(action);
    out.set(env.state, j * D);
  }
  return out;
}

/** Unbiased MMD² of two samples (rows of width d) with an RBF kernel of bandwidth σ. */
export function mmdRbf(x: ArrayLike<number>, y: ArrayLike<number>, n: number, m: number, d: number, sigma: number): number {
  const k = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => {
    let s = 0;
    for (let q = 0; q < d; q++) s += (a[i * d + q] - b[j * d + q]) ** 2;
    return Math.exp(-s / (2 * sigma * sigma));
  };
  let kxx = 0, kyy = 0, kxy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) kxx += k(x, i, x, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) kyy += k(y, i, y, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) kxy += k(x, i, y, j);
  return kxx / (n * (n - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (n * m);
}

/** Median of pairwise Euclidean distances between rows. */
export function medianPairwiseDistance(x: ArrayLike<number>, n: number, d: number): number {
  const ds: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += (x[i * d + q] - x[j * d + q]) ** 2;
      ds.push(Math.sqrt(s));
    }
  }
  ds.sort((a, b) => a - b);
  return ds.length ? ds[Math.floor(ds.length / 2)] : 0;
}

/**
 * Mean MMD² between model and true next-state samples over `pairs` held-out (s, a) pairs,
 * `k` samples each, on residuals (s' ⊖ s) divided by `residualScale`.
 */
export function nextStateMMD(
  model: DynamicsModel,
  variant: WorldVariant,
  set: TransitionSet,
  residualScale: ArrayLike<number>,
  rng: Rng,
  opts: { pairs?: number; k?: number } = {},
): number {
  const spec = model.spec;
  const D = spec.stateDim;
  const pairs = Math.min(opts.pairs ?? 50, set.n);
  const k = opts.k ?? 32;
  const idx = rng.permutation(set.n).subarray(0, pairs);
  // one batched model call for every pair's k samples
  const S = new Float64Array(pairs * k * D);
  const A = new Int32Array(pairs * k);
  idx.forEach((i, p) => {
    for (let j = 0; j < k; j++) {
      S.set(set.states.subarray(i * D, (i + 1) * D), (p * k + j) * D);
      A[p * k + j] = set.actions[i];
    }
  });
  const pred = model.predict(S, A, rng);
  let total = 0;
  const norm = (next: Float64Array, base: Float64Array) => {
    const r = residuals(spec, { n: k, stateDim: D, states: base, next, actions: new Int32Array(k), terminated: new Uint8Array(k) });
    for (let q = 0; q < r.length; q++) r[q] /= residualScale[q % D];
    return r;
  };
  idx.forEach((i, p) => {
    const s = set.states.subarray(i * D, (i + 1) * D);
    const base = new Float64Array(k * D);
    for (let j = 0; j < k; j++) base.set(s, j * D);
    const trueR = norm(sampleTrueNext(spec, variant, s, set.actions[i], k, rng.nextSeed()), base);
    const predR = norm(pred.slice(p * k * D, (p + 1) * k * D), base);
    const sigma = Math.max(medianPairwiseDistance(trueR, k, D), 1e-3);
    total += mmdRbf(predR, trueR, k, k, D, sigma);
  });
  return total / pairs;
}

/**
 * Accuracy of a freshly trained discriminator at telling true from model next states of held-out
 * (s, a) pairs: trained on the first half (Adam 1e-3, `steps` full-batch steps), scored on the
 * second half (balanced: one true and one model next state per pair).
 */
export function heldoutDiscriminatorAccuracy(
  model: DynamicsModel,
  set: TransitionSet,
  residualScale: ArrayLike<number>,
  rng: Rng,
  opts: { steps?: number; hidden?: number[] } = {},
): number {
  const spec = model.spec;
  const D = spec.stateDim;
  const n = set.n;
  ensure(n >= 4, "heldoutDiscriminatorAccuracy needs at least 4 transitions");
  const pred = model.predict(set.states, set.actions, rng);
  const rTrue = residuals(spec, set);
  const rFake = residuals(spec, { ...set, next: pred });
  const F = standardisedFeatures(spec, set.states, n);
  const W = F.length / n + spec.nActions + D;
  const rows = (r: Float64Array) => {
    const x = new Float32Array(n * W);
    for (let i = 0; i < n; i++) {
      x.set(F.subarray((i * F.length) / n, ((i + 1) * F.length) / n), i * W);
      x[i * W + F.length / n + set.actions[i]] = 1;
      for (let d = 0; d < D; d++) x[i * W + W - D + d] = r[i * D + d] / residualScale[d];
    }
    return x;
  };
  const xt = rows(rTrue), xf = rows(rFake);
  const perm = rng.permutation(n);
  const half = Math.floor(n / 2);
  const take = (x: Float32Array, ids: Int32Array) => {
    const out = new Float32Array(ids.length * W);
    ids.forEach((i, k) => out.set(x.subarray(i * W, (i + 1) * W), k * W));
    return out;
  };
  const trainIds = perm.subarray(0, half), testIds = perm.subarray(half);
  const net = new Mlp({ inputDim: W, hidden: opts.hidden ?? [64, 64], outputDim: 1, activation: "relu", name: "Dheldout" }, rng.fork());
  const opt = tf.train.adam(1e-3);
  const steps = opts.steps ?? 300;
  const acc = tf.tidy(() => {
    const trT = tf.tensor2d(take(xt, trainIds), [trainIds.length, W]);
    const trF = tf.tensor2d(take(xf, trainIds), [trainIds.length, W]);
    for (let s = 0; s < steps; s++) {
      tf.tidy(() => {
        opt.minimize(() => tf.add(bceLogitsOnes(net.apply(trT)), bceLogitsZeros(net.apply(trF))) as tf.Scalar, false, net.params);
      });
    }
    const teT = net.apply(tf.tensor2d(take(xt, testIds), [testIds.length, W]));
    const teF = net.apply(tf.tensor2d(take(xf, testIds), [testIds.length, W]));
    const correct = tf.add(tf.sum(tf.cast(tf.greater(teT, 0), "float32")), tf.sum(tf.cast(tf.lessEqual(teF, 0), "float32")));
    return correct.dataSync()[0] / (2 * testIds.length);
  });
  net.dispose();
  opt.dispose();
  return acc;
}

/** φ(s) rows standardised with their own mean and std, [n·featureDim]. */
function standardisedFeatures(spec: WorldSpec, states: Float64Array, n: number): Float32Array {
  const Fd = spec.featureDim;
  const f = new Float32Array(n * Fd);
  for (let i = 0; i < n; i++) spec.features(states, i * spec.stateDim, f, i * Fd);
  for (let d = 0; d < Fd; d++) {
    let m = 0, v = 0;
    for (let i = 0; i < n; i++) m += f[i * Fd + d];
    m /= n;
    for (let i = 0; i < n; i++) v += (f[i * Fd + d] - m) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) f[i * Fd + d] = (f[i * Fd + d] - m) / sd;
  }
  return f;
}
