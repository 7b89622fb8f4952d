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
 *
 * ## On the adversarial loop (`FEM`, `GTAL`)
 * `LinearDiscriminator` is the cost as the loop's `Discriminator`: each round (see `adversarial.ts`)
 * the generator collects a rollout; `update` fits the cost to it (the best response above, then b
 * over the rollout's raw rewards); the rollout is relabelled with r − b; the generator (TRPO in the
 * paper, with its presets' settings) takes its step. The paper's code relabels with the previous
 * round's cost and fits the new one after the policy step; here the cost is fitted first, on the
 * rollout it then pays, as the discriminator is in GAIL. The expert's μ_E comes from the trainer's
 * expert rows (subsampled by `demoEvery`, as the paper's). No absorbing state (the features have
 * none) and no "randomD" control (a frozen random cost has no sign); "const" pays the task's sign.
 */
import { tf, GanrlError, Rng, checkPositiveInt, ensure, describe } from "../core";
import { getEnvSpec } from "../envs";
import { Metrics } from "../rl";
import { AdversarialTrainer, AdversarialOptions, ADVERSARIAL_DEFAULTS, deriveSeed } from "./adversarial";
import { Discriminator, DiscriminatorJson } from "./discriminator";
import { Samples } from "./demos";

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
    this.updateBound(raw);
    return this.shifted(raw);
  }

  /** Moves the running bound b over raw rewards: b = max(b, max r) with `favorZeroExpertReward`, else min(b, min r). */
  updateBound(raw: ArrayLike<number>): void {
    for (let i = 0; i < raw.length; i++) this.rewardBound = this.favorZeroExpertReward ? Math.max(this.rewardBound, raw[i]) : Math.min(this.rewardBound, raw[i]);
  }

  /** r − b for raw rewards r (no update of b). */
  shifted(raw: ArrayLike<number>): Float32Array {
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

/** Saved state of a `LinearCost`. */
type LinearCostState = ReturnType<LinearCost["toJSON"]>;

/**
 * FEM's or GTAL's linear cost as the adversarial loop's `Discriminator` (see the module comment):
 * ℓ = the raw reward w·φ/|φ| (or ψ_{j*}/|ψ|), `update` = the best response and the bound b over the
 * policy rows' raw rewards, `reward` = ℓ − b (pure: the rows `update` saw have the task's sign).
 */
export class LinearDiscriminator implements Discriminator {
  readonly kind: "fem" | "gtal";
  readonly cost: LinearCost;
  readonly rewardSign: 1 | -1;
  readonly trainableVariables: tf.Variable[] = [];
  readonly optimizer = null;

  constructor(o: LinearCostOptions) {
    this.cost = new LinearCost(o);
    this.kind = o.mode === "l2ball" ? "fem" : "gtal";
    this.rewardSign = o.favorZeroExpertReward ? -1 : 1;
  }

  private rowsOf(rows: Samples): { obs: Float32Array; actions: Int32Array } {
    for (let i = 0; i < rows.n; i++) if (rows.absorbing[i]) throw new GanrlError(`the ${this.kind.toUpperCase()} linear cost has no absorbing-state feature: train it with absorbing: false`);
    return { obs: rows.obs.subarray(0, rows.n * rows.obsDim), actions: rows.actions.subarray(0, rows.n) };
  }

  logits(rows: Samples): Float32Array {
    const { obs, actions } = this.rowsOf(rows);
    return Float32Array.from(this.cost.rawReward(obs, actions));
  }

  /** The best response to the policy rows (the expert's μ_E is the cost's own), then b over their raw rewards. */
  update(policy: Samples, _expert: Samples, _rng: Rng): Metrics {
    const { obs, actions } = this.rowsOf(policy);
    const m = this.cost.fit(obs, actions);
    this.cost.updateBound(this.cost.rawReward(obs, actions));
    return { ...m, "cost/bound": this.cost.rewardBound };
  }

  /** r − b per row. */
  reward(rows: Samples): Float32Array {
    const { obs, actions } = this.rowsOf(rows);
    return this.cost.shifted(this.cost.rawReward(obs, actions));
  }

  testReward(rows: Samples): Float32Array {
    return this.reward(rows);
  }

  toJSON(): DiscriminatorJson {
    const c = this.cost;
    return { format: "ganrl.disc/1", kind: this.kind, arch: { mode: c.mode, obsDim: c.obsDim, nActions: c.nActions, featDim: c.featDim, favorZeroExpertReward: c.favorZeroExpertReward }, params: [], state: c.toJSON() };
  }

  load(j: DiscriminatorJson): void {
    ensure(j && j.format === "ganrl.disc/1" && j.kind === this.kind && j.state, () => `expected a saved ${this.kind.toUpperCase()} cost (format ganrl.disc/1, kind ${this.kind}), got ${describe({ format: j?.format, kind: j?.kind })}`);
    ensure(j.arch.favorZeroExpertReward === this.cost.favorZeroExpertReward, "the saved cost's reward sign (favorZeroExpertReward) differs from this one's");
    this.cost.load(j.state as LinearCostState);
  }

  dispose(): void {
    // no tensors
  }
}

/** Options of FEM and GTAL: the adversarial loop's, plus the reward's sign. */
export interface LinearOptions extends AdversarialOptions {
  /**
   * Reward ≤ 0 (true: the paper's `favor_zero_expert_reward`, as log D) or ≥ 0 (false, as
   * −log(1 − D)); null: the task's GAIL-paper sign (`EnvSpec.gailRewardSign`: CartPole ≥ 0,
   * Acrobot and MountainCar ≤ 0).
   */
  favorZeroExpertReward: boolean | null;
}

/**
 * Defaults: the adversarial defaults with the paper's TRPO generator, no absorbing state and the
 * task's sign. The discriminator-training options (`disc*`, `labelSmoothing`, `gradPenalty*`) do
 * not apply to a linear cost.
 */
export const LINEAR_DEFAULTS: Readonly<LinearOptions> = Object.freeze({
  ...ADVERSARIAL_DEFAULTS,
  absorbing: false,
  favorZeroExpertReward: null,
});

function checkLinearOptions(o: LinearOptions, what: string): void {
  if (o.absorbing) throw new GanrlError(`${what}'s linear cost has no absorbing-state feature: set absorbing: false`);
  if (o.control === "randomD") throw new GanrlError(`${what} has no "randomD" control (a frozen random linear cost has no sign): use control "const" or "none"`);
  if (o.favorZeroExpertReward !== null && typeof o.favorZeroExpertReward !== "boolean") throw new GanrlError(`favorZeroExpertReward must be true, false or null (the task's sign), got ${describe(o.favorZeroExpertReward)}`);
}

/** The loop with a linear cost of the subclass's static `mode` (FEM: l2ball, GTAL: simplex). */
abstract class LinearApprenticeship extends AdversarialTrainer<LinearOptions, LinearDiscriminator> {
  /** The cost family of the subclass (a static, as the base constructor builds the cost before the subclass's fields exist). */
  static readonly mode: LinearCostMode;

  constructor(opts: Partial<LinearOptions> = {}) {
    const mode = (new.target as unknown as typeof LinearApprenticeship).mode;
    const algo = mode === "l2ball" ? "fem" : "gtal";
    super({ algo, rewardKey: `gen/${algo}Reward`, defaults: LINEAR_DEFAULTS, check: (o) => checkLinearOptions(o, algo.toUpperCase()) }, opts);
  }

  /** Whether the reward is ≤ 0: the option, or the task's GAIL-paper sign. */
  get favorZeroExpertReward(): boolean {
    return this.opts.favorZeroExpertReward ?? getEnvSpec(this.opts.envId).gailRewardSign === -1;
  }

  protected override makeDiscriminator(): LinearDiscriminator {
    const e = this.expert;
    return new LinearDiscriminator({
      mode: (this.constructor as typeof LinearApprenticeship).mode,
      obsDim: this.demos.obsDim,
      nActions: this.demos.nActions,
      expertObs: this.expertObservations(),
      expertActions: e.actions.slice(0, e.n),
      favorZeroExpertReward: this.favorZeroExpertReward,
      rng: new Rng(deriveSeed(this.opts.seed, 0x11ea)),
    });
  }
}

/**
 * FEM, feature expectation matching (Abbeel & Ng 2004) as in the GAIL paper: a linear cost in the
 * unit ℓ₂ ball, w = (μ_E − μ_π)/‖μ_E − μ_π‖₂, r(s, a) = w·φ(s, a)/|φ| shifted to the task's sign,
 * and an RL step (TRPO) on it each round.
 *
 *     const fem = new FEM({ envId: "CartPole-v0", demos: "data/demos/CartPole-v0/traj-4.json", demoEvery: 10, generator: "trpo", seed: 0 });
 *     await fem.learn(50_000);
 */
export class FEM extends LinearApprenticeship {
  static override readonly mode: LinearCostMode = "l2ball";
}

/**
 * GTAL, game-theoretic apprenticeship learning (Syed & Schapire 2008) as in the GAIL paper: a
 * linear cost on the simplex over ψ = [φ, −φ], j* = argmin_j (μ_π − μ_E)_j, r(s, a) = ψ_{j*}(s, a)/|ψ|
 * shifted to the task's sign, and an RL step (TRPO) on it each round.
 */
export class GTAL extends LinearApprenticeship {
  static override readonly mode: LinearCostMode = "simplex";
}
