/**
 * The environment registry: one `EnvSpec` per environment id, holding everything the library
 * knows about a task (layout, limits, rewards, the termination rule, a hand-written controller,
 * reference returns, the GAIL paper's reward sign, what the IRL heatmaps and the world models
 * need, rendering) so that no other module tests environment ids. `getEnvSpec(id)` is the one
 * lookup; an unknown id is a `GanrlError` listing the valid ones.
 *
 * Where a consumer's need has no meaning for a task, the field holds `{ unsupported: reason }`
 * and `specFeature` raises a `GanrlError` naming the task and the reason (never a silent
 * fallback to another task's rule).
 *
 * Reference returns are measured: `random` and `controller` by `npx tsx scripts/env-references.ts`
 * (uniform-random actions over 1000 episodes, seeds 0..999; the controller over 100 episodes,
 * seeds 0..99; episode i resets with seed i, random actions from `new Rng(i).fork()`), and
 * `expert` as `npx ganrl eval --policy data/experts/<id>.json --env <id> --episodes 100 --seed 0`
 * (deterministic) prints it; test/envs/specs.test.ts re-measures the first two and
 * test/cli/cli.test.ts checks the third against the expert's `.meta.json`.
 */
import { GanrlError, describe } from "../core";
import { ClassicControlEnv, ENV_IDS, EnvId } from "./env";
import { ACROBOT_DEFAULTS, AcrobotEnv, AcrobotOptions, acrobotTerminated, writeAcrobotObs } from "./acrobot";
import { CARTPOLE_DEFAULTS, CARTPOLE_THETA_THRESHOLD, CARTPOLE_X_THRESHOLD, CartPoleEnv, CartPoleOptions, cartPoleTerminated } from "./cartpole";
import {
  MOUNTAINCAR_MAX_POSITION,
  MOUNTAINCAR_MAX_SPEED,
  MOUNTAINCAR_MIN_POSITION,
  MountainCarEnv,
  MountainCarOptions,
  mountainCarAtGoal,
} from "./mountaincar";
import { renderAcrobot, renderCartPole, renderMountainCar } from "./render";
import { SealsCartPoleEnv, SealsMountainCarEnv } from "./seals";

/** Tasks of one family share dynamics and the meaning of their observation entries. */
export type EnvFamily = "CartPole" | "Acrobot" | "MountainCar";

/** Union of every environment's options. */
export type EnvOptions = CartPoleOptions | AcrobotOptions | MountainCarOptions;

/** A field a task does not have, and why (see `specFeature`). */
export interface Unsupported {
  readonly unsupported: string;
}

/** A measured mean return and the protocol that measured it. */
export interface ReferenceReturn {
  readonly mean: number;
  readonly std: number;
  readonly episodes: number;
}

/** The two display coordinates of the IRL reward heatmaps (lib/irl/evaluate.ts `rewardGrid`). */
export interface RewardGridSpec {
  readonly xName: string;
  readonly yName: string;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  /** The internal state at grid point (u, v), the other entries at rest. */
  state(u: number, v: number): number[];
}

/** The per-step cost shaping of the world model's MPC (lib/worldmodel/mpc.ts), with its meaning. */
export interface MpcShaping {
  readonly doc: string;
  /** c(s) of the state `s[o .. o+stateDim)`. */
  term(s: ArrayLike<number>, o: number): number;
}

/** What a world model of the task needs besides the spec's termination rule and rewards. */
export interface WorldModelSpec {
  /** Width of the network input features of a state. */
  readonly featureDim: number;
  /** Network input features of the state `s[so ..]` into `out[oo ..]` (angles as cos/sin). */
  features(s: ArrayLike<number>, so: number, out: Float32Array, oo: number): void;
  /** State entries that are angles (residuals wrapped into [−π, π]). */
  readonly angleDims: readonly number[];
  /** Per state entry: the [low, high] clip the dynamics apply, or null. */
  readonly bounds: readonly (readonly [number, number] | null)[];
  /** The environment option that adds Gaussian dynamics noise (the stochastic variants). */
  readonly noiseOption: "forceNoiseStd" | "torqueNoiseStd" | Unsupported;
  readonly shaping: MpcShaping | Unsupported;
}

