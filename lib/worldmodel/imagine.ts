/**
 * Imagination: rolling a dynamics model forward under a policy, with rewards and termination
 * from the known rules of the environment (see `spec.ts`).
 */
import { Rng, ensure, checkSeed, GanrlError, describe } from "../core";
import { ClassicControlEnv } from "../envs";
import { WorldSpec, WorldVariant } from "./spec";

/** Anything that steps batches of internal states: a learned `WorldModel` or `TrueDynamics`. */
export interface DynamicsModel {
  readonly spec: WorldSpec;
  /** states [n·stateDim], actions [n] → next states [n·stateDim]; `rng` draws any noise. */
  predict(states: Float64Array, actions: ArrayLike<number>, rng?: Rng): Float64Array;
}

/**
 * The real simulator behind the `DynamicsModel` interface (`env.setState` + `env.step` per row):
 * the reference the learned models are compared with, and the "perfect model" of MPC.
 * Noise of a stochastic variant comes from the environment's own seeded stream.
 */
export class TrueDynamics implements DynamicsModel {
  readonly spec: WorldSpec;
  private readonly env: ClassicControlEnv;

  constructor(spec: WorldSpec, variant: WorldVariant, seed = 0) {
    this.spec = spec;
    this.env = spec.makeEnv(variant, seed);
    this.env.reset();
  }

  predict(states: Float64Array, actions: ArrayLike<number>): Float64Array {
    const D = this.spec.stateDim;
    const n = actions.length;
    ensure(states.length === n * D, () => `TrueDynamics.predict: ${states.length} state numbers for ${n} actions`);
    const out = new Float64Array(n * D);
    for (let i = 0; i < n; i++) {
      // reset() keeps the time limit and the after-termination bookkeeping out of the way
      this.env.reset();
      this.env.setState(states.subarray(i * D, (i + 1) * D));
      this.env.step(actions[i]);
      out.set(this.env.state, i * D);
    }
    return out;
  }
}

/** A policy for imagination: a function of the observation (and step), or `"random"`. */
export type ImaginePolicy = ((obs: Float32Array, t: number, rng: Rng) => number) | "random";

export interface ImagineOptions {
  /** Seed of the model's noise and the policy's random draws. */
  seed?: number;
  /** Stop at the first predicted termination (default true); else keep stepping, flags stay set. */
  stopAtDone?: boolean;
}

/** An imagined trajectory. */
export interface ImaginedTrajectory {
  /** s_0 .. s_T (T ≤ horizon), each [stateDim] float64. */
  states: Float64Array[];
  /** Observations of the states, each [obsDim]. */
  obs: Float32Array[];
  /** a_0 .. a_{T−1}. */
  actions: number[];
  /** r_0 .. r_{T−1} from the known reward rule. */
  rewards: number[];
  /** done_t: whether s_{t+1} is terminal by the known rule. */
  dones: boolean[];
}

/**
 * Rolls `model` forward from `initialState` for `horizon` steps with `policy` (acting on the
 * observation of each imagined state). Rewards and done flags come from the known rules applied
 * to the predicted states. Deterministic given `seed`.
 */
export function imagine(
  model: DynamicsModel,
  initialState: ArrayLike<number>,
  policy: ImaginePolicy,
  horizon: number,
  opts: ImagineOptions = {},
): ImaginedTrajectory {
  const spec = model.spec;
  const D = spec.stateDim;
  if (!initialState || initialState.length !== D) {
    throw new GanrlError(`imagine: initialState must hold ${D} numbers (${spec.stateNames.join(", ")}), got ${describe(initialState)}`);
  }
  ensure(Number.isSafeInteger(horizon) && horizon >= 0, `imagine: horizon must be a non-negative integer, got ${horizon}`);
  const seed = opts.seed ?? 0;
  checkSeed(seed, "imagine seed");
  const rng = new Rng(seed);
  const modelRng = rng.fork();
  const policyRng = rng.fork();
  const stopAtDone = opts.stopAtDone ?? true;
  let s = Float64Array.from(initialState);
  const obsOf = (st: Float64Array) => {
    const o = new Float32Array(spec.obsDim);
    spec.observe(st, 0, o, 0);
    return o;
  };
  const traj: ImaginedTrajectory = { states: [s], obs: [obsOf(s)], actions: [], rewards: [], dones: [] };
  let done = false;
  for (let t = 0; t < horizon; t++) {
    const o = traj.obs[t];
    const a = policy === "random" ? policyRng.int(spec.nActions) : policy(o, t, policyRng);
    ensure(Number.isInteger(a) && a >= 0 && a < spec.nActions, () => `imagine: the policy returned ${describe(a)}; actions are 0..${spec.nActions - 1}`);
    s = model.predict(s, [a], modelRng);
    const term: boolean = done || spec.terminated(s, 0);
    traj.actions.push(a);
    // after a termination the episode is over: no more reward (Gymnasium's CartPole gives 0 too)
    traj.rewards.push(done ? 0 : spec.reward(term));
    traj.dones.push(term);
    traj.states.push(s);
    traj.obs.push(obsOf(s));
    done = term;
    if (done && stopAtDone) break;
  }
  return traj;
}
