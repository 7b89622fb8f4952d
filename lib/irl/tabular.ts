/**
 * Tabular AIRL with exact quantities, to check the AIRL paper's recovery claim (Fu, Luo & Levine
 * 2018, Theorem 5.1) on a small MDP: with a state-only reward g(s), potential h(s) and
 * DETERMINISTIC dynamics, the discriminator's optimum f* = log π_E(a|s) = Q*(s,a) − V*(s) gives
 *
 *     g*(s) = r(s) + const,   h*(s) = V*_soft(s) + const,
 *
 * while a state-action f(s, a) recovers log π_E(a|s) = r(s) + γ V*(s') − V*(s): the reward shaped by
 * the soft value, not r. (Proof in notebook 11: for a deterministic step s →a s', the residual
 * k = V* − h satisfies g − r = γ k(s') − k(s) for every neighbour s' of s; with a "stay" action this
 * forces (γ − 1) k(s) = γ k(s') − k(s), so k is constant on a connected graph.)
 *
 * The game, with every expectation exact (no sampling):
 * - discriminator: `discSteps` Adam steps on the expected cross-entropy
 *   L = −Σ d_E(s,a,s') log σ(ℓ) − Σ d_π(s,a,s') log σ(−ℓ),  ℓ = f(s,a,s') − log π(a|s),
 *   with d(s,a,s') = (1 − γ) ρ(s,a) P(s'|s,a) from exact occupancy measures;
 * - generator: the soft-optimal policy for reward f̄(s,a) = Σ_s' P(s'|s,a) f(s,a,s') (max-ent RL on
 *   f − log π), mixed into the current policy's logits with step η.
 * Terminal states do not arise (the gridworld is a continuing MDP).
 */
import { ensure, checkNumber, checkPositiveInt, describe } from "../core";
import { TabularMDP, Policy, checkMDP, checkGamma, checkPolicy, sizes, occupancyMeasure, softValueIteration, zeros2, softplus } from "../tabular";

/** Forms of the tabular f: g(s) + γh(s') − h(s), or g(s, a). */
export type TabularAirlRewardType = "state-only" | "state-action";

export interface TabularAirlOptions {
  mdp: TabularMDP;
  /** Discount γ (also the shaping γ). */
  gamma: number;
  /** π_E, the expert's policy (e.g. soft-optimal for the true reward). */
  expertPolicy: Policy;
  /** "state-only" (disentangled, default) or "state-action". */
  rewardType?: TabularAirlRewardType;
  /** Outer rounds (default 150). */
  rounds?: number;
  /** Discriminator Adam steps per round (default 50). */
  discSteps?: number;
  /** Adam learning rate of the discriminator (default 0.05). */
  lr?: number;
  /** η, the generator's step in logit space (default 0.2; 1, the best response, oscillates). */
  policyStep?: number;
}

export interface TabularAirlResult {
  /** g, [|S|] (state-only) or [|S|, |A|] flattened row-major (state-action). */
  g: number[];
  /** h, [|S|] (zeros for state-action). */
  h: number[];
  /** f̄(s, a) = Σ_s' P f, [|S|][|A|]. */
  fBar: number[][];
  /** The final generator policy. */
  pi: Policy;
  /** max_{s,a} |π − π_E| after each round. */
  policyGap: number[];
  /** Expected cross-entropy after each round's discriminator steps. */
  discLoss: number[];
}