export interface EnvSpec {
  readonly id: EnvId;
  readonly family: EnvFamily;
  /** One line: what the task is and where it comes from. */
  readonly summary: string;
  /** Gymnasium's `TimeLimit`: `truncated` once this many steps were taken. */
  readonly maxEpisodeSteps: number;
  /** Never terminates: every episode lasts exactly `maxEpisodeSteps` (the seals variants). */
  readonly fixedHorizon: boolean;
  readonly stateNames: readonly string[];
  readonly observationNames: readonly string[];
  readonly stateDim: number;
  readonly obsDim: number;
  readonly nActions: number;
  readonly actionNames: readonly string[];
  /** Gymnasium's `reward_threshold` (the return at which the task counts as solved), or null. */
  readonly rewardThreshold: number | null;
  /** Measured returns of a uniform-random policy, of `controller` and of the shipped expert. */
  readonly reference: { readonly random: ReferenceReturn; readonly controller: ReferenceReturn; readonly expert: ReferenceReturn };
  /**
   * The GAIL paper's sign of the discriminator reward: +1 = −log(1 − D) ≥ 0 (CartPole: living
   * longer is the goal), −1 = log D ≤ 0 (Acrobot, MountainCar: the expert ends episodes early).
   * The seals variants take their family's sign; with a fixed horizon it biases nothing.
   */
  readonly gailRewardSign: 1 | -1;
  /**
   * The reward of a step that does not terminate (`alive`) and of the terminating one, where they
   * are constants (learned-reward comparisons and world models use them).
   */
  readonly stepRewards: { readonly alive: number; readonly terminal: number } | Unsupported;
  /** The termination rule on the internal state `s[so .. so+stateDim)`. */
  terminated(s: ArrayLike<number>, so: number): boolean;
  /** The observation of the internal state `s[so ..]`, written into `out[oo .. oo+obsDim)` (float32). */
  observe(s: ArrayLike<number>, so: number, out: Float32Array, oo: number): void;
  /** A hand-written controller: the action for the observation `obs[oo .. oo+obsDim)`. */
  controller(obs: ArrayLike<number>, oo: number): number;
  /** The controller's rule in words. */
  readonly controllerDoc: string;
  readonly rewardGrid: RewardGridSpec | Unsupported;
  readonly worldModel: WorldModelSpec | Unsupported;
  /** An SVG picture of the internal state `s` at step `t` with default physics. */
  render(s: ArrayLike<number>, t: number): string;
  /** A new environment of this task (options: `seed`, `params`, noise, `reuseObs`). */
  make(opts?: EnvOptions): ClassicControlEnv;
}

/** Optional fields of a spec, which `specFeature` unwraps. */
export type SpecFeature = "stepRewards" | "rewardGrid" | "worldModel";

export function isUnsupported(x: unknown): x is Unsupported {
  return typeof x === "object" && x !== null && typeof (x as Unsupported).unsupported === "string";
}

/**
 * `spec[feature]` when the task has it; otherwise a `GanrlError` naming the task, what needed it
 * (`who`) and why the task has none.
 */
export function specFeature<K extends SpecFeature>(spec: EnvSpec, feature: K, who: string): Exclude<EnvSpec[K], Unsupported> {
  const v = spec[feature];
  if (isUnsupported(v)) throw new GanrlError(`${who} is not defined for ${spec.id}: ${v.unsupported}`);
  return v as Exclude<EnvSpec[K], Unsupported>;
}

// ------------------------------------------------------------------ families

const CARTPOLE_NAMES = ["x", "x_dot", "theta", "theta_dot"] as const;
const ACROBOT_STATE_NAMES = ["theta1", "theta2", "dtheta1", "dtheta2"] as const;
const MOUNTAINCAR_NAMES = ["position", "velocity"] as const;

