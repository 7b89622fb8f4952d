/**
 * Apprenticeship learning with linear costs: FEM (feature expectation matching, Abbeel & Ng 2004)
 * and GTAL (game-theoretic apprenticeship learning, Syed & Schapire 2008), as the GAIL paper ran
 * them (Ho & Ermon 2016, §6, with TRPO as the policy step). The adversary is a linear reward
 * r_w(s, a) = w·φ(s, a) / |φ| over fixed features; each round it moves to the reward that best
 * separates the expert's feature expectations from the current policy's, and the policy is then
 * improved by RL on it.
 *
 * ## Features φ(s, a) (finite actions)
 * With z = (s − μ_E) / σ_E the observation standardised by the expert's statistics (computed once),
 * φ(s, a) is a one-hot block per action holding [z, (0.01·z)²] for the taken action and zeros for
 * the others, followed by a constant 1: |φ| = 2·d·|A| + 1.
 *
 * ## The cost update (feature expectations μ = E[φ], expert μ_E, current policy μ_π)
 * - FEM (`l2ball`): w lies in the unit ℓ₂ ball; the best response is
 *       w = (μ_E − μ_π) / ‖μ_E − μ_π‖₂,
 *   so the policy is paid along the direction in which it falls short of the expert.
 * - GTAL (`simplex`): w lies in the simplex over the features and their negations ψ = [φ, −φ];
 *   the best response puts all its weight on one coordinate,
 *       j* = argmin_j (μ_π − μ_E)_j   over ψ,   r(s, a) = ψ_{j*}(s, a) / |ψ|,
 *   the coordinate in which the policy trails the expert most (a min-max game over the simplex).
 *
 * ## The sign convention (as the paper's code, per task)
 * A running bound b shifts the reward so that its sign matches GAIL's reward form on the task:
 * with `favorZeroExpertReward` (Acrobot, MountainCar: log D ≤ 0) b = max(b, max r) and the reward
 * r − b ≤ 0; otherwise (CartPole: −log(1 − D) ≥ 0) b = min(b, min r) and r − b ≥ 0. b starts at 0
 * and only grows in magnitude over training.
 *
 * The initial cost is random (a unit Gaussian direction for FEM, a uniform coordinate for GTAL),
 * drawn from the library's seeded `Rng`.
 */
import { GanrlError, Rng, checkPositiveInt } from "../core";

/** The two linear-cost families: FEM's ℓ₂ ball and GTAL's simplex. */
export type LinearCostMode = "l2ball" | "simplex";
export const LINEAR_COST_MODES: readonly LinearCostMode[] = ["l2ball", "simplex"];

/** Scale of the squared features (the paper's code: (0.01·z)²). */
export const SQUARED_FEATURE_SCALE = 0.01;

export interface LinearCostOptions {
  mode: LinearCostMode;
  obsDim: number;
  nActions: number;
  /** Expert observations [n*obsDim] and actions [n]: their statistics standardise φ, their φ gives μ_E. */
  expertObs: Float32Array;
  expertActions: Int32Array;
  /** Reward ≤ 0 (true) or ≥ 0 (false), as GAIL's log D or −log(1 − D) on the task. */
  favorZeroExpertReward: boolean;
  /** Seeds the random initial cost. */
  rng: Rng;
}

/**
 * A linear reward over the features above, with FEM's or GTAL's best-response update.
 * `fit(policy rows)` moves the cost; `reward(rows)` evaluates (and shifts) it.
 */
export class LinearCost {
  readonly mode: LinearCostMode;
  readonly obsDim: number;
  readonly nActions: number;
  /** |φ| (before GTAL's negations). */
  readonly featDim: number;
  readonly favorZeroExpertReward: boolean;
  /** Expert standardisation statistics (mean, std with a floor of 1e-8 as a divisor). */
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** μ_E over the columns the mode uses (|φ| for FEM, 2|φ| for GTAL). */
  readonly expertFeatures: Float64Array;
  /** FEM's weight vector (unit norm). */
  w: Float64Array;
  /** GTAL's chosen coordinate of ψ = [φ, −φ]. */
  widx: number;
  /** The running shift b. */
  rewardBound = 0;

