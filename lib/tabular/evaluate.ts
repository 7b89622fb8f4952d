/**
 * Exact policy evaluation and occupancy measures on finite MDPs (linear solves with ml-matrix).
 *
 * Symbols follow Ho & Ermon (2016): γ discount, π(a|s) policy, ρ_π(s,a) occupancy measure,
 * c(s,a) cost. Derivations: notebooks/02_occupancy_measures.ipynb.
 */
import { Matrix, LuDecomposition } from "ml-matrix";
import { Rng, ensure, checkPositiveInt } from "../core";
import { TabularMDP, Policy, checkMDP, checkPolicy, checkGamma, checkTable, sizes, zeros2 } from "./mdp";

/** P_π[s][s'] = Σ_a π(a|s) P(s'|s,a), shape [|S|, |S|]. */
export function policyTransitions(mdp: TabularMDP, pi: Policy): number[][] {
  const { nS, nA } = sizes(mdp);
  const Ppi = zeros2(nS, nS);
  for (let s = 0; s < nS; s++)
    for (let a = 0; a < nA; a++) {
      const w = pi[s][a];
      if (w === 0) continue;
      const row = mdp.P[s][a];
      for (let t = 0; t < nS; t++) Ppi[s][t] += w * row[t];
    }
  return Ppi;
}

/** Solves (I − γ M) x = b, or (I − γ Mᵀ) x = b when `transpose`. */
function solveDiscounted(M: number[][], b: number[], gamma: number, transpose: boolean): number[] {
  const n = b.length;
  const A = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) A.set(i, j, (i === j ? 1 : 0) - gamma * (transpose ? M[j][i] : M[i][j]));
  const x = new LuDecomposition(A).solve(Matrix.columnVector(b));
  return x.getColumn(0);
}

/** Result of `evaluatePolicy`. */
export interface PolicyValues {
  /** V^π(s) = E[Σ_t γ^t r(s_t,a_t) | s_0 = s], shape [|S|]. */
  V: number[];
  /** Q^π(s,a) = r(s,a) + γ Σ_s' P(s'|s,a) V^π(s'), shape [|S|, |A|]. */
  Q: number[][];
  /** J(π) = Σ_s p0(s) V^π(s), the expected discounted return. */
  J: number;
}

/**
 * Exact policy evaluation: V^π = (I − γ P_π)^{-1} r_π with r_π(s) = Σ_a π(a|s) r(s,a).
 * `reward` defaults to `mdp.r`; pass a cost table c and J is the expected discounted cost E_π[c].
 */
export function evaluatePolicy(mdp: TabularMDP, pi: Policy, gamma: number, reward?: number[][]): PolicyValues {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkPolicy(pi, nS, nA);
  checkGamma(gamma);
  const r = reward ?? mdp.r;
  if (reward) checkTable(reward, nS, nA, "reward table");
  return evaluateUnchecked(mdp, pi, gamma, r);
}

/** One Bellman backup, Q(s, a) = r(s, a) + γ Σ_s' P(s'|s, a) V(s'), written into `out`. */
export function bellmanBackup(mdp: TabularMDP, r: number[][], V: ArrayLike<number>, gamma: number, out: number[][]): number[][] {
  const { nS, nA } = sizes(mdp);
  for (let s = 0; s < nS; s++)
    for (let a = 0; a < nA; a++) {
      let ev = 0;
      const row = mdp.P[s][a];
      for (let t = 0; t < nS; t++) ev += row[t] * V[t];
      out[s][a] = r[s][a] + gamma * ev;
    }
  return out;
}

/** `evaluatePolicy` without input checks (for inner loops on already-checked inputs). */
export function evaluateUnchecked(mdp: TabularMDP, pi: Policy, gamma: number, r: number[][]): PolicyValues {
  const { nS, nA } = sizes(mdp);
  const rpi = r.map((row, s) => row.reduce((acc, v, a) => acc + pi[s][a] * v, 0));
  const V = solveDiscounted(policyTransitions(mdp, pi), rpi, gamma, false);
  const Q = bellmanBackup(mdp, r, V, gamma, zeros2(nS, nA));
  const J = mdp.p0.reduce((acc, p, s) => acc + p * V[s], 0);
  return { V, Q, J };
}

