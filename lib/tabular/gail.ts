/**
 * GAIL on a finite MDP with exact quantities: exact occupancy measures instead of rollouts, exact
 * discriminator gradients instead of minibatches, and the exact policy gradient of the softmax
 * policy under the discriminator's reward. What is left is the algorithm itself (paper, Alg. 1):
 *
 *   for i = 0, 1, …:
 *     discriminator: a few ascent steps on Σ ρ_E log D_E + Σ ρ_π log(1 − D_E)   (D_E = σ(ℓ), expert is high)
 *     policy:        one preconditioned gradient step on E_π[r] + λ H(π) with r = reward(u), held fixed
 *                    (default: the exact gradient divided by d_π(s), i.e. π(a|s)·A(s,a); `policyStep: "natural"`
 *                    takes the natural gradient A(s,a) instead, as TRPO approximates it)
 *
 * With r = −log(1 − D_E) (the paper's cost c = log D, D = 1 − D_E) and an optimal discriminator,
 * the policy step is a gradient step on ψ_GA*(ρ_π − ρ_E) − λH(π) (Danskin's theorem).
 * Derivations: notebooks/05_tabular_gail.ipynb.
 */
import { ensure, checkNumber, checkPositiveInt, describe } from "../core";
import { TabularMDP, Policy, checkMDP, checkGamma, checkTable, sizes, zeros2 } from "./mdp";
import { occupancyUnchecked } from "./evaluate";
import { softmaxPolicy, policyGradientUnchecked, policyStepDirection, POLICY_STEPS, PolicyStep } from "./soft";
import { RewardForm, REWARD_FORMS, rewardFromLogit, sigmoid, jsDivergence, l1Distance, discriminatorObjective, optimalDiscriminator } from "./divergence";

/** Options of `tabularGail`. */
export interface TabularGailOptions {
  /** The MDP (its reward is never used). */
  mdp: TabularMDP;
  /** Discount γ. */
  gamma: number;
  /** ρ_E, the expert's occupancy measure. */
  rhoE: number[][];
  /** Outer iterations (default 300). */
  iterations?: number;
  /** Discriminator ascent steps per iteration (default 5); ignored when `optimalDiscriminator`. */
  discSteps?: number;
  /** Discriminator step size; each pair's step is scaled by 1/(ρ_E + ρ_π) so any value in (0, 4] is stable (default 1). */
  discLr?: number;
  /** Use D* = ρ_E/(ρ_E + ρ_π) every iteration instead of ascent steps (default false). */
  optimalDiscriminator?: boolean;
  /** Policy step size (default 0.5). */
  policyLr?: number;
  /** How the policy gradient becomes a step (see `PolicyStep` in soft.ts; default "state-scaled", π(a|s)·A(s,a)). */
  policyStep?: PolicyStep;
  /** λ, weight of the causal entropy H(π) (default 0). */
  entropyWeight?: number;
  /** Reward form from the discriminator's logit (default "neglog1mD", the paper's −log D). */
  reward?: RewardForm;
  /**
   * Pay the policy step the reward of the discriminator as it was *before* this iteration's steps
   * (the GANs-in-RL overview's sketch, which scores each pair while collecting it and updates D
   * afterwards) instead of after them, as Algorithm 1 does (default false).
   */
  staleReward?: boolean;
}

/** Result of `tabularGail`. */
export interface TabularGailResult {
  /** Final policy logits θ. */
  logits: number[][];
  /** Final policy softmax(θ). */
  pi: Policy;
  /** ρ_π of the final policy. */
  rho: number[][];
  /** Final expert-is-high discriminator logits ℓ. */
  discLogits: number[][];
  /** Per iteration (before its updates): JS(ρ_π‖ρ_E) of the normalised measures, in nats. */
  js: number[];
  /** Per iteration: Σ|ρ_π − ρ_E|. */
  l1: number[];
  /** Per iteration, after the discriminator steps: Σ ρ_E log D_E + Σ ρ_π log(1 − D_E). */
  discObjective: number[];
}

