/**
 * Comparing a learned reward with the true one on CartPole and Acrobot, and training fresh
 * policies on a frozen learned reward (reward transfer).
 *
 * ## Which "true reward" (notebook 11, "What true reward?")
 * CartPole pays +1 on every step until termination; Acrobot −1 until the goal. On the states an
 * episode visits the true reward is therefore CONSTANT: everything it says is in *when the episode
 * ends*. We compare in the absorbing-state form that AIRL here is trained in (DAC): the state space
 * is S ∪ {s_a}, a terminal transition leads to the absorbing state s_a, which loops forever, and a
 * reward is a function of the state one is in:
 *
 *     CartPole: r(s) = 1 for s ∈ S (alive), r(s_a) = 0          (ending forfeits 1 per step forever)
 *     Acrobot:  r(s) = −1 for s ∈ S,         r(s_a) = 0          (reaching the goal stops the cost)
 *
 * which is exactly Gymnasium's reward (terminal step included) followed by zeros, with the value of
 * ending made explicit. Every episode is then infinite, so rewards that differ by a constant are
 * equivalent, and correlations (which ignore affine changes) are meaningful. A learned model enters
 * the same form: u(s, a) on S (AIRL: g(s); GAIL: its reward of (s, a)), u(s_a) learned on the
 * absorbing features, and an optional potential φ (AIRL's h; φ(s_a) = 0):
 *
 *     R(s, a, s') = u(s, a) + γ φ(s') − φ(s),   R(s_a → s_a) = u(s_a).
 *
 * ## The comparisons
 * - Pearson and Spearman correlation of R_learned and R_true over transitions of expert, random and
 *   learned-policy rollouts, each terminated episode contributing one absorbing row (unweighted; the
 *   discriminator's training weights it by the padded length H − T instead).
 *   On CartPole's expert rollouts nothing ends, so R_true is constant there and the correlation is
 *   undefined (reported as NaN); the pooled set is always defined.
 * - EPIC (Gleave et al. 2021, ICLR): canonicalise each reward with coverage distributions D_S (the
 *   pooled states, absorbing rows included) and D_A (uniform),
 *       C(R)(s, a, s') = R(s, a, s') + E[γ R(s', A, S') − R(s, A, S') − γ R(S, A, S')],
 *   then D_EPIC = √((1 − ρ(C(R1), C(R2)))/2) with ρ the Pearson correlation over the pooled
 *   transitions. We canonicalise the reward as evaluated (u and the potential φ); R depends on s'
 *   only through γφ(s'), so each expectation is an exact mean over D_S and every action, not a
 *   sample (see `epicCanonical`). For R = u + shaping the potential cancels in the sum, so AIRL's
 *   g and f have the same EPIC distance to any reward (up to float rounding). 0 means equivalent
 *   up to shaping and positive scale; 1 means anti-correlated (R1 = −R2 + shaping);
 *   two unrelated rewards sit near √½ ≈ 0.71.
 */
import { tf, Rng, ensure, checkNumber, checkPositiveInt, checkSeed } from "../core";
import { makeEnv, makeVecEnv, getEnvSpec, specFeature, EnvOptions } from "../envs";
import { Actor, RewardFn, RewardInput, PPO, PPOOptions, addEntropyBonus } from "../rl";
import { meanStd } from "../core";
import { withAbsorbingRows, toDiscBatch, GAIL, rewardFromLogit } from "../imitation";
import { AIRL } from "./airl";
import type { GclCostNet } from "./gcl";

/**
 * A reward in the form R(s, a, s') = u(s, a) + γ φ(s') − φ(s) over S ∪ {s_a} (see the module
 * comment). Arrays are row-major [n*obsDim]; `absorbing[i]` = 1 marks s_a rows (their obs ignored).
 */
export interface RewardModel {
  name: string;
  /** u(s, a) for n rows. */
  u(obs: Float32Array, actions: Int32Array, absorbing: Uint8Array, n: number): Float32Array;
  /** φ(s) for n rows (0 on s_a), or null for no potential. */
  potential: ((obs: Float32Array, absorbing: Uint8Array, n: number) => Float32Array) | null;
}

