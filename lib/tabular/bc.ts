/**
 * Behavioural cloning on finite MDPs: maximum likelihood (optionally with add-α smoothing) of the
 * expert's actions given states.
 *
 * BC solves π_BC = argmin_π E_{s∼d_E}[KL(π_E(·|s) ‖ π(·|s))] = argmax_π E_{(s,a)∼D}[log π(a|s)] on the
 * demonstration set D; for tables the answer is the empirical action frequencies per state.
 * Derivations: notebooks/01_mdps_and_behavioural_cloning.ipynb.
 */
import { ensure, checkNumber, checkPositiveInt } from "../core";
import { Policy } from "./mdp";
import { Trajectory } from "./evaluate";

/** Options of `behaviouralCloning`. */
export interface BCOptions {
  /** α of add-α smoothing, a Dirichlet(α+1) prior's MAP estimate (default 0: plain maximum likelihood). */
  smoothing?: number;
}

/**
 * Tabular BC: π_BC(a|s) = (n(s,a) + α) / (n(s) + |A|α) from the demonstrations' counts; states never
 * demonstrated get the uniform policy (the data say nothing about them).
 */
export function behaviouralCloning(demos: Trajectory[], nS: number, nA: number, opts: BCOptions = {}): Policy {
  checkPositiveInt(nS, "nS");
  checkPositiveInt(nA, "nA");
  ensure(Array.isArray(demos) && demos.length > 0, "behaviouralCloning needs at least one demonstration trajectory");
  const alpha = opts.smoothing ?? 0;
  checkNumber(alpha, "smoothing (α)", 0);
  const n = Array.from({ length: nS }, () => new Array<number>(nA).fill(0));
  demos.forEach((tr, i) => {
    ensure(tr.states.length === tr.actions.length, () => `demonstration ${i} has ${tr.states.length} states but ${tr.actions.length} actions`);
    tr.states.forEach((s, t) => {
      const a = tr.actions[t];
      ensure(Number.isInteger(s) && s >= 0 && s < nS, () => `demonstration ${i} step ${t}: state ${s} is outside 0..${nS - 1}`);
      ensure(Number.isInteger(a) && a >= 0 && a < nA, () => `demonstration ${i} step ${t}: action ${a} is outside 0..${nA - 1}`);
      n[s][a] += 1;
    });
  });
  return n.map((row) => {
    const z = row.reduce((u, v) => u + v, 0) + nA * alpha;
    return z > 0 ? row.map((v) => (v + alpha) / z) : row.map(() => 1 / nA);
  });
}

/** Average negative log-likelihood −(1/N) Σ_{(s,a)∈D} log π(a|s) of the demonstrations under π (the BC loss). */
export function bcNegLogLikelihood(demos: Trajectory[], pi: Policy): number {
  let nll = 0, n = 0;
  for (const tr of demos)
    tr.states.forEach((s, t) => {
      nll -= Math.log(pi[s][tr.actions[t]]);
      n++;
    });
  ensure(n > 0, "bcNegLogLikelihood needs at least one state-action pair");
  return nll / n;
}

/**
 * Expected KL to the expert on the expert's states, E_{s∼d}[KL(π_E(·|s) ‖ π(·|s))], for state
 * weights d (e.g. the expert's state visitation, normalised inside).
 */
export function expectedPolicyKL(piE: Policy, pi: Policy, d: number[]): number {
  const z = d.reduce((u, v) => u + v, 0);
  ensure(z > 0, "expectedPolicyKL needs state weights with a positive sum");
  let kl = 0;
  for (let s = 0; s < d.length; s++) {
    if (d[s] === 0) continue;
    for (let a = 0; a < piE[s].length; a++) {
      if (piE[s][a] === 0) continue;
      kl += (d[s] / z) * piE[s][a] * (Math.log(piE[s][a]) - Math.log(pi[s][a]));
    }
  }
  return kl;
}