const copy4 = (s: ArrayLike<number>, so: number, out: Float32Array, oo: number) => {
  for (let i = 0; i < 4; i++) out[oo + i] = s[so + i];
};
const copy2 = (s: ArrayLike<number>, so: number, out: Float32Array, oo: number) => {
  out[oo] = s[so];
  out[oo + 1] = s[so + 1];
};
const acrobotV1Obs = (s: ArrayLike<number>, so: number, out: Float32Array, oo: number) => writeAcrobotObs(s, so, out, oo, false);

const cartPoleGrid: RewardGridSpec = Object.freeze({
  xName: "cart position x (m)",
  yName: "pole angle θ (rad)",
  xRange: [-3, 3] as const,
  yRange: [-0.3, 0.3] as const,
  state: (u: number, v: number) => [u, 0, v, 0],
});
const acrobotGrid: RewardGridSpec = Object.freeze({
  xName: "θ1 (rad)",
  yName: "θ2 (rad)",
  xRange: [-Math.PI, Math.PI] as const,
  yRange: [-Math.PI, Math.PI] as const,
  state: (u: number, v: number) => [u, v, 0, 0],
});
const mountainCarGrid: RewardGridSpec = Object.freeze({
  xName: "position x",
  yName: "velocity v",
  xRange: [MOUNTAINCAR_MIN_POSITION, MOUNTAINCAR_MAX_POSITION] as const,
  yRange: [-MOUNTAINCAR_MAX_SPEED, MOUNTAINCAR_MAX_SPEED] as const,
  state: (u: number, v: number) => [u, v],
});

const cartPoleWorld: WorldModelSpec = Object.freeze({
  featureDim: 4,
  features: copy4,
  angleDims: [],
  bounds: [null, null, null, null],
  noiseOption: "forceNoiseStd" as const,
  shaping: Object.freeze({
    doc: "−(θ/θ_max)² − (x/x_max)²: how far the state is from the termination boundary",
    term(s: ArrayLike<number>, o: number) {
      const a = s[o + 2] / CARTPOLE_THETA_THRESHOLD, b = s[o] / CARTPOLE_X_THRESHOLD;
      return -(a * a) - b * b;
    },
  }),
});
const acrobotWorld: WorldModelSpec = Object.freeze({
  featureDim: 6,
  // critical: raw angles jump by 2π at ±π; the network sees cos/sin, never the raw angle.
  features: acrobotV1Obs,
  angleDims: [0, 1],
  bounds: [null, null, [-ACROBOT_DEFAULTS.maxVel1, ACROBOT_DEFAULTS.maxVel1] as const, [-ACROBOT_DEFAULTS.maxVel2, ACROBOT_DEFAULTS.maxVel2] as const],
  noiseOption: "torqueNoiseStd" as const,
  shaping: Object.freeze({
    doc: "the free end's height −cos θ1 − cos(θ1 + θ2), which the goal asks to raise",
    term: (s: ArrayLike<number>, o: number) => -Math.cos(s[o]) - Math.cos(s[o + 1] + s[o]),
  }),
});
const mountainCarWorld: WorldModelSpec = Object.freeze({
  featureDim: 2,
  features: copy2,
  angleDims: [],
  bounds: [[MOUNTAINCAR_MIN_POSITION, MOUNTAINCAR_MAX_POSITION] as const, [-MOUNTAINCAR_MAX_SPEED, MOUNTAINCAR_MAX_SPEED] as const],
  noiseOption: { unsupported: "MountainCar has no dynamics-noise option" },
  shaping: {
    unsupported:
      "no hand-written shaping: the car must first drive away from the goal to gain energy, so neither height nor distance to the flag ranks states (pass shaping: 0)",
  },
});