/** True reward of a non-absorbing state in the absorbing form (`EnvSpec.stepRewards.alive`: CartPole +1, Acrobot and MountainCar −1). */
export function aliveReward(envId: string): number {
  return specFeature(getEnvSpec(envId), "stepRewards", "the true reward in the absorbing form").alive;
}

/** The true reward as a `RewardModel`: aliveReward on S, 0 on s_a. */
export function trueRewardModel(envId: string): RewardModel {
  return constantRewardModel("true", aliveReward(envId), 0);
}

function rows(obsDim: number, obs: Float32Array, actions: Int32Array, absorbing: Uint8Array, n: number) {
  const s = withAbsorbingRows({ n, obsDim, obs, actions, nextObs: obs, terminated: new Uint8Array(n) }, []);
  s.absorbing.set(absorbing.subarray(0, n));
  return s;
}

/** AIRL's g (u = g, no potential) or f (u = g, φ = h) as a `RewardModel`. */
export function airlRewardModel(airl: AIRL, which: "g" | "f"): RewardModel {
  const d = airl.demos.obsDim;
  const parts = (obs: Float32Array, actions: Int32Array, absorbing: Uint8Array, n: number) =>
    tf.tidy(() => {
      const p = airl.net.parts(toDiscBatch(rows(d, obs, actions, absorbing, n)));
      return { g: p.g.dataSync() as Float32Array, h: p.h.dataSync() as Float32Array };
    });
  return {
    name: `airl-${which}`,
    u: (obs, actions, absorbing, n) => parts(obs, actions, absorbing, n).g,
    potential: which === "f" && airl.opts.rewardType === "disentangled" ? (obs, absorbing, n) => parts(obs, new Int32Array(n), absorbing, n).h : null,
  };
}

/** A GCL cost network's u = −c (trained or, as the random-network control, as initialised) as a `RewardModel`. */
export function costRewardModel(net: GclCostNet, name = "gcl"): RewardModel {
  const d = net.opts.obsDim;
  return { name, u: (obs, actions, absorbing, n) => net.logits(rows(d, obs, actions, absorbing, n)), potential: null };
}

/** A constant u ≡ `value` on S and `absorbingValue` on s_a (the controls: no information when equal; the floor alone when below). */
export function constantRewardModel(name: string, value: number, absorbingValue = value): RewardModel {
  return { name, u: (_obs, _actions, absorbing, n) => Float32Array.from({ length: n }, (_, i) => (absorbing[i] ? absorbingValue : value)), potential: null };
}

/** GAIL's reward f(ℓ(s, a)) (its `rewardForm`) as a `RewardModel`. */
export function gailRewardModel(gail: GAIL): RewardModel {
  const d = gail.demos.obsDim;
  return {
    name: "gail",
    u: (obs, actions, absorbing, n) => {
      const l = gail.logitsOf(rows(d, obs, actions, absorbing, n));
      return Float32Array.from(l, (x) => rewardFromLogit(gail.opts.rewardForm, x));
    },
    potential: null,
  };
}


/**
 * The model with u(s_a) replaced by the lowest u it gives any row of `support` (the states D was
 * trained on, or rollouts standing in for them): the finite stand-in for u(s_a) = −∞, the value
 * of the absorbing state at the discriminator's optimum when the expert never reaches it
 * (ρ_E(s_a) = 0, e.g. CartPole's demonstrations, which all end at the time limit). A trained D
 * leaves u(s_a) finite and, once its policy stops failing, lets it drift up; a fresh learner that
 * starts where u(s) < u(s_a) then learns to end episodes (see `notebooks/11`). Use only when the
 * demonstrations contain no terminal transition. The learned u(s_a) is replaced, not bounded: if
 * it was already below every state on the support (GAIL's, in one CartPole seed) the floor raises
 * it; `Math.min` of the two would be the stricter stand-in (not what the stored IRL tables used).
 */
