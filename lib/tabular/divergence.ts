/**
 * Divergences between occupancy measures, the optimal discriminator, the GAIL regulariser ψ_GA
 * and its convex conjugate, and the three GAIL reward forms.
 *
 * Label convention: in this library a discriminator's logit ℓ(s,a) is high for EXPERT pairs,
 * D_E = σ(ℓ) is the probability "expert" (as in the `imitation` package). The paper's D is the
 * other side, D = 1 − D_E (high for policy pairs, and c = log D is the cost). Both conventions give
 * the same objective value: Σ ρ_π log D + Σ ρ_E log(1 − D) = Σ ρ_E log D_E + Σ ρ_π log(1 − D_E).
 * Derivations: notebooks/04_gail_regulariser_js.ipynb.
 */
import { GanrlError, ensure, checkNumber, checkPositiveInt, describe } from "../core";
import { checkTable, zeros2 } from "./mdp";

/**
 * The logistic helpers of the whole library (tabular GAIL, the imitation discriminators and their
 * rewards, AIRL's tabular check): never the log of a rounded probability.
 */

/** Numerically stable softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** log σ(x) = −softplus(−x) = −log(1 + e^{−x}), stable for any x. */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/** σ(x) = 1 / (1 + e^{−x}), stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function flatten(p: number[] | number[][], what: string): number[] {
  ensure(Array.isArray(p) && p.length > 0, () => `${what} must be a non-empty array, got ${describe(p)}`);
  const flat = (Array.isArray(p[0]) ? (p as number[][]).flat() : (p as number[])).slice();
  flat.forEach((v, i) => {
    ensure(typeof v === "number" && Number.isFinite(v), () => `${what} holds a non-finite value (${describe(v)}) at flat index ${i}`);
    ensure(v >= 0, () => `${what} holds a negative value (${v}) at flat index ${i}; distributions and occupancy measures are non-negative`);
  });
  return flat;
}

/** Normalises a non-negative vector or table to a distribution (flattened). ρ ↦ (1−γ)ρ for occupancy measures. */
export function normalise(p: number[] | number[][], what = "p"): number[] {
  const f = flatten(p, what);
  const z = f.reduce((u, v) => u + v, 0);
  ensure(z > 0, () => `${what} sums to 0; it cannot be normalised to a distribution`);
  return f.map((v) => v / z);
}

function pair(p: number[] | number[][], q: number[] | number[][]): [number[], number[]] {
  const a = normalise(p, "p"), b = normalise(q, "q");
  ensure(a.length === b.length, () => `p and q have different sizes (${a.length} and ${b.length}); compare tables of the same shape`);
  return [a, b];
}

/**
 * KL(p‖q) = Σ_i p_i log(p_i / q_i) in nats, between the distributions proportional to p and q
 * (each is normalised first, so occupancy measures can be passed directly). +∞ if p_i > 0 = q_i.
 */
export function klDivergence(p: number[] | number[][], q: number[] | number[][]): number {
  const [a, b] = pair(p, q);
  let kl = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    if (b[i] === 0) return Infinity;
    kl += a[i] * Math.log(a[i] / b[i]);
  }
  return kl;
}

/**
 * Jensen–Shannon divergence JS(p‖q) = ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q), in nats; lies in
 * [0, log 2]. Inputs are normalised first.
 */
export function jsDivergence(p: number[] | number[][], q: number[] | number[][]): number {
  const [a, b] = pair(p, q);
  let js = 0;
  for (let i = 0; i < a.length; i++) {
    const m = 0.5 * (a[i] + b[i]);
    if (a[i] > 0) js += 0.5 * a[i] * Math.log(a[i] / m);
    if (b[i] > 0) js += 0.5 * b[i] * Math.log(b[i] / m);
  }
  return js;
}

/** L1 distance Σ |p_i − q_i| between two tables of the same shape (not normalised). */
export function l1Distance(p: number[][], q: number[][]): number {
  ensure(p.length === q.length, "l1Distance: tables differ in number of rows");
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    ensure(p[i].length === q[i].length, () => `l1Distance: rows ${i} differ in length`);
    for (let j = 0; j < p[i].length; j++) s += Math.abs(p[i][j] - q[i][j]);
  }
  return s;
}

/**
 * The optimal discriminator, expert-is-high convention: D_E*(s,a) = ρ_E(s,a) / (ρ_E(s,a) + ρ_π(s,a))
 * (0.5 where both are 0). The paper's D* = ρ_π/(ρ_π + ρ_E) = 1 − D_E*.
 */
export function optimalDiscriminator(rhoE: number[][], rhoPi: number[][]): number[][] {
  ensure(Array.isArray(rhoE) && rhoE.length > 0, "optimalDiscriminator needs rhoE[s][a]");
  const nS = rhoE.length, nA = rhoE[0].length;
  checkTable(rhoE, nS, nA, "rhoE");
  checkTable(rhoPi, nS, nA, "rhoPi");
  return rhoE.map((row, s) => row.map((e, a) => (e + rhoPi[s][a] > 0 ? e / (e + rhoPi[s][a]) : 0.5)));
}

