/**
 * Maximum-causal-entropy inverse RL on finite MDPs, with an optional L2 regulariser ψ.
 *
 * Paper (Ho & Ermon 2016, eqs. 1 and 3): IRL_ψ(π_E) = argmax_c −ψ(c) + (min_π −H(π) + E_π[c]) − E_πE[c].
 * Here c is linear in features, c_w(s,a) = Σ_k w_k φ_k(s,a), and ψ(c) = (α/2)‖w‖². The inner
 * minimum is soft value iteration with reward −c_w (policy π_w); by the envelope theorem the
 * gradient of the objective in w is
 *     ∇_w = Φᵀ(ρ_{π_w} − ρ_E) − α w,
 * i.e. feature expectations of the learner minus the expert's. At α = 0 the optimum matches
 * feature expectations exactly (apprenticeship learning); with one-hot features (the full cost
 * class, ψ constant) it matches ρ_E itself. Derivations: notebooks/03_maxent_irl.ipynb.
 */
import { GanrlError, ensure, checkNumber, checkPositiveInt } from "../core";
import { TabularMDP, Policy, checkMDP, checkGamma, checkTable, sizes, solverOptions } from "./mdp";
import { occupancyUnchecked } from "./evaluate";
import { softVIUnchecked } from "./soft";

/** One-hot features φ_{(s,a)}(s',a') = 1[s = s', a = a'], shape [|S|, |A|, |S|·|A|] (the full cost class). */
export function oneHotFeatures(nS: number, nA: number): number[][][] {
  checkPositiveInt(nS, "nS");
  checkPositiveInt(nA, "nA");
  return Array.from({ length: nS }, (_, s) =>
    Array.from({ length: nA }, (_, a) => Array.from({ length: nS * nA }, (_, k) => (k === s * nA + a ? 1 : 0))),
  );
}

/** Feature expectations μ(ρ)_k = Σ_{s,a} ρ(s,a) φ_k(s,a). */
export function featureExpectations(rho: number[][], features: number[][][]): number[] {
  const K = features[0][0].length;
  const mu = new Array<number>(K).fill(0);
  for (let s = 0; s < rho.length; s++)
    for (let a = 0; a < rho[s].length; a++) {
      const w = rho[s][a];
      if (w === 0) continue;
      const f = features[s][a];
      for (let k = 0; k < K; k++) mu[k] += w * f[k];
    }
  return mu;
}

/** The cost c_w(s,a) = Σ_k w_k φ_k(s,a), shape [|S|, |A|]. */
export function linearCost(w: number[], features: number[][][]): number[][] {
  return features.map((row) => row.map((f) => f.reduce((u, v, k) => u + v * w[k], 0)));
}

/** Options of `maxEntIrl`. */
export interface MaxEntIrlOptions {
  /** The MDP (its reward `r` is ignored: IRL only sees the expert). */
  mdp: TabularMDP;
  /** Discount γ. */
  gamma: number;
  /** ρ_E, the expert's occupancy measure (exact, or estimated from demonstrations). */
  rhoE: number[][];
  /** φ[s][a][k], shape [|S|, |A|, K] (default: one-hot, the full tabular cost class). */
  features?: number[][][];
  /** α in ψ(c) = (α/2)‖w‖² (default 0: no regulariser). */
  l2?: number;
  /** Gradient-ascent step size on w (default 0.1). */
  lr?: number;
  /** Iteration cap (default 5000). */
  iters?: number;
  /** Stop when max_k |∇_w| < tol (default 1e-9). */
  tol?: number;
  /** Initial weights (default zeros). */
  init?: number[];
}

/** Result of `maxEntIrl`. */
export interface MaxEntIrlResult {
  /** Learned cost weights w. */
  w: number[];
  /** Learned cost c_w(s,a). */
  cost: number[][];
  /** RL(c_w): the soft-optimal policy for reward −c_w. */
  pi: Policy;
  /** ρ of that policy. */
  rho: number[][];
  /** max_k |Φᵀ(ρ_π − ρ_E) − αw|_k after each iteration. */
  gradNorm: number[];
  /** The IRL objective −ψ(c) + min_π(−H(π) + E_π[c]) − E_πE[c] after each iteration (increasing). */
  objective: number[];
  /** Iterations used. */
  iters: number;
}

/**
 * Maximum-causal-entropy IRL by gradient ascent on the cost weights w (see the file comment for
 * the objective and gradient). Each iteration runs soft value iteration for reward −c_w and one
 * occupancy solve. Returns the cost, the policy RL(c) and the convergence history.
 */
export function maxEntIrl(opts: MaxEntIrlOptions): MaxEntIrlResult {
  const { mdp, gamma, rhoE } = opts;
  checkMDP(mdp);
  checkGamma(gamma);
  const { nS, nA } = sizes(mdp);
  checkTable(rhoE, nS, nA, "expert occupancy rhoE");
  const features = opts.features ?? oneHotFeatures(nS, nA);
  ensure(Array.isArray(features) && features.length === nS, () => `features must have shape [${nS}, ${nA}, K]`);
  const K = features[0]?.[0]?.length ?? 0;
  ensure(K > 0, "features[s][a] must be a non-empty vector");
  for (let s = 0; s < nS; s++) checkTable(features[s], nA, K, `features[${s}]`);
  const alpha = opts.l2 ?? 0;
  checkNumber(alpha, "l2 (α)", 0);
  const { lr, iters, tol } = solverOptions(opts, { lr: 0.1, iters: 5000, tol: 1e-9 });
  const w = opts.init ? opts.init.slice() : new Array<number>(K).fill(0);
  ensure(w.length === K, () => `init has ${w.length} weights but there are ${K} features`);
  const muE = featureExpectations(rhoE, features);
  const gradNorm: number[] = [];
  const objective: number[] = [];
  let it = 0;
  let pi: Policy = [];
  let rho: number[][] = [];
  let cost: number[][] = [];
  for (; it < iters; it++) {
    cost = linearCost(w, features);
    const soft = softVIUnchecked(mdp, gamma, cost.map((r) => r.map((c) => -c)), 1);
    pi = soft.pi;
    rho = occupancyUnchecked(mdp, pi, gamma);
    const mu = featureExpectations(rho, features);
    let gmax = 0;
    const g = mu.map((m, k) => m - muE[k] - alpha * w[k]);
    for (const v of g) gmax = Math.max(gmax, Math.abs(v));
    const obj = -0.5 * alpha * w.reduce((u, v) => u + v * v, 0) - soft.J - muE.reduce((u, m, k) => u + m * w[k], 0);
    if (!Number.isFinite(obj)) throw new GanrlError(`maxEntIrl diverged at iteration ${it}; lower lr (now ${lr})`);
    gradNorm.push(gmax);
    objective.push(obj);
    if (gmax < tol) {
      it++;
      break;
    }
    for (let k = 0; k < K; k++) w[k] += lr * g[k];
  }
  return { w, cost, pi, rho, gradNorm, objective, iters: it };
}