export function withAbsorbingFloor(model: RewardModel, support: TransitionSet): RewardModel & { floor: number } {
  const u = model.u(support.obs, support.actions, support.absorbing, support.n);
  let floor = Infinity;
  for (let i = 0; i < support.n; i++) if (!support.absorbing[i] && u[i] < floor) floor = u[i];
  ensure(Number.isFinite(floor), "withAbsorbingFloor: the support set has no non-absorbing row");
  return {
    name: `${model.name} (u(s_a) := min u)`,
    floor,
    potential: model.potential,
    u: (obs, actions, absorbing, n) => {
      const out = model.u(obs, actions, absorbing, n);
      for (let i = 0; i < n; i++) if (absorbing[i]) out[i] = floor;
      return out;
    },
  };
}

/** u(s_a) of a model. */
export function absorbingValue(model: RewardModel, obsDim: number): number {
  return model.u(new Float32Array(obsDim), new Int32Array(1), Uint8Array.of(1), 1)[0];
}

/**
 * The model as a `RewardFn` for an RL learner with discount `gamma`: per step
 * u(s, a) + γ(1 − term) φ(s') − φ(s), plus at terminal steps the absorbing tail γ u(s_a)/(1 − γ).
 */
export function rewardFnOf(model: RewardModel, obsDim: number, gamma: number): RewardFn {
  ensure(gamma < 1, "the absorbing tail needs γ < 1");
  const tail = (gamma * absorbingValue(model, obsDim)) / (1 - gamma);
  return (input: RewardInput) => {
    const n = input.n;
    const noAbs = new Uint8Array(n);
    const r = model.u(input.obs, input.actions, noAbs, n);
    if (model.potential) {
      const h = model.potential(input.obs, noAbs, n);
      const hn = model.potential(input.nextObs, noAbs, n);
      for (let i = 0; i < n; i++) r[i] += (input.terminated[i] ? 0 : gamma * hn[i]) - h[i];
    }
    for (let i = 0; i < n; i++) if (input.terminated[i]) r[i] += tail;
    return r;
  };
}

/** Transitions of whole episodes plus one absorbing row (s_a → s_a) per terminated episode. */
export interface TransitionSet extends Pick<RewardInput, "n" | "obsDim" | "obs" | "actions" | "nextObs" | "terminated"> {
  /** 1 on the absorbing rows (whose s' is s_a, marked terminal). */
  absorbing: Uint8Array;
  episodes: number;
  /** Mean true return of the episodes. */
  meanReturn: number;
}

export interface RolloutOptions {
  episodes: number;
  /** Episode i is reset with seed + i. */
  seed: number;
  /** Greedy actions (default false: sample). */
  deterministic?: boolean;
  /** Physics overrides (changed dynamics). */
  params?: Record<string, number>;
  /** Sampling stream (default: a fresh Rng(seed)). */
  rng?: Rng;
}

/** Runs `actor` (or uniform random actions when null) for whole episodes and returns a `TransitionSet`. */
export function collectTransitions(actor: Actor | null, envId: string, opts: RolloutOptions): TransitionSet {
  checkPositiveInt(opts.episodes, "rollout episodes");
  checkSeed(opts.seed, "rollout seed");
  const rng = opts.rng ?? new Rng(opts.seed);
  const env = makeEnv(envId, { seed: opts.seed, params: opts.params } as EnvOptions);
  const d = env.obsDim;
  const nA = env.actionSpace.n;
  const obs: number[] = [], nextObs: number[] = [], actions: number[] = [], term: number[] = [], abs: number[] = [];
  let totalReturn = 0;
  for (let e = 0; e < opts.episodes; e++) {
    let o = Float32Array.from(env.reset(opts.seed + e));
    for (;;) {
      const a = actor ? actor.act(o, { deterministic: opts.deterministic ?? false, rng }).actions[0] : rng.int(nA);
      const r = env.step(a);
      obs.push(...o);
      nextObs.push(...r.obs);
      actions.push(a);
      term.push(r.terminated ? 1 : 0);
      abs.push(0);
      totalReturn += r.reward;
      o = Float32Array.from(r.obs);
      if (r.terminated || r.truncated) {
        if (r.terminated) {
          for (let k = 0; k < d; k++) {
            obs.push(0);
            nextObs.push(0);
          }
          actions.push(0);
          term.push(0);
          abs.push(1);
        }
        break;
      }
    }
  }
  return {
    n: actions.length,
    obsDim: d,
    obs: Float32Array.from(obs),
    actions: Int32Array.from(actions),
    nextObs: Float32Array.from(nextObs),
    terminated: Uint8Array.from(term),
    absorbing: Uint8Array.from(abs),
    episodes: opts.episodes,
    meanReturn: totalReturn / opts.episodes,
  };
}