/** What every task of a family shares; each id adds its own limits, references, rendering and factory. */
type FamilyPart = Pick<
  EnvSpec,
  | "family" | "stateNames" | "observationNames" | "stateDim" | "obsDim" | "nActions" | "actionNames" | "gailRewardSign"
  | "stepRewards" | "terminated" | "observe" | "controller" | "controllerDoc" | "rewardGrid" | "worldModel"
>;
type TaskPart = Omit<EnvSpec, keyof FamilyPart | "reference">;

const CARTPOLE: FamilyPart = {
  family: "CartPole",
  stateNames: CARTPOLE_NAMES,
  observationNames: CARTPOLE_NAMES,
  stateDim: 4,
  obsDim: 4,
  nActions: 2,
  actionNames: ["push left", "push right"],
  gailRewardSign: 1,
  stepRewards: { alive: 1, terminal: 1 },
  terminated: (s: ArrayLike<number>, so: number) => cartPoleTerminated(s[so], s[so + 2]),
  observe: copy4,
  controller: (o: ArrayLike<number>, k: number) => (o[k + 2] + 0.5 * o[k + 3] > 0 ? 1 : 0),
  controllerDoc: "push right iff θ + 0.5·θ̇ > 0 (the golden files' `stabilizing`)",
  rewardGrid: cartPoleGrid,
  worldModel: cartPoleWorld,
};

const ACROBOT_V1: FamilyPart = {
  family: "Acrobot",
  stateNames: ACROBOT_STATE_NAMES,
  observationNames: ["cos(theta1)", "sin(theta1)", "cos(theta2)", "sin(theta2)", "dtheta1", "dtheta2"],
  stateDim: 4,
  obsDim: 6,
  nActions: 3,
  actionNames: ["torque -1", "torque 0", "torque +1"],
  gailRewardSign: -1,
  stepRewards: { alive: -1, terminal: 0 },
  terminated: (s: ArrayLike<number>, so: number) => acrobotTerminated(s[so], s[so + 1]),
  observe: acrobotV1Obs,
  controller: (o: ArrayLike<number>, k: number) => (o[k + 5] > 0 ? 2 : 0),
  controllerDoc: "torque +1 iff θ̇2 > 0, else −1 (pumps energy; the golden files' `pump`)",
  rewardGrid: acrobotGrid,
  worldModel: acrobotWorld,
};

/** Acrobot-v0 observes the raw state: its controller reads θ̇2 at index 3. */
const ACROBOT_V0: FamilyPart = {
  ...ACROBOT_V1,
  observationNames: ACROBOT_STATE_NAMES,
  obsDim: 4,
  observe: copy4,
  controller: (o: ArrayLike<number>, k: number) => (o[k + 3] > 0 ? 2 : 0),
};

const MOUNTAINCAR: FamilyPart = {
  family: "MountainCar",
  stateNames: MOUNTAINCAR_NAMES,
  observationNames: MOUNTAINCAR_NAMES,
  stateDim: 2,
  obsDim: 2,
  nActions: 3,
  actionNames: ["push left", "no push", "push right"],
  gailRewardSign: -1,
  stepRewards: { alive: -1, terminal: -1 },
  terminated: (s: ArrayLike<number>, so: number) => mountainCarAtGoal(s[so], s[so + 1]),
  observe: copy2,
  controller: (o: ArrayLike<number>, k: number) => (o[k + 1] >= 0 ? 2 : 0),
  controllerDoc: "energy pumping: push right iff v ≥ 0, else left (the golden files' `pump`)",
  rewardGrid: mountainCarGrid,
  worldModel: mountainCarWorld,
};

const SEALS_NO_CONSTANT_REWARD: Unsupported = {
  unsupported:
    "its reward is not a constant per step (seals/CartPole-v0 pays 1 only inside |x| < 2.4 and |θ| < 12°; seals/MountainCar-v0 pays −1 until the goal and 0 after), and it never terminates",
};
/** What the seals variants change in their family's rules: no termination, no constant per-step reward. */
const SEALS_RULES: Pick<FamilyPart, "stepRewards" | "terminated"> = { stepRewards: SEALS_NO_CONSTANT_REWARD, terminated: () => false };
/** ... and in the task: a fixed horizon, and no `reward_threshold` in seals' registration. */
const SEALS_TASK = { fixedHorizon: true, rewardThreshold: null } as const;