  constructor(o: LinearCostOptions) {
    if (!(LINEAR_COST_MODES as readonly string[]).includes(o.mode)) throw new GanrlError(`linear cost mode must be one of ${LINEAR_COST_MODES.join(", ")}, got ${JSON.stringify(o.mode)}`);
    checkPositiveInt(o.obsDim, "obsDim");
    checkPositiveInt(o.nActions, "nActions");
    const n = o.expertActions.length;
    if (n === 0 || o.expertObs.length !== n * o.obsDim) throw new GanrlError(`linear cost: expert observations must be [n*obsDim] with n = ${n} actions and obsDim ${o.obsDim}`);
    this.mode = o.mode;
    this.obsDim = o.obsDim;
    this.nActions = o.nActions;
    this.favorZeroExpertReward = o.favorZeroExpertReward;
    this.featDim = 2 * o.obsDim * o.nActions + 1;
    const d = o.obsDim;
    this.mean = new Float64Array(d);
    this.std = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) this.mean[k] += o.expertObs[i * d + k] / n;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) this.std[k] += (o.expertObs[i * d + k] - this.mean[k]) ** 2 / n;
    for (let k = 0; k < d; k++) this.std[k] = Math.sqrt(this.std[k]) + 1e-8;
    this.expertFeatures = this.featureExpectations(o.expertObs, o.expertActions);
    const cols = this.columns();
    this.w = new Float64Array(this.featDim);
    this.widx = 0;
    if (this.mode === "simplex") this.widx = o.rng.int(cols);
    else {
      let norm = 0;
      for (let j = 0; j < this.featDim; j++) {
        this.w[j] = o.rng.normal();
        norm += this.w[j] ** 2;
      }
      for (let j = 0; j < this.featDim; j++) this.w[j] /= Math.sqrt(norm) + 1e-8;
    }
  }

  /** Columns of the mode's feature vector: |φ| (FEM) or 2|φ| (GTAL's [φ, −φ]). */
  columns(): number {
    return this.mode === "simplex" ? 2 * this.featDim : this.featDim;
  }

  /** φ(s, a) of one row into `out` (length `columns()`), zeroed first. */
  features(obs: ArrayLike<number>, offset: number, action: number, out: Float64Array): Float64Array {
    if (!Number.isInteger(action) || action < 0 || action >= this.nActions) throw new GanrlError(`linear cost: action ${action} is outside [0, ${this.nActions})`);
    out.fill(0);
    const d = this.obsDim;
    const base = action * 2 * d;
    for (let k = 0; k < d; k++) {
      const z = (obs[offset + k] - this.mean[k]) / this.std[k];
      out[base + k] = z;
      out[base + d + k] = (SQUARED_FEATURE_SCALE * z) ** 2;
    }
    out[this.featDim - 1] = 1;
    if (this.mode === "simplex") for (let j = 0; j < this.featDim; j++) out[this.featDim + j] = -out[j];
    return out;
  }

  /** μ = mean of φ over the rows (the mode's columns). */
  featureExpectations(obs: Float32Array, actions: Int32Array): Float64Array {
    const n = actions.length;
    const mu = new Float64Array(this.columns());
    const f = new Float64Array(this.columns());
    for (let i = 0; i < n; i++) {
      this.features(obs, i * this.obsDim, actions[i], f);
      for (let j = 0; j < mu.length; j++) mu[j] += f[j] / n;
    }
    return mu;
  }

  /**
   * The adversary's best response to the policy rows: FEM w = (μ_E − μ_π)/‖μ_E − μ_π‖, GTAL
   * j* = argmin (μ_π − μ_E). Returns `cost/l2` (FEM: ‖μ_E − μ_π‖) or `cost/vmin` (GTAL: the minimum).
   */
  fit(obs: Float32Array, actions: Int32Array): Record<string, number> {
    if (actions.length === 0) throw new GanrlError("linear cost: fit needs at least one policy row");
    const mu = this.featureExpectations(obs, actions);
    if (this.mode === "simplex") {
      let best = 0;
      for (let j = 1; j < mu.length; j++) if (mu[j] - this.expertFeatures[j] < mu[best] - this.expertFeatures[best]) best = j;
      this.widx = best;
      return { "cost/vmin": mu[best] - this.expertFeatures[best] };
    }
    let norm = 0;
    for (let j = 0; j < this.featDim; j++) {
      this.w[j] = this.expertFeatures[j] - mu[j];
      norm += this.w[j] ** 2;
    }
    const l2 = Math.sqrt(norm);
    for (let j = 0; j < this.featDim; j++) this.w[j] /= l2 + 1e-8;
    return { "cost/l2": l2 };
  }

  /** The unshifted reward w·φ/|φ| (FEM) or ψ_{j*}/|ψ| (GTAL) of each row. */
  rawReward(obs: Float32Array, actions: Int32Array): Float64Array {
    const n = actions.length;
    const r = new Float64Array(n);
    const f = new Float64Array(this.columns());
    const cols = this.columns();
    for (let i = 0; i < n; i++) {
      this.features(obs, i * this.obsDim, actions[i], f);
      if (this.mode === "simplex") r[i] = f[this.widx] / cols;
      else {
        let s = 0;
        for (let j = 0; j < this.featDim; j++) s += this.w[j] * f[j];
        r[i] = s / cols;
      }
    }
    return r;
  }

  /**
   * The generator's reward: the raw reward shifted by the running bound (updated with these rows),
   * so that it is ≤ 0 with `favorZeroExpertReward` and ≥ 0 without.
   */
  reward(obs: Float32Array, actions: Int32Array): Float32Array {
    const raw = this.rawReward(obs, actions);
    for (const v of raw) this.rewardBound = this.favorZeroExpertReward ? Math.max(this.rewardBound, v) : Math.min(this.rewardBound, v);
    return Float32Array.from(raw, (v) => v - this.rewardBound);
  }

  /** The cost's state (for checkpoints). */
  toJSON(): { mode: LinearCostMode; w: number[]; widx: number; rewardBound: number } {
    return { mode: this.mode, w: Array.from(this.w), widx: this.widx, rewardBound: this.rewardBound };
  }

  /** Restores `toJSON` output (same mode and feature size). */
  load(j: { mode: LinearCostMode; w: number[]; widx: number; rewardBound: number }): void {
    if (!j || j.mode !== this.mode || !Array.isArray(j.w) || j.w.length !== this.featDim || !Number.isInteger(j.widx) || j.widx < 0 || j.widx >= this.columns() || !Number.isFinite(j.rewardBound)) {
      throw new GanrlError(`linear cost state must be a ${this.mode} cost with ${this.featDim} weights; the checkpoint is damaged or from another configuration`);
    }
    this.w = Float64Array.from(j.w);
    this.widx = j.widx;
    this.rewardBound = j.rewardBound;
  }
}