/** Concatenates transition sets (same obsDim). */
export function concatTransitions(sets: TransitionSet[]): TransitionSet {
  ensure(sets.length > 0, "concatTransitions needs at least one set");
  const d = sets[0].obsDim;
  ensure(sets.every((s) => s.obsDim === d), "concatTransitions: observation sizes differ");
  const cat = <T extends Float32Array | Int32Array | Uint8Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((u, p) => u + p.length, 0));
    let k = 0;
    for (const p of parts) {
      out.set(p as never, k);
      k += p.length;
    }
    return out;
  };
  const eps = sets.reduce((u, s) => u + s.episodes, 0);
  return {
    n: sets.reduce((u, s) => u + s.n, 0),
    obsDim: d,
    obs: cat(sets.map((s) => s.obs), (n) => new Float32Array(n)),
    actions: cat(sets.map((s) => s.actions), (n) => new Int32Array(n)),
    nextObs: cat(sets.map((s) => s.nextObs), (n) => new Float32Array(n)),
    terminated: cat(sets.map((s) => s.terminated), (n) => new Uint8Array(n)),
    absorbing: cat(sets.map((s) => s.absorbing), (n) => new Uint8Array(n)),
    episodes: eps,
    meanReturn: sets.reduce((u, s) => u + s.meanReturn * s.episodes, 0) / eps,
  };
}

/** R(s, a, s') of a model on every row of a transition set (absorbing rows: u(s_a)). */
export function rewardOnTransitions(model: RewardModel, t: TransitionSet, gamma: number): Float32Array {
  const r = model.u(t.obs, t.actions, t.absorbing, t.n);
  if (model.potential) {
    const h = model.potential(t.obs, t.absorbing, t.n);
    const nextAbs = Uint8Array.from(t.terminated, (x, i) => (x || t.absorbing[i] ? 1 : 0));
    const hn = model.potential(t.nextObs, nextAbs, t.n);
    for (let i = 0; i < t.n; i++) r[i] += gamma * hn[i] - h[i];
  }
  return r;
}

/** Pearson correlation (NaN when either side is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  ensure(x.length === y.length, () => `pearson: arrays differ in length (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx, b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  const scale = Math.max(Math.abs(mx), Math.abs(my), 1);
  if (sxx <= 1e-20 * scale * scale * n || syy <= 1e-20 * scale * scale * n) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks with ties averaged (1-based). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation (Pearson of tie-averaged ranks; NaN when either side is constant). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/**
 * The EPIC canonical reward of the reward `model` evaluates (`rewardOnTransitions`: u plus the
 * shaping γφ(s') − φ(s), u(s_a) on the absorbing rows) on the rows of `t`:
 *
 *     C(R)(s, a, s') = R(s, a, s') + γ m(s') − m(s) − γ E_{S ~ D_S} m(S),
 *     m(x) = E_{A ~ U, S' ~ D_S} R(x, A, S') = ū(x) − φ(x) + γ E_{D_S} φ,   ū(x) = mean_a u(x, a),
 *
 * with D_S the states of `t` (the rows' s, absorbing rows included) and s' = s_a (φ = 0) where a
 * row is terminal or absorbing. R depends on s' only through γφ(s'), so the expectation over S' is
 * the exact mean over D_S, not a sample. Nothing is dropped by hand: for R = u + shaping the
 * potential cancels in the sum (Gleave et al. 2021, ICLR), which the tests check.
 */