/** `steps` ascent steps on the discriminator objective, each pair's step scaled by 1/(ρ_E + ρ_π) (in place). */
function scaledDiscriminatorSteps(u: number[][], rhoE: number[][], rho: number[][], steps: number, lr: number): void {
  for (let k = 0; k < steps; k++)
    for (let s = 0; s < u.length; s++)
      for (let a = 0; a < u[s].length; a++) {
        const m = rhoE[s][a] + rho[s][a];
        if (m > 0) u[s][a] += lr * (rhoE[s][a] / m - sigmoid(u[s][a]));
      }
}

/** The options `tabularGail` and `tabularPairGan` share, with their defaults, checked. */
function gameOptions(o: { iterations?: number; discSteps?: number; discLr?: number; reward?: RewardForm }): { iterations: number; discSteps: number; discLr: number; form: RewardForm } {
  const iterations = o.iterations ?? 300;
  checkPositiveInt(iterations, "iterations");
  const discSteps = o.discSteps ?? 5;
  checkPositiveInt(discSteps, "discSteps");
  const discLr = o.discLr ?? 1;
  checkNumber(discLr, "discLr", 1e-15, 4);
  const form = o.reward ?? "neglog1mD";
  ensure(REWARD_FORMS.includes(form), () => `reward must be one of ${REWARD_FORMS.join(", ")}, got ${describe(form)}`);
  return { iterations, discSteps, discLr, form };
}

/** The cost −r(ℓ) of each pair (0 where the logit is not finite). */
function costFromLogits(u: number[][], form: RewardForm): number[][] {
  return u.map((row) => row.map((x) => (Number.isFinite(x) ? -rewardFromLogit(form, x) : 0)));
}

/** Runs tabular GAIL (see the file comment). Deterministic: starts from the uniform policy and D = ½. */
export function tabularGail(opts: TabularGailOptions): TabularGailResult {
  const { mdp, gamma, rhoE } = opts;
  checkMDP(mdp);
  checkGamma(gamma);
  const { nS, nA } = sizes(mdp);
  checkTable(rhoE, nS, nA, "expert occupancy rhoE");
  const { iterations, discSteps, discLr, form } = gameOptions(opts);
  const policyLr = opts.policyLr ?? 0.5;
  checkNumber(policyLr, "policyLr", 1e-15);
  const lam = opts.entropyWeight ?? 0;
  checkNumber(lam, "entropyWeight", 0);
  const policyStep = opts.policyStep ?? "state-scaled";
  ensure(POLICY_STEPS.includes(policyStep), () => `policyStep must be one of ${POLICY_STEPS.join(", ")}, got ${describe(policyStep)}`);

  const theta = zeros2(nS, nA);
  let u = zeros2(nS, nA);
  const js: number[] = [], l1: number[] = [], discObjective: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const pi = softmaxPolicy(theta);
    const rho = occupancyUnchecked(mdp, pi, gamma);
    js.push(jsDivergence(rho, rhoE));
    l1.push(l1Distance(rho, rhoE));
    const before = u.map((row) => row.slice());
    if (opts.optimalDiscriminator) {
      // Logit of D* = ρ_E/(ρ_E + ρ_π); finite because softmax policies give ρ_π > 0 on reachable states.
      u = optimalDiscriminator(rhoE, rho).map((row) => row.map((d) => Math.log(d) - Math.log1p(-d)));
    } else {
      scaledDiscriminatorSteps(u, rhoE, rho, discSteps, discLr);
    }
    discObjective.push(discriminatorObjective(u, rhoE, rho));
    // critical: the reward is a constant for the policy step (no gradient flows into the discriminator).
    const cost = costFromLogits(opts.staleReward ? before : u, form);
    const dir = policyStepDirection(policyGradientUnchecked(mdp, theta, gamma, cost, lam), policyStep);
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) theta[s][a] -= policyLr * dir[s][a];
  }
  const pi = softmaxPolicy(theta);
  const rho = occupancyUnchecked(mdp, pi, gamma);
  return { logits: theta, pi, rho, discLogits: u, js, l1, discObjective };
}

