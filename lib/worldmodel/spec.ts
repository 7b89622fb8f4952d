/**
 * What a world model needs to know about an environment besides its transitions: the shape of
 * the internal state, which entries are angles (wrapped into [−π, π]) or clipped velocities,
 * the network input features of a state, the observation derived from a state, and the KNOWN
 * termination and reward rules. All of it is read from the environment's `EnvSpec`
 * (`lib/envs/specs.ts`: `terminated`, `stepRewards`, `observe`, `worldModel`); a task whose spec
 * has no world-model description (the seals variants) is a `GanrlError` naming it.
 *
 * Termination and reward are not learned. They are computed from the predicted next state with
 * the environment's own rules (CartPole: |x| > 2.4 or |θ| > 12°, reward 1 on every step including
 * the terminating one; Acrobot: −cos θ1 − cos(θ1 + θ2) > 1, reward 0 on the terminating step and
 * −1 otherwise). These rules are exact, cheap and known to whoever builds the simulator; a learned
 * done-classifier would only add error (terminal states are rare in the data, ~1 in 20 for random
 * CartPole and far rarer otherwise). What is learned is the dynamics s' ~ P(·|s, a), and every
 * termination or reward error therefore comes from state-prediction error, which is what the
 * termination-accuracy metric measures. (Notebook 10, section "Termination and reward".)
 */
import { GanrlError } from "../core";
import { ClassicControlEnv, EnvId, MpcShaping, Unsupported, getEnvSpec, isUnsupported, makeEnv, specFeature } from "../envs";

/** The environments of the world-model experiments (any id whose `EnvSpec` has a `worldModel` works). */
export const WORLD_ENV_IDS = ["CartPole-v1", "Acrobot-v1"] as const;
export type WorldEnvId = (typeof WORLD_ENV_IDS)[number];

/** Dynamics noise of a stochastic variant (0: Gymnasium's deterministic dynamics). */
export interface WorldVariant {
  /** Standard deviation of the Gaussian force (CartPole, N) or torque (Acrobot) noise. */
  noiseStd: number;
}

export interface WorldSpec {
  readonly envId: EnvId;
  /** Entries of the internal float64 state (CartPole [x, ẋ, θ, θ̇]; Acrobot [θ1, θ2, θ̇1, θ̇2]). */
  readonly stateDim: number;
  readonly nActions: number;
  /** Width of the observation the policy sees (CartPole 4, Acrobot 6). */
  readonly obsDim: number;
  /** Width of the network input features of a state (Acrobot: cos/sin of the angles, i.e. the obs). */
  readonly featureDim: number;
  /** State entries that are angles: residuals are wrapped differences, predictions wrapped into [−π, π]. */
  readonly angleDims: readonly number[];
  /** Per entry: [low, high] clip the environment applies (Acrobot's velocity limits), or null. */
  readonly bounds: readonly (readonly [number, number] | null)[];
  /** Gymnasium's time limit. */
  readonly maxEpisodeSteps: number;
  readonly stateNames: readonly string[];
  /** Network input features of the state `s[so .. so+stateDim)` into `out[oo .. oo+featureDim)`. */
  features(s: ArrayLike<number>, so: number, out: Float32Array, oo: number): void;
  /** The observation of a state (what a policy sees), as the environment computes it. */
  observe(s: ArrayLike<number>, so: number, out: Float32Array, oo: number): void;
  /** The known termination rule, applied to a (predicted) next state. */
  terminated(s: ArrayLike<number>, so: number): boolean;
  /** The known reward of a step that lands in a state with this termination flag. */
  reward(terminated: boolean): number;
  /** The MPC's hand-written shaping c(s) (see mpc.ts), where the task has one. */
  readonly shaping: MpcShaping | Unsupported;
  /** A real environment of this spec (for data, references and scoring). */
  makeEnv(variant: WorldVariant, seed: number): ClassicControlEnv;
}

const WORLD_SPECS = new Map<EnvId, WorldSpec>();

/** The world-model view of an environment's `EnvSpec`; a `GanrlError` naming the task where it has none. */
export function worldSpec(envId: string): WorldSpec {
  const env = getEnvSpec(envId);
  const cached = WORLD_SPECS.get(env.id);
  if (cached) return cached;
  const wm = specFeature(env, "worldModel", "a world model");
  const rewards = specFeature(env, "stepRewards", "a world model's known reward");
  const id = env.id;
  const noise = wm.noiseOption;
  const spec: WorldSpec = Object.freeze({
    envId: id,
    stateDim: env.stateDim,
    nActions: env.nActions,
    obsDim: env.obsDim,
    featureDim: wm.featureDim,
    angleDims: wm.angleDims,
    bounds: wm.bounds,
    maxEpisodeSteps: env.maxEpisodeSteps,
    stateNames: env.stateNames,
    features: wm.features,
    observe: env.observe,
    terminated: env.terminated,
    reward: (terminated: boolean) => (terminated ? rewards.terminal : rewards.alive),
    shaping: wm.shaping,
    makeEnv(variant: WorldVariant, seed: number) {
      if (variant.noiseStd === 0) return makeEnv(id, { seed });
      if (isUnsupported(noise)) throw new GanrlError(`a stochastic variant (noiseStd ${variant.noiseStd}) is not defined for ${id}: ${noise.unsupported}`);
      return makeEnv(id, { seed, [noise]: variant.noiseStd });
    },
  });
  WORLD_SPECS.set(id, spec);
  return spec;
}

/**
 * The stochastic variants used in the experiments: CartPole with N(0, 3²) N force noise on the
 * ±10 N push, Acrobot with N(0, 0.5²) torque noise on the ±1 torque.
 */
export const STOCHASTIC_NOISE: Readonly<Record<WorldEnvId, number>> = Object.freeze({ "CartPole-v1": 3.0, "Acrobot-v1": 0.5 });

/**
 * s' ⊖ s: the state difference with angle entries wrapped into [−π, π] (the residual target).
 * Writes `stateDim` numbers into `out[oo ..]`.
 */
export function stateDiff(spec: WorldSpec, next: ArrayLike<number>, no: number, s: ArrayLike<number>, so: number, out: ArrayLike<number> & { [i: number]: number }, oo: number): void {
  for (let i = 0; i < spec.stateDim; i++) out[oo + i] = next[no + i] - s[so + i];
  for (const i of spec.angleDims) out[oo + i] = wrapAngle(out[oo + i]);
}

/** s ⊕ Δ: adds a residual, wraps angles into [−π, π] and applies the environment's clips, in place on `s`. */
export function applyResidual(spec: WorldSpec, s: Float64Array, so: number, delta: ArrayLike<number>, d0: number, scale?: ArrayLike<number>): void {
  for (let i = 0; i < spec.stateDim; i++) s[so + i] += scale ? delta[d0 + i] * scale[i] : delta[d0 + i];
  for (const i of spec.angleDims) s[so + i] = wrapAngle(s[so + i]);
  for (let i = 0; i < spec.stateDim; i++) {
    const b = spec.bounds[i];
    if (b) s[so + i] = Math.min(Math.max(s[so + i], b[0]), b[1]);
  }
}

const TWO_PI = 2 * Math.PI;

/**
 * An angle wrapped into [−π, π) in constant time. (Gymnasium's `wrap` subtracts 2π in a loop,
 * which never ends on a diverged prediction such as 1e30; this form cannot hang.)
 */
export function wrapAngle(x: number): number {
  if (x >= -Math.PI && x < Math.PI) return x;
  if (!Number.isFinite(x)) return x;
  return x - TWO_PI * Math.floor((x + Math.PI) / TWO_PI);
}