/** Runs tabular AIRL (see the module comment). Deterministic: no randomness involved. */
export function tabularAirl(opts: TabularAirlOptions): TabularAirlResult {
  const { mdp, gamma, expertPolicy } = opts;
  checkMDP(mdp);
  checkGamma(gamma);
  ensure(gamma < 1, "tabularAirl needs γ < 1 (discounted occupancy measures)");
  const { nS, nA } = sizes(mdp);
  checkPolicy(expertPolicy, nS, nA, "expertPolicy");
  const type = opts.rewardType ?? "state-only";
  ensure(type === "state-only" || type === "state-action", () => `rewardType must be "state-only" or "state-action", got ${describe(type)}`);
  const rounds = opts.rounds ?? 150;
  const discSteps = opts.discSteps ?? 50;
  const lr = opts.lr ?? 0.05;
  const eta = opts.policyStep ?? 0.2;
  checkPositiveInt(rounds, "rounds");
  checkPositiveInt(discSteps, "discSteps");
  checkNumber(lr, "lr", 1e-12);
  checkNumber(eta, "policyStep", 1e-12, 1);

  const sa = type === "state-action";
  const nG = sa ? nS * nA : nS;
  const params = new Float64Array(nG + nS); // [g, h]
  const m = new Float64Array(params.length), v = new Float64Array(params.length);
  let adamT = 0;
  const rhoE = occupancyMeasure(mdp, expertPolicy, gamma);
  let logits: number[][] = Array.from({ length: nS }, () => new Array<number>(nA).fill(0));
  let pi: Policy = softmaxRows(logits);
  const policyGap: number[] = [];
  const discLoss: number[] = [];
  const fOf = (s: number, a: number, t: number): number => (sa ? params[s * nA + a] : params[s] + gamma * params[nG + t] - params[nG + s]);

  for (let round = 0; round < rounds; round++) {
    const rhoPi = occupancyMeasure(mdp, pi, gamma);
    let loss = 0;
    for (let k = 0; k < discSteps; k++) {
      const grad = new Float64Array(params.length);
      loss = 0;
      for (let s = 0; s < nS; s++)
        for (let a = 0; a < nA; a++) {
          const lp = Math.log(pi[s][a]);
          for (let t = 0; t < nS; t++) {
            const p = mdp.P[s][a][t];
            if (p === 0) continue;
            const dE = (1 - gamma) * rhoE[s][a] * p;
            const dP = (1 - gamma) * rhoPi[s][a] * p;
            if (dE === 0 && dP === 0) continue;
            const l = fOf(s, a, t) - lp;
            const sig = 1 / (1 + Math.exp(-l));
            loss += dE * softplus(-l) + dP * softplus(l);
            const dl = -dE * (1 - sig) + dP * sig; // ∂L/∂ℓ
            if (sa) grad[s * nA + a] += dl;
            else {
              grad[s] += dl;
              grad[nG + t] += gamma * dl;
              grad[nG + s] -= dl;
            }
          }
        }
      adamT++;
      for (let i = 0; i < params.length; i++) {
        m[i] = 0.9 * m[i] + 0.1 * grad[i];
        v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
        const mh = m[i] / (1 - Math.pow(0.9, adamT));
        const vh = v[i] / (1 - Math.pow(0.999, adamT));
        params[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-12);
      }
    }
    discLoss.push(loss);
    // generator: soft-optimal policy for f̄, mixed in logit space
    const fBar = expectedF(mdp, nS, nA, fOf);
    const soft = softValueIteration(mdp, gamma, fBar);
    logits = logits.map((row, s) => row.map((z, a) => (1 - eta) * z + eta * (soft.Q[s][a] - soft.V[s])));
    pi = softmaxRows(logits);
    let gap = 0;
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) gap = Math.max(gap, Math.abs(pi[s][a] - expertPolicy[s][a]));
    policyGap.push(gap);
  }
  return {
    g: Array.from(params.subarray(0, nG)),
    h: sa ? new Array<number>(nS).fill(0) : Array.from(params.subarray(nG)),
    fBar: expectedF(mdp, nS, nA, fOf),
    pi,
    policyGap,
    discLoss,
  };
}

function expectedF(mdp: TabularMDP, nS: number, nA: number, fOf: (s: number, a: number, t: number) => number): number[][] {
  const out = zeros2(nS, nA);
  for (let s = 0; s < nS; s++)
    for (let a = 0; a < nA; a++) {
      let e = 0;
      for (let t = 0; t < nS; t++) if (mdp.P[s][a][t] > 0) e += mdp.P[s][a][t] * fOf(s, a, t);
      out[s][a] = e;
    }
  return out;
}

function softmaxRows(z: number[][]): Policy {
  return z.map((row) => {
    const mx = Math.max(...row);
    const e = row.map((x) => Math.exp(x - mx));
    const t = e.reduce((u, x) => u + x, 0);
    return e.map((x) => x / t);
  });
}

/**
 * How far `x` is from `y` + a constant: the RMS of (x − y) − mean(x − y), and the best constant.
 * 0 means x = y + c exactly. Divide by the spread of y (`std`) for a scale-free figure.
 */
export function residualUpToConstant(x: ArrayLike<number>, y: ArrayLike<number>): { rms: number; constant: number; stdY: number } {
  ensure(x.length === y.length && x.length > 0, () => `residualUpToConstant: need two non-empty arrays of one length, got ${x.length} and ${y.length}`);
  const n = x.length;
  let c = 0, my = 0;
  for (let i = 0; i < n; i++) {
    c += x[i] - y[i];
    my += y[i];
  }
  c /= n;
  my /= n;
  let r = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    r += (x[i] - y[i] - c) ** 2;
    sy += (y[i] - my) ** 2;
  }
  return { rms: Math.sqrt(r / n), constant: c, stdY: Math.sqrt(sy / n) };
}

/** A state-only reward r(s) as an [|S|, |A|] table (the same value for every action). */
export function stateRewardTable(r: ArrayLike<number>, nA: number): number[][] {
  checkPositiveInt(nA, "nA");
  return Array.from(r, (x) => new Array<number>(nA).fill(x));
}

/** The expert of the tabular checks: the soft-optimal (temperature 1) policy for `reward`. */
export function softExpert(mdp: TabularMDP, gamma: number, reward: number[][]): { pi: Policy; V: number[]; Q: number[][] } {
  const soft = softValueIteration(mdp, gamma, reward);
  return { pi: soft.pi, V: soft.V, Q: soft.Q };
}