/** Options of `tabularPairGan`. */
export interface TabularPairGanOptions {
  /** ρ_E, the target occupancy measure (any non-negative table; only its normalised form p_E is matched). */
  rhoE: number[][];
  /** Discount γ: the generator's measure ρ_G = p_G/(1 − γ) has the mass of an occupancy measure. */
  gamma: number;
  /** Outer iterations (default 300). */
  iterations?: number;
  /** Discriminator ascent steps per iteration (default 5). */
  discSteps?: number;
  /** Discriminator step size, scaled per pair as in `tabularGail` (default 1). */
  discLr?: number;
  /** Generator step size (default 0.5). */
  genLr?: number;
  /** Reward form from the discriminator's logit (default "neglog1mD"). */
  reward?: RewardForm;
}

/** Result of `tabularPairGan`. */
export interface TabularPairGanResult {
  /** The generator's final measure ρ_G = softmax(φ)/(1 − γ), over all pairs at once. */
  rho: number[][];
  /** Per iteration (before its updates): JS(ρ_G‖ρ_E) of the normalised measures, in nats. */
  js: number[];
  /** Final expert-is-high discriminator logits ℓ. */
  discLogits: number[][];
}

/**
 * A GAN on the same table of pairs as `tabularGail`, with no MDP in between: the generator is a free
 * softmax over all (s, a) pairs at once, p_G(s, a) ∝ e^{φ(s,a)}, so it can put mass on any pair; the
 * discriminator is trained exactly as `tabularGail`'s, and the generator takes the exact natural-gradient
 * step φ ← φ + lr (r(s,a) − E_{p_G}[r]) on E_{p_G}[r(ℓ)] (the GAN's generator loss, expectation exact).
 * What GAIL adds is the environment: a policy reaches only the occupancy measures the dynamics allow
 * (the Bellman flow constraints), so when ρ_E is not one of them GAIL stops short and this GAN does not
 * (notebook 06).
 */
export function tabularPairGan(opts: TabularPairGanOptions): TabularPairGanResult {
  const { rhoE, gamma } = opts;
  checkGamma(gamma);
  ensure(Array.isArray(rhoE) && rhoE.length > 0 && Array.isArray(rhoE[0]), "tabularPairGan needs rhoE[s][a]");
  const nS = rhoE.length, nA = rhoE[0].length;
  checkTable(rhoE, nS, nA, "target occupancy rhoE");
  const { iterations, discSteps, discLr, form } = gameOptions(opts);
  const genLr = opts.genLr ?? 0.5;
  checkNumber(genLr, "genLr", 1e-15);
  const phi = zeros2(nS, nA);
  const u = zeros2(nS, nA);
  const measure = (): number[][] => {
    let m = -Infinity;
    for (const row of phi) for (const x of row) m = Math.max(m, x);
    let z = 0;
    for (const row of phi) for (const x of row) z += Math.exp(x - m);
    return phi.map((row) => row.map((x) => Math.exp(x - m) / z / (1 - gamma)));
  };
  const js: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const rho = measure();
    js.push(jsDivergence(rho, rhoE));
    scaledDiscriminatorSteps(u, rhoE, rho, discSteps, discLr);
    const cost = costFromLogits(u, form);
    let mean = 0;
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) mean += (1 - gamma) * rho[s][a] * cost[s][a];
    for (let s = 0; s < nS; s++) for (let a = 0; a < nA; a++) phi[s][a] -= genLr * (cost[s][a] - mean);
  }
  return { rho: measure(), js, discLogits: u };
}