export function epicCanonical(model: RewardModel, t: TransitionSet, nActions: number, gamma: number): Float64Array {
  const n = t.n;
  const nextAbs = Uint8Array.from(t.terminated, (x, i) => (x || t.absorbing[i] ? 1 : 0));
  const phi = (obs: Float32Array, absorbing: Uint8Array) => (model.potential ? model.potential(obs, absorbing, n) : new Float32Array(n));
  const ubar = (obs: Float32Array, absorbing: Uint8Array) => {
    const out = new Float64Array(n);
    for (let a = 0; a < nActions; a++) {
      const u = model.u(obs, new Int32Array(n).fill(a), absorbing, n);
      for (let i = 0; i < n; i++) out[i] += u[i] / nActions;
    }
    return out;
  };
  const mean = (x: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    return s / n;
  };
  const phiS = phi(t.obs, t.absorbing), phiN = phi(t.nextObs, nextAbs);
  const ePhi = mean(phiS);
  const uS = ubar(t.obs, t.absorbing), uN = ubar(t.nextObs, nextAbs);
  const mS = Float64Array.from({ length: n }, (_, i) => uS[i] - phiS[i] + gamma * ePhi);
  const mN = Float64Array.from({ length: n }, (_, i) => uN[i] - phiN[i] + gamma * ePhi);
  const eM = mean(mS);
  const r = rewardOnTransitions(model, t, gamma);
  return Float64Array.from({ length: n }, (_, i) => r[i] + gamma * mN[i] - mS[i] - gamma * eM);
}

/** D_EPIC(R1, R2) = √((1 − ρ(C(R1), C(R2)))/2) over the rows of `t` (NaN if a canonical reward is constant). */
export function epicDistance(a: RewardModel, b: RewardModel, t: TransitionSet, nActions: number, gamma: number): number {
  const rho = pearson(epicCanonical(a, t, nActions, gamma), epicCanonical(b, t, nActions, gamma));
  return Number.isNaN(rho) ? NaN : Math.sqrt(Math.max(0, (1 - rho) / 2));
}

/** Grid of a state-only reward over two coordinates (the others fixed at rest). */
export interface RewardGrid {
  /** Axis names, e.g. "cart position x" and "pole angle θ". */
  xName: string;
  yName: string;
  x: number[];
  y: number[];
  /** z[iy][ix]. */
  z: number[][];
}

/**
 * A model's state reward over the env's two display coordinates (`EnvSpec.rewardGrid`: CartPole
 * cart position × pole angle; Acrobot θ1 × θ2; MountainCar position × velocity), action-averaged;
 * terminal grid states take the absorbing value u(s_a) when `terminalIsAbsorbing` (the true
 * reward's convention), else the net's own value there.
 */
export function rewardGrid(model: RewardModel, envId: string, size = 41, terminalIsAbsorbing = false): RewardGrid {
  checkPositiveInt(size, "grid size");
  const spec = getEnvSpec(envId);
  const grid = specFeature(spec, "rewardGrid", "a reward grid");
  const xr = grid.xRange;
  const yr = grid.yRange;
  const x = Array.from({ length: size }, (_, i) => xr[0] + ((xr[1] - xr[0]) * i) / (size - 1));
  const y = Array.from({ length: size }, (_, i) => yr[0] + ((yr[1] - yr[0]) * i) / (size - 1));
  const d = spec.obsDim;
  const n = size * size;
  const obs = new Float32Array(n * d);
  const absorbing = new Uint8Array(n);
  for (let iy = 0; iy < size; iy++)
    for (let ix = 0; ix < size; ix++) {
      const k = iy * size + ix;
      const state = grid.state(x[ix], y[iy]);
      spec.observe(state, 0, obs, k * d);
      if (terminalIsAbsorbing && spec.terminated(state, 0)) absorbing[k] = 1;
    }
  const nA = spec.nActions;
  const z = new Float64Array(n);
  for (let a = 0; a < nA; a++) {
    const u = model.u(obs, new Int32Array(n).fill(a), absorbing, n);
    for (let k = 0; k < n; k++) z[k] += u[k] / nA;
  }
  return {
    xName: grid.xName,
    yName: grid.yName,
    x,
    y,
    z: Array.from({ length: size }, (_, iy) => Array.from(z.subarray(iy * size, (iy + 1) * size))),
  };
}