/**
 * Discounted state visitation d_π(s) = Σ_t γ^t P(s_t = s | π), the solution of the Bellman flow
 * equation d(s') = p0(s') + γ Σ_s P_π(s'|s) d(s), i.e. d = (I − γ P_πᵀ)^{-1} p0. Sums to 1/(1−γ).
 */
export function stateOccupancy(mdp: TabularMDP, pi: Policy, gamma: number): number[] {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkPolicy(pi, nS, nA);
  checkGamma(gamma);
  return stateOccupancyUnchecked(mdp, pi, gamma);
}

/** `stateOccupancy` without input checks. */
export function stateOccupancyUnchecked(mdp: TabularMDP, pi: Policy, gamma: number): number[] {
  return solveDiscounted(policyTransitions(mdp, pi), mdp.p0, gamma, true);
}

/**
 * The occupancy measure ρ_π(s,a) = π(a|s) Σ_t γ^t P(s_t = s | π) (paper, §3), shape [|S|, |A|].
 * Computed exactly by one linear solve for d_π (see `stateOccupancy`). Its entries sum to 1/(1−γ);
 * multiply by (1−γ) for the normalised state-action distribution.
 */
export function occupancyMeasure(mdp: TabularMDP, pi: Policy, gamma: number): number[][] {
  const d = stateOccupancy(mdp, pi, gamma);
  return pi.map((row, s) => row.map((p) => p * d[s]));
}

/** `occupancyMeasure` without input checks. */
export function occupancyUnchecked(mdp: TabularMDP, pi: Policy, gamma: number): number[][] {
  const d = stateOccupancyUnchecked(mdp, pi, gamma);
  return pi.map((row, s) => row.map((p) => p * d[s]));
}

/**
 * Residual of the Bellman flow constraints for a candidate ρ, shape [|S|]:
 * Σ_a ρ(s',a) − p0(s') − γ Σ_{s,a} P(s'|s,a) ρ(s,a). A valid occupancy measure (the set 𝒟 of
 * the paper) has residual 0 everywhere and ρ ≥ 0.
 */
export function bellmanFlowResidual(mdp: TabularMDP, rho: number[][], gamma: number): number[] {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkTable(rho, nS, nA, "occupancy measure rho");
  checkGamma(gamma);
  const res = rho.map((row, s) => row.reduce((u, v) => u + v, 0) - mdp.p0[s]);
  for (let s = 0; s < nS; s++)
    for (let a = 0; a < nA; a++) {
      const w = rho[s][a];
      if (w === 0) continue;
      const row = mdp.P[s][a];
      for (let t = 0; t < nS; t++) res[t] -= gamma * row[t] * w;
    }
  return res;
}

/**
 * π_ρ(a|s) = ρ(s,a) / Σ_a' ρ(s,a') (Proposition 3.1: the unique policy whose occupancy measure
 * is ρ, for ρ in the valid set). States with Σ_a ρ(s,a) = 0 are never visited; they get the
 * uniform policy (any choice there leaves ρ unchanged).
 */
export function policyFromOccupancy(rho: number[][]): Policy {
  ensure(Array.isArray(rho) && rho.length > 0 && Array.isArray(rho[0]), "policyFromOccupancy needs rho[s][a], a non-empty table");
  const nS = rho.length, nA = rho[0].length;
  checkTable(rho, nS, nA, "occupancy measure rho");
  return rho.map((row, s) => {
    const z = row.reduce((u, v) => {
      ensure(v >= 0, () => `rho[${s}] holds a negative entry (${v}); an occupancy measure is non-negative`);
      return u + v;
    }, 0);
    return z > 0 ? row.map((v) => v / z) : row.map(() => 1 / nA);
  });
}