const renderCart = (id: EnvId) => (s: ArrayLike<number>, t: number) => renderCartPole(s, { id, t, length: CARTPOLE_DEFAULTS.length });
const renderAcro = (id: EnvId) => (s: ArrayLike<number>, t: number) =>
  renderAcrobot(s, { id, t, linkLength1: ACROBOT_DEFAULTS.linkLength1, linkLength2: ACROBOT_DEFAULTS.linkLength2 });
const renderCar = (id: EnvId) => (s: ArrayLike<number>, t: number) => renderMountainCar(s, { id, t });

// ------------------------------------------------------------------ the registry

// Measured (see the module comment): `npx tsx scripts/env-references.ts` prints this table.
const ref = (mean: number, std: number, episodes: number): ReferenceReturn => Object.freeze({ mean, std, episodes });
const REFERENCES: Readonly<Record<EnvId, EnvSpec["reference"]>> = Object.freeze({
  "CartPole-v1": { random: ref(21.999, 11.1133, 1000), controller: ref(500, 0, 100), expert: ref(500, 0, 100) },
  "CartPole-v0": { random: ref(21.999, 11.1133, 1000), controller: ref(200, 0, 100), expert: ref(200, 0, 100) },
  "Acrobot-v1": { random: ref(-498.941, 11.2331, 1000), controller: ref(-88.01, 35.2092, 100), expert: ref(-75.75, 17.4157, 100) },
  "Acrobot-v0": { random: ref(-200, 0, 1000), controller: ref(-86.85, 30.1856, 100), expert: ref(-82.19, 21.8081, 100) },
  // expert: the minimum-time policy (MountainCarMinimumTime, −98.15 on the same episodes) distilled by DAgger (npx ganrl distill-expert; deterministic, 100 episodes; data/experts/MountainCar-v0.meta.json)
  "MountainCar-v0": { random: ref(-200, 0, 1000), controller: ref(-119.39, 3.6984, 100), expert: ref(-98.42, 6.83839, 100) },
  // expert: the CartPole-v1 expert, adopted (npx ganrl adopt-expert; data/experts/seals/CartPole-v0.meta.json)
  "seals/CartPole-v0": { random: ref(32.892, 16.0791, 1000), controller: ref(500, 0, 100), expert: ref(500, 0, 100) },
  // expert: the MountainCar-v0 expert, adopted (npx ganrl adopt-expert; data/experts/seals/MountainCar-v0.meta.json)
  "seals/MountainCar-v0": { random: ref(-200, 0, 1000), controller: ref(-119.39, 3.6984, 100), expert: ref(-98.42, 6.83839, 100) },
});

const spec = (family: FamilyPart, task: TaskPart): EnvSpec => Object.freeze({ ...family, ...task, reference: REFERENCES[task.id] });