/**
 * The discriminator objective from expert-is-high logits ℓ, D_E = σ(ℓ):
 * V(ℓ) = Σ ρ_E log D_E + Σ ρ_π log(1 − D_E) — equal to the paper's E_π[log D] + E_πE[log(1 − D)]
 * with D = 1 − D_E, written with unnormalised occupancy measures (multiply by (1−γ) for expectations).
 */
export function discriminatorObjective(logitsExpertIsHigh: number[][], rhoE: number[][], rhoPi: number[][]): number {
  let v = 0;
  for (let s = 0; s < rhoE.length; s++)
    for (let a = 0; a < rhoE[s].length; a++) {
      const u = logitsExpertIsHigh[s][a];
      if (rhoE[s][a] > 0) v += rhoE[s][a] * logSigmoid(u);
      if (rhoPi[s][a] > 0) v += rhoPi[s][a] * logSigmoid(-u);
    }
  return v;
}

/** The same objective for probabilities D_E (0·log 0 = 0). */
export function discriminatorObjectiveFromProbs(dExpert: number[][], rhoE: number[][], rhoPi: number[][]): number {
  let v = 0;
  for (let s = 0; s < rhoE.length; s++)
    for (let a = 0; a < rhoE[s].length; a++) {
      if (rhoE[s][a] > 0) v += rhoE[s][a] * Math.log(dExpert[s][a]);
      if (rhoPi[s][a] > 0) v += rhoPi[s][a] * Math.log(1 - dExpert[s][a]);
    }
  return v;
}

/** Options of `trainTabularDiscriminator`. */
export interface TrainDiscriminatorOptions {
  /** ρ_E, the expert's occupancy measure. */
  rhoE: number[][];
  /** ρ_π, the policy's occupancy measure. */
  rhoPi: number[][];
  /** Gradient-ascent steps (default 2000). */
  steps?: number;
  /** Step size on the logits (default 1). */
  lr?: number;
  /** Initial expert-is-high logits (default zeros, D = ½). */
  init?: number[][];
}

/**
 * Trains a tabular discriminator (one free logit per (s,a)) by gradient ascent on
 * V(ℓ) = Σ ρ_E log σ(ℓ) + Σ ρ_π log σ(−ℓ); ∂V/∂ℓ(s,a) = ρ_E(s,a) − (ρ_E(s,a) + ρ_π(s,a)) σ(ℓ(s,a)).
 * Returns the logits and V after every step; V increases towards V(D*) = `optimalDiscriminator`'s value.
 */
export function trainTabularDiscriminator(opts: TrainDiscriminatorOptions): { logits: number[][]; history: number[] } {
  const { rhoE, rhoPi } = opts;
  ensure(Array.isArray(rhoE) && rhoE.length > 0, "trainTabularDiscriminator needs rhoE[s][a]");
  const nS = rhoE.length, nA = rhoE[0].length;
  checkTable(rhoE, nS, nA, "rhoE");
  checkTable(rhoPi, nS, nA, "rhoPi");
  const steps = opts.steps ?? 2000;
  checkPositiveInt(steps, "discriminator steps");
  const lr = opts.lr ?? 1;
  checkNumber(lr, "discriminator lr", 1e-15);
  const u = opts.init ? opts.init.map((r) => r.slice()) : zeros2(nS, nA);
  checkTable(u, nS, nA, "initial discriminator logits");
  const history: number[] = [];
  for (let k = 0; k < steps; k++) {
    discriminatorStep(u, rhoE, rhoPi, lr);
    history.push(discriminatorObjective(u, rhoE, rhoPi));
  }
  return { logits: u, history };
}

/** One in-place gradient-ascent step on expert-is-high logits ℓ. */
export function discriminatorStep(u: number[][], rhoE: number[][], rhoPi: number[][], lr: number): void {
  for (let s = 0; s < u.length; s++)
    for (let a = 0; a < u[s].length; a++) u[s][a] += lr * (rhoE[s][a] - (rhoE[s][a] + rhoPi[s][a]) * sigmoid(u[s][a]));
}

/** g(x) = −x − log(1 − e^x) for x < 0, +∞ otherwise (the per-pair penalty of ψ_GA). */
export function gailPenalty(x: number): number {
  return x < 0 ? -x - Math.log(-Math.expm1(x)) : Infinity;
}

/**
 * The GAIL regulariser (paper, eq. 13): ψ_GA(c) = E_πE[g(c(s,a))] = Σ ρ_E(s,a) g(c(s,a)) if c < 0
 * everywhere, +∞ otherwise. It charges little for costs that are very negative on expert pairs.
 */
export function psiGA(c: number[][], rhoE: number[][]): number {
  let v = 0;
  for (let s = 0; s < c.length; s++)
    for (let a = 0; a < c[s].length; a++) {
      if (!(c[s][a] < 0)) return Infinity;
      if (rhoE[s][a] > 0) v += rhoE[s][a] * gailPenalty(c[s][a]);
    }
  return v;
}