/** Σ_{s,a} ρ(s,a) c(s,a): the expected discounted cost E_π[c] when ρ = ρ_π. */
export function expectedUnderOccupancy(rho: number[][], c: number[][]): number {
  ensure(rho.length === c.length, () => `rho has ${rho.length} rows and c has ${c.length}; they must have the same shape`);
  let s = 0;
  for (let i = 0; i < rho.length; i++) {
    ensure(rho[i].length === c[i].length, () => `rho[${i}] and c[${i}] differ in length`);
    for (let a = 0; a < rho[i].length; a++) s += rho[i][a] * c[i][a];
  }
  return s;
}

/** Distributions of s_t for t = 0..T−1 under π, shape [T, |S|]. */
export function stateDistributions(mdp: TabularMDP, pi: Policy, T: number): number[][] {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkPolicy(pi, nS, nA);
  checkPositiveInt(T, "horizon T");
  const Ppi = policyTransitions(mdp, pi);
  const out: number[][] = [mdp.p0.slice()];
  for (let t = 1; t < T; t++) {
    const prev = out[t - 1];
    const next = new Array<number>(nS).fill(0);
    for (let s = 0; s < nS; s++) if (prev[s] !== 0) for (let u = 0; u < nS; u++) next[u] += prev[s] * Ppi[s][u];
    out.push(next);
  }
  return out;
}

/**
 * Undiscounted T-step return E_π[Σ_{t=0}^{T−1} r(s_t,a_t)], exactly (no sampling).
 * `reward` defaults to `mdp.r`.
 */
export function finiteHorizonReturn(mdp: TabularMDP, pi: Policy, T: number, reward?: number[][]): number {
  const dist = stateDistributions(mdp, pi, T);
  const { nS, nA } = sizes(mdp);
  const r = reward ?? mdp.r;
  if (reward) checkTable(reward, nS, nA, "reward table");
  let J = 0;
  for (const d of dist) for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) J += d[s] * pi[s][a] * r[s][a];
  return J;
}

/** One sampled trajectory: states s_0..s_{T−1}, actions a_0..a_{T−1}, rewards. */
export interface Trajectory {
  states: number[];
  actions: number[];
  rewards: number[];
}

/** Samples `n` trajectories of length T under π, with all randomness from `rng`. */
export function sampleTrajectories(mdp: TabularMDP, pi: Policy, T: number, n: number, rng: Rng): Trajectory[] {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkPolicy(pi, nS, nA);
  checkPositiveInt(T, "horizon T");
  checkPositiveInt(n, "number of trajectories");
  const out: Trajectory[] = [];
  for (let i = 0; i < n; i++) {
    const tr: Trajectory = { states: [], actions: [], rewards: [] };
    let s = rng.categorical(mdp.p0);
    for (let t = 0; t < T; t++) {
      const a = rng.categorical(pi[s]);
      tr.states.push(s);
      tr.actions.push(a);
      tr.rewards.push(mdp.r[s][a]);
      s = rng.categorical(mdp.P[s][a]);
    }
    out.push(tr);
  }
  return out;
}

/**
 * Monte Carlo estimate of ρ_π from trajectories: ρ̂(s,a) = (1/n) Σ_i Σ_t γ^t 1[s_t = s, a_t = a].
 * (Truncated at the trajectories' length; the missing mass is γ^T/(1−γ).)
 */
export function empiricalOccupancy(trajs: Trajectory[], nS: number, nA: number, gamma: number): number[][] {
  checkGamma(gamma);
  ensure(trajs.length > 0, "empiricalOccupancy needs at least one trajectory");
  const rho = zeros2(nS, nA);
  for (const tr of trajs) {
    let g = 1;
    for (let t = 0; t < tr.states.length; t++) {
      rho[tr.states[t]][tr.actions[t]] += g / trajs.length;
      g *= gamma;
    }
  }
  return rho;
}