/** Mean and std of the true return of `actor` over `episodes` episodes (optionally changed physics). */
export function evaluateIn(actor: Actor, envId: string, opts: { episodes: number; seed: number; params?: Record<string, number>; deterministic?: boolean }): { mean: number; std: number; returns: number[] } {
  checkPositiveInt(opts.episodes, "evaluation episodes");
  const returns: number[] = [];
  const rng = new Rng(opts.seed);
  for (let e = 0; e < opts.episodes; e++) {
    const env = makeEnv(envId, { seed: opts.seed + e, params: opts.params } as EnvOptions);
    let o = env.reset(opts.seed + e);
    let ret = 0;
    for (;;) {
      const a = actor.act(Float32Array.from(o), { deterministic: opts.deterministic ?? true, rng }).actions[0];
      const r = env.step(a);
      ret += r.reward;
      o = r.obs;
      if (r.terminated || r.truncated) break;
    }
    returns.push(ret);
  }
  return { ...meanStd(returns), returns };
}

export interface TransferOptions {
  envId: string;
  /** Physics overrides of the environment the fresh policy is trained in (null: original). */
  params: Record<string, number> | null;
  /** The reward to train on (null: the environment's own). */
  model: RewardModel | null;
  /**
   * α, temperature of the soft RL problem the learner solves: reward r − α log π(a|s) (default 0:
   * ordinary RL). AIRL's discriminator D = exp f/(exp f + π) is derived for the maximum-entropy
   * objective at α = 1, so its recovered reward is a reward for THAT problem: where episodes can end,
   * the entropy bonus is a per-step living bonus, and a hard-RL learner may prefer to end episodes
   * on a reward whose soft-optimal policy never does.
   */
  entropyTemperature?: number;
  /** Environment steps. */
  steps: number;
  /** PPO options (envId, env, seed, rewardFn are set here). */
  ppo: Partial<PPOOptions>;
  seed: number;
  /** Evaluation episodes (deterministic policy, true reward). */
  evalEpisodes: number;
  evalSeed: number;
}

/**
 * Reward transfer: trains a fresh PPO policy from scratch on a frozen reward (a `RewardModel`
 * with its absorbing tail, or the true reward) in the original or changed dynamics, then reports
 * its TRUE return in that same environment.
 */
export async function trainOnReward(o: TransferOptions): Promise<{ mean: number; std: number; returns: number[] }> {
  const numEnvs = o.ppo.numEnvs ?? 8;
  const env = makeVecEnv(o.envId, numEnvs, { seed: o.seed, params: o.params ?? undefined } as EnvOptions);
  const gamma = o.ppo.gamma ?? 0.99;
  const alpha = o.entropyTemperature ?? 0;
  checkNumber(alpha, "entropyTemperature", 0);
  const base = o.model ? rewardFnOf(o.model, env.obsDim, gamma) : null;
  let ppo: PPO | null = null;
  const rewardFn: RewardFn | null =
    alpha > 0
      ? async (input: RewardInput) => addEntropyBonus(Float32Array.from(base ? await base(input) : input.envRewards), (ppo as PPO).policy, input, alpha)
      : base;
  ppo = new PPO({ ...o.ppo, envId: o.envId, env, seed: o.seed, rewardFn });
  try {
    await ppo.learn(o.steps);
    return evaluateIn(ppo.policy, o.envId, { episodes: o.evalEpisodes, seed: o.evalSeed, params: o.params ?? undefined });
  } finally {
    ppo.dispose();
  }
}