/**
 * ψ_GA*(x) = sup_c Σ x c − ψ_GA(c), computed numerically: ψ_GA is a sum over (s,a), so the sup
 * splits into one concave 1-D maximisation per pair, h(c) = x c − ρ_E g(c) over c < 0, solved by
 * bisection on h'(c) = x + ρ_E − ρ_E e^c/(1 − e^c). No closed form is used, so comparing with the
 * discriminator's optimum is a genuine check of the paper's eq. 14. Returns the value and the
 * maximising cost c* (the paper's log D*). +∞ when some x + ρ_E < 0.
 */
export function psiGAConjugate(x: number[][], rhoE: number[][]): { value: number; argmax: number[][] } {
  let v = 0;
  const argmax = x.map((row) => row.map(() => 0));
  for (let s = 0; s < x.length; s++)
    for (let a = 0; a < x[s].length; a++) {
      const e = rhoE[s][a], xi = x[s][a];
      const y = xi + e;
      if (y < -1e-15) return { value: Infinity, argmax };
      if (e === 0) {
        argmax[s][a] = 0; // sup of x·c over c < 0 with x >= 0: approached as c -> 0
        continue;
      }
      if (y <= 0) {
        argmax[s][a] = -Infinity; // h(c) = e·log(1 − e^c) -> 0 as c -> −∞
        continue;
      }
      const dh = (c: number) => y - e / Math.expm1(-c); // e^c/(1−e^c) = 1/(e^{−c} − 1), stable near 0
      // critical: h' is decreasing; keep lo where h' > 0 (h'(−800) = y > 0) and hi where h' < 0.
      let lo = -800, hi = -1e-300;
      for (let k = 0; k < 2000 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); k++) {
        const mid = 0.5 * (lo + hi);
        if (dh(mid) > 0) lo = mid;
        else hi = mid;
      }
      const c = 0.5 * (lo + hi);
      argmax[s][a] = c;
      v += xi * c - e * gailPenalty(c);
    }
  return { value: v, argmax };
}

/** The three GAIL reward forms (one spelling for the tabular and the neural GAIL), as functions of D_E = σ(ℓ). */
export const REWARD_FORMS = ["logD", "neglog1mD", "logit"] as const;
/**
 * GAIL rewards from the expert-is-high logit ℓ, never from log of a probability:
 * - "logD": r = log D_E = −softplus(−ℓ) ≤ 0 (saturates, slope → 0, as ℓ → +∞). Every step costs:
 *   the agent is paid to END episodes early (right for Acrobot and MountainCar, where the expert
 *   reaches the goal fast; the paper's choice there, its `favor_zero_expert_reward`);
 * - "neglog1mD": r = −log(1 − D_E) = softplus(ℓ) ≥ 0 — the paper's −c = −log D with D = 1 − D_E
 *   (slope σ(ℓ) → 0 as ℓ → −∞: no signal where the discriminator confidently rejects the policy).
 *   Every step pays: the agent is paid to SURVIVE (right for CartPole; the paper's choice there,
 *   and the Python imitation library's default, which is why its GAIL fails on Acrobot-v1);
 * - "logit": r = log D_E − log(1 − D_E) = ℓ (slope 1 everywhere), the sum of the two (AIRL's form
 *   for a GAIL discriminator; at the optimal D it is log ρ_E/ρ_π: its sign carries no bias by
 *   construction, though its mean over a batch still can).
 *
 * The sign bias in one line: with a per-step reward r of constant sign, an episode's return grows
 * (r > 0) or shrinks (r < 0) with its length, whatever the discriminator says. Absorbing-state
 * handling (`absorbing` in the GAIL options) removes it by letting D price termination itself.
 */
export type RewardForm = (typeof REWARD_FORMS)[number];

/** Checks a reward form name, listing the valid ones. */
export function checkRewardForm(form: unknown): asserts form is RewardForm {
  if (!(REWARD_FORMS as readonly unknown[]).includes(form)) {
    throw new GanrlError(`unknown GAIL reward form ${describe(form)}; valid forms: ${REWARD_FORMS.join(", ")}`);
  }
}

/** The reward of one pair from its expert-is-high logit ℓ (see `RewardForm`). */
export function rewardFromLogit(form: RewardForm, logit: number): number {
  switch (form) {
    case "logD":
      return logSigmoid(logit);
    case "neglog1mD":
      return softplus(logit);
    case "logit":
      return logit;
    default:
      checkRewardForm(form);
      return NaN;
  }
}

/** dr/dℓ of `rewardFromLogit`: σ(−ℓ), σ(ℓ) and 1. */
export function rewardSlope(form: RewardForm, u: number): number {
  switch (form) {
    case "logD":
      return sigmoid(-u);
    case "neglog1mD":
      return sigmoid(u);
    case "logit":
      return 1;
    default:
      checkRewardForm(form);
      return NaN;
  }
}

/** The sign of a reward form's values: +1 (≥ 0, `neglog1mD`), −1 (≤ 0, `logD`), 0 (`logit`, either sign). */
export function rewardFormSign(form: RewardForm): 1 | -1 | 0 {
  checkRewardForm(form);
  return form === "neglog1mD" ? 1 : form === "logD" ? -1 : 0;
}
