/**
 * Maximum-causal-entropy RL on finite MDPs: soft value iteration, the discounted causal entropy,
 * and exact gradients of occupancy-measure objectives for softmax policies.
 *
 * Paper symbols (Ho & Ermon 2016, §2–3): RL(c) = argmin_π −H(π) + E_π[c], with
 * H(π) = E_π[−log π(a|s)] the γ-discounted causal entropy. Derivations:
 * notebooks/03_maxent_irl.ipynb.
 */
import { GanrlError, ensure, checkNumber, describe } from "../core";
import { TabularMDP, Policy, checkMDP, checkGamma, checkPolicy, checkTable, sizes, zeros2, solverOptions } from "./mdp";
import { evaluateUnchecked, occupancyUnchecked, stateOccupancyUnchecked, bellmanBackup } from "./evaluate";

/** log Σ_i exp(x_i), computed stably (the library's one logsumexp; ±∞ and NaN propagate, empty: −∞). */
export function logSumExp(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (!(x[i] <= m)) m = x[i];
  if (m === -Infinity || m === Infinity || Number.isNaN(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
  return m + Math.log(s);
}

/** Row-wise softmax of logits θ[s][a]: π(a|s) = exp θ(s,a) / Σ_b exp θ(s,b). */
export function softmaxPolicy(logits: number[][]): Policy {
  return logits.map((row) => {
    const z = logSumExp(row);
    return row.map((v) => Math.exp(v - z));
  });
}

/** Options of `softValueIteration`. */
export interface SoftVIOptions {
  /** Temperature λ of the entropy bonus (default 1, the paper's −H(π) weight). */
  temperature?: number;
  /** Stop when max |V_{k+1} − V_k| falls below this (default 1e-12). */
  tol?: number;
  /** Iteration cap (default 100000). */
  maxIters?: number;
}

/** Result of `softValueIteration`. */
export interface SoftVIResult {
  /** Soft Q(s,a) = r(s,a) + γ Σ_s' P(s'|s,a) V(s'). */
  Q: number[][];
  /** Soft V(s) = λ log Σ_a exp(Q(s,a)/λ). */
  V: number[];
  /** The soft-optimal policy π(a|s) = exp((Q(s,a) − V(s))/λ). */
  pi: Policy;
  /** Σ_s p0(s) V(s) = max_π E_π[r] + λ H(π). */
  J: number;
  /** Iterations used. */
  iters: number;
}

/**
 * Soft (maximum-causal-entropy) value iteration for reward r (pass r = −c for a cost c):
 * Q(s,a) = r(s,a) + γ Σ_s' P(s'|s,a) V(s'),  V(s) = λ log Σ_a exp(Q(s,a)/λ),  π = exp((Q − V)/λ).
 * The fixed point maximises E_π[r] + λ H(π), so with λ = 1 and r = −c the policy is RL(c) of the
 * paper and −J = min_π −H(π) + E_π[c]. A γ-contraction: converges geometrically.
 */
export function softValueIteration(mdp: TabularMDP, gamma: number, reward?: number[][], opts: SoftVIOptions = {}): SoftVIResult {
  checkMDP(mdp);
  checkGamma(gamma);
  const { nS, nA } = sizes(mdp);
  const r = reward ?? mdp.r;
  if (reward) checkTable(reward, nS, nA, "reward table");
  const lam = opts.temperature ?? 1;
  checkNumber(lam, "softValueIteration temperature", 1e-12);
  const tol = opts.tol ?? 1e-12;
  const maxIters = opts.maxIters ?? 100000;
  return softVIUnchecked(mdp, gamma, r, lam, tol, maxIters);
}

/** `softValueIteration` without input checks. */
export function softVIUnchecked(mdp: TabularMDP, gamma: number, r: number[][], lam: number, tol = 1e-12, maxIters = 100000): SoftVIResult {
  const { nS, nA } = sizes(mdp);
  let V = new Array<number>(nS).fill(0);
  const Q = zeros2(nS, nA);
  let iters = 0;
  for (; iters < maxIters; iters++) {
    bellmanBackup(mdp, r, V, gamma, Q);
    const Vn = Q.map((row) => lam * logSumExp(row.map((q) => q / lam)));
    let diff = 0;
    for (let s = 0; s < nS; s++) diff = Math.max(diff, Math.abs(Vn[s] - V[s]));
    V = Vn;
    if (diff < tol) {
      iters++;
      break;
    }
  }
  // One more backup so Q matches the returned V exactly.
  for (let s = 0; s < nS; s++)
    for (let a = 0; a < nA; a++) {
      let ev = 0;
      for (let t = 0; t < nS; t++) ev += mdp.P[s][a][t] * V[t];
      Q[s][a] = r[s][a] + gamma * ev;
    }
  // Re-normalise against the final Q so every row of π sums to 1 to rounding error.
  V = Q.map((row) => lam * logSumExp(row.map((q) => q / lam)));
  const pi = Q.map((row, s) => row.map((q) => Math.exp((q - V[s]) / lam)));
  const J = mdp.p0.reduce((acc, p, s) => acc + p * V[s], 0);
  return { Q, V, pi, J, iters };
}

/**
 * Discounted causal entropy H(π) = E_π[−log π(a|s)] = Σ_{s,a} ρ_π(s,a) (−log π(a|s)), in nats.
 * (Terms with π(a|s) = 0 contribute 0.)
 */
export function causalEntropy(mdp: TabularMDP, pi: Policy, gamma: number): number {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkPolicy(pi, nS, nA);
  checkGamma(gamma);
  const rho = occupancyUnchecked(mdp, pi, gamma);
  return entropyFromOccupancy(rho, pi);
}

/** Σ ρ(s,a)(−log π(a|s)) for a given ρ and π (0·log 0 = 0). */
export function entropyFromOccupancy(rho: number[][], pi: Policy): number {
  let h = 0;
  for (let s = 0; s < rho.length; s++)
    for (let a = 0; a < rho[s].length; a++) if (pi[s][a] > 0) h -= rho[s][a] * Math.log(pi[s][a]);
  return h;
}

/** Result of `softmaxPolicyGradient`. */
export interface PolicyGradient {
  /** L(θ) = Σ_{s,a} ρ_π(s,a) (c(s,a) + λ log π(a|s)) = E_π[c] − λ H(π). */
  value: number;
  /** ∂L/∂θ(s,a), shape [|S|, |A|]. */
  grad: number[][];
  /** π = softmax(θ). */
  pi: Policy;
  /** ρ_π. */
  rho: number[][];
  /** d_π(s) = Σ_a ρ_π(s,a). */
  d: number[];
  /** A(s,a) = Q̂(s,a) − Σ_b π(b|s) Q̂(s,b), the advantage of the per-step cost ĉ; grad = d_π(s) π(a|s) A(s,a). */
  advantage: number[][];
}

/**
 * Exact gradient of L(θ) = E_π[c] − λ H(π) for the softmax policy π = softmax(θ), cost c held fixed.
 * Policy-gradient theorem: ∂L/∂θ(s,b) = d_π(s) π(b|s) (Q̂(s,b) − Σ_a π(a|s) Q̂(s,a)), where Q̂ is
 * the action value of the per-step cost ĉ(s,a) = c(s,a) + λ log π(a|s).
 * For an objective f(ρ_π), the chain rule gives ∂f/∂θ = this gradient with c = ∇f(ρ_π).
 */
export function softmaxPolicyGradient(mdp: TabularMDP, logits: number[][], gamma: number, cost: number[][], entropyWeight = 0): PolicyGradient {
  checkMDP(mdp);
  checkGamma(gamma);
  const { nS, nA } = sizes(mdp);
  checkTable(logits, nS, nA, "policy logits");
  checkTable(cost, nS, nA, "cost table");
  checkNumber(entropyWeight, "entropyWeight", 0);
  return policyGradientUnchecked(mdp, logits, gamma, cost, entropyWeight);
}

/** `softmaxPolicyGradient` without input checks. */
export function policyGradientUnchecked(mdp: TabularMDP, logits: number[][], gamma: number, cost: number[][], lam: number): PolicyGradient {
  const pi = softmaxPolicy(logits);
  const chat = cost.map((row, s) => row.map((c, a) => c + (lam > 0 ? lam * Math.log(pi[s][a]) : 0)));
  const { Q, J } = evaluateUnchecked(mdp, pi, gamma, chat);
  const d = stateOccupancyUnchecked(mdp, pi, gamma);
  const advantage = Q.map((row, s) => {
    const mean = row.reduce((u, q, a) => u + pi[s][a] * q, 0);
    return row.map((q) => q - mean);
  });
  const grad = advantage.map((row, s) => row.map((A, a) => d[s] * pi[s][a] * A));
  const rho = pi.map((row, s) => row.map((p) => p * d[s]));
  return { value: J, grad, pi, rho, d, advantage };
}

/**
 * How a tabular softmax policy step uses the exact gradient g(s,b) = d_π(s) π(b|s) A(s,b):
 * - `"vanilla"`: g itself;
 * - `"state-scaled"`: g / d_π(s) = π(b|s) A(s,b), a per-state preconditioning that removes the
 *   visitation weight (unvisited states move as fast as visited ones) but keeps the π(b|s) factor,
 *   so rarely chosen actions still move slowly. It is **not** the natural gradient;
 * - `"natural"`: A(s,b), the natural gradient F⁺g up to a per-state constant (which a softmax ignores).
 *   With the Fisher matrix F = Σ_s d_π(s) (diag π(·|s) − π(·|s)π(·|s)ᵀ) (block-diagonal over states),
 *   F_s A(s,·) = d_π(s) (π ⊙ A − π Σ_b π(b|s) A(s,b)) = d_π(s) π ⊙ A = g_s, because Σ_b π(b|s) A(s,b) = 0
 *   (Kakade 2001). Derivation and numerical check: notebooks/05_tabular_gail.ipynb.
 */
export type PolicyStep = "vanilla" | "state-scaled" | "natural";

/** The policy steps `policyStepDirection` knows. */
export const POLICY_STEPS: readonly PolicyStep[] = ["vanilla", "state-scaled", "natural"];

/** The descent direction of one policy step of the given kind (see `PolicyStep`), shape [|S|, |A|]. */
export function policyStepDirection(g: PolicyGradient, step: PolicyStep): number[][] {
  ensure(POLICY_STEPS.includes(step), () => `policy step must be one of ${POLICY_STEPS.join(", ")}, got ${describe(step)}`);
  if (step === "vanilla") return g.grad.map((row) => row.slice());
  if (step === "natural") return g.advantage.map((row) => row.slice());
  return g.grad.map((row, s) => row.map((x) => x / Math.max(g.d[s], 1e-12)));
}

/** A convex function of the occupancy measure, f(ρ), with its gradient ∇f(ρ) (shape [|S|, |A|]). */
export type OccupancyObjective = (rho: number[][]) => { value: number; grad: number[][] };

/**
 * F v for the Fisher information of a tabular softmax policy under its discounted visitation,
 * F = Σ_s d_π(s) (diag π(·|s) − π(·|s) π(·|s)ᵀ), block-diagonal over states: (F v)(s,a) =
 * d_π(s) π(a|s) (v(s,a) − Σ_b π(b|s) v(s,b)). The natural gradient x solves F x = g.
 */
export function softmaxFisherProduct(pi: Policy, d: readonly number[], v: number[][]): number[][] {
  ensure(pi.length === d.length && v.length === pi.length, "softmaxFisherProduct: pi, d and v need one row per state");
  return v.map((row, s) => {
    ensure(row.length === pi[s].length, `softmaxFisherProduct: row ${s} of v has ${row.length} entries, pi has ${pi[s].length}`);
    const mean = row.reduce((u, x, a) => u + pi[s][a] * x, 0);
    return row.map((x, a) => d[s] * pi[s][a] * (x - mean));
  });
}

/** Options of `minimisePolicyObjective`. */
export interface MinimisePolicyOptions {
  /** The MDP. */
  mdp: TabularMDP;
  /** Discount γ. */
  gamma: number;
  /** f in min_π −λH(π) + f(ρ_π). */
  objective: OccupancyObjective;
  /** λ, the weight of −H(π) (default 1). */
  entropyWeight?: number;
  /**
   * Step size (default 0.5). With `step: "natural"` and lr = 1/λ, one step on a linear f is one
   * soft policy iteration: π_new(·|s) ∝ exp(−(c(s,·) + γ Σ_s' P(s'|s,·) V̂^π(s'))/λ).
   */
  lr?: number;
  /**
   * How the exact gradient becomes a step (see `PolicyStep`); default `"state-scaled"`, the gradient
   * divided by d_π(s), which leaves π(a|s)·A(s,a), not the natural gradient A(s,a).
   */
  step?: PolicyStep;
  /** Iteration cap (default 5000). */
  iters?: number;
  /** Stop when max |step| < tol (default 1e-12). */
  tol?: number;
  /** Initial logits (default zeros: the uniform policy). */
  init?: number[][];
}

/** Result of `minimisePolicyObjective`. */
export interface MinimisePolicyResult {
  /** Final logits θ. */
  logits: number[][];
  /** π = softmax(θ). */
  pi: Policy;
  /** ρ_π. */
  rho: number[][];
  /** −λH(π) + f(ρ_π) at the end. */
  value: number;
  /** Objective per iteration. */
  history: number[];
  /** Iterations used. */
  iters: number;
}

/**
 * Minimises −λH(π) + f(ρ_π) over softmax policies by exact, preconditioned gradient descent. Each
 * step takes c = ∇f(ρ_π) as the cost of the moment and computes the policy gradient of
 * E_π[c] − λH(π) (`softmaxPolicyGradient`), which is the exact gradient of the whole objective by the
 * chain rule, g(s,a) = d_π(s) π(a|s) A(s,a); the step is g/d_π(s) = π(a|s) A(s,a) by default
 * (a per-state rescaling, not the natural gradient A(s,a); choose with `step`). Every choice descends
 * the same objective and stops at the same stationary points.
 * The right-hand side of Proposition 3.2, RL∘IRL_ψ(π_E) = argmin_π −H(π) + ψ*(ρ_π − ρ_E),
 * is this with f = ψ*(· − ρ_E).
 */
export function minimisePolicyObjective(opts: MinimisePolicyOptions): MinimisePolicyResult {
  const { mdp, gamma, objective } = opts;
  checkMDP(mdp);
  checkGamma(gamma);
  ensure(typeof objective === "function", "minimisePolicyObjective needs objective: (rho) => { value, grad }");
  const { nS, nA } = sizes(mdp);
  const lam = opts.entropyWeight ?? 1;
  checkNumber(lam, "entropyWeight", 0);
  const { lr, iters, tol } = solverOptions(opts, { lr: 0.5, iters: 5000, tol: 1e-12 });
  const step = opts.step ?? "state-scaled";
  ensure(POLICY_STEPS.includes(step), () => `minimisePolicyObjective: step must be one of ${POLICY_STEPS.join(", ")}, got ${describe(step)}`);
  const logits = opts.init ? opts.init.map((r) => r.slice()) : zeros2(nS, nA);
  checkTable(logits, nS, nA, "initial logits");
  const history: number[] = [];
  let it = 0;
  let last: PolicyGradient | null = null;
  let lastValue = NaN;
  for (; it < iters; it++) {
    const pi = softmaxPolicy(logits);
    const rho = occupancyUnchecked(mdp, pi, gamma);
    const f = objective(rho);
    checkTable(f.grad, nS, nA, "objective gradient");
    last = policyGradientUnchecked(mdp, logits, gamma, f.grad, lam);
    lastValue = f.value - lam * entropyFromOccupancy(rho, pi);
    if (!Number.isFinite(lastValue)) throw new GanrlError(`minimisePolicyObjective diverged at iteration ${it} (objective ${lastValue}); lower lr`);
    history.push(lastValue);
    let maxStep = 0;
    const dir = policyStepDirection(last, step);
    for (let s = 0; s < nS; s++) {
      for (let a = 0; a < nA; a++) {
        const delta = lr * dir[s][a];
        logits[s][a] -= delta;
        maxStep = Math.max(maxStep, Math.abs(delta));
      }
    }
    if (maxStep < tol) {
      it++;
      break;
    }
  }
  const pi = softmaxPolicy(logits);
  const rho = occupancyUnchecked(mdp, pi, gamma);
  const value = objective(rho).value - lam * entropyFromOccupancy(rho, pi);
  return { logits, pi, rho, value, history, iters: it };
}