const SPECS: Readonly<Record<EnvId, EnvSpec>> = Object.freeze({
  "CartPole-v1": spec(CARTPOLE, {
    id: "CartPole-v1",
    summary: "Gymnasium 1.4.0 CartPole-v1: balance a pole on a cart, +1 a step, 500 steps",
    maxEpisodeSteps: 500,
    fixedHorizon: false,
    rewardThreshold: 475,
    render: renderCart("CartPole-v1"),
    make: (opts?: EnvOptions) => new CartPoleEnv(opts as CartPoleOptions, { id: "CartPole-v1", maxEpisodeSteps: 500 }),
  }),
  "CartPole-v0": spec(CARTPOLE, {
    id: "CartPole-v0",
    summary: "CartPole with the 200-step limit of 2016 gym's CartPole-v0 (the GAIL paper's task)",
    maxEpisodeSteps: 200,
    fixedHorizon: false,
    rewardThreshold: 195,
    render: renderCart("CartPole-v0"),
    make: (opts?: EnvOptions) => new CartPoleEnv(opts as CartPoleOptions, { id: "CartPole-v0", maxEpisodeSteps: 200 }),
  }),
  "Acrobot-v1": spec(ACROBOT_V1, {
    id: "Acrobot-v1",
    summary: "Gymnasium 1.4.0 Acrobot-v1: swing the free end above the bar, −1 a step, 500 steps",
    maxEpisodeSteps: 500,
    fixedHorizon: false,
    rewardThreshold: -100,
    render: renderAcro("Acrobot-v1"),
    make: (opts?: EnvOptions) => new AcrobotEnv(opts as AcrobotOptions, { id: "Acrobot-v1", maxEpisodeSteps: 500, rawObservation: false }),
  }),
  "Acrobot-v0": spec(ACROBOT_V0, {
    id: "Acrobot-v0",
    summary: "Acrobot as 2016 gym's Acrobot-v0 (the GAIL paper's task): raw state [θ1, θ2, θ̇1, θ̇2] observed, 200 steps",
    maxEpisodeSteps: 200,
    fixedHorizon: false,
    rewardThreshold: -100,
    render: renderAcro("Acrobot-v0"),
    make: (opts?: EnvOptions) => new AcrobotEnv(opts as AcrobotOptions, { id: "Acrobot-v0", maxEpisodeSteps: 200, rawObservation: true }),
  }),
  "MountainCar-v0": spec(MOUNTAINCAR, {
    id: "MountainCar-v0",
    summary: "Gymnasium 1.4.0 MountainCar-v0: drive an underpowered car up to the flag at x = 0.5, −1 a step, 200 steps",
    maxEpisodeSteps: 200,
    fixedHorizon: false,
    rewardThreshold: -110,
    render: renderCar("MountainCar-v0"),
    make: (opts?: EnvOptions) => new MountainCarEnv(opts as MountainCarOptions, { id: "MountainCar-v0", maxEpisodeSteps: 200 }),
  }),
  "seals/CartPole-v0": spec(
    {
      ...CARTPOLE,
      ...SEALS_RULES,
      worldModel: { unsupported: "its reward depends on the state, not on termination (it never terminates), which the world model's known-reward rule does not express" },
    },
    {
      ...SEALS_TASK,
      id: "seals/CartPole-v0",
      summary: "seals 0.2.1 fixed-horizon CartPole: never terminates, θ wrapped to [−π, π), +1 a step inside the bounds, 500 steps",
      maxEpisodeSteps: 500,
      render: renderCart("seals/CartPole-v0"),
      make: (opts?: EnvOptions) => new SealsCartPoleEnv(opts as CartPoleOptions),
    },
  ),
  "seals/MountainCar-v0": spec(
    { ...MOUNTAINCAR, ...SEALS_RULES, worldModel: { unsupported: "its absorbing flag (set once the goal was reached) is not part of the state [position, velocity]" } },
    {
      ...SEALS_TASK,
      id: "seals/MountainCar-v0",
      summary: "seals 0.2.1 fixed-horizon MountainCar: never terminates; after the goal the state freezes and the reward is 0; 200 steps",
      maxEpisodeSteps: 200,
      render: renderCar("seals/MountainCar-v0"),
      make: (opts?: EnvOptions) => new SealsMountainCarEnv(opts as MountainCarOptions),
    },
  ),
});

/** The spec of an environment id; a `GanrlError` listing the valid ids for any other value. */
export function getEnvSpec(id: unknown): EnvSpec {
  if (typeof id === "string" && Object.prototype.hasOwnProperty.call(SPECS, id)) return SPECS[id as EnvId];
  throw new GanrlError(`unknown environment id ${describe(id)}; valid ids: ${ENV_IDS.join(", ")}`);
}

/** Every spec, in the order of `ENV_IDS`. */
export function envSpecs(): EnvSpec[] {
  return ENV_IDS.map((id) => SPECS[id]);
}
