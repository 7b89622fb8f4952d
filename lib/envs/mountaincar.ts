/**
 * MountainCar, ported bit-for-bit from Gymnasium 1.4.0 `gymnasium/envs/classic_control/mountain_car.py`
 * (Moore 1990; Sutton & Barto's book, example 10.1).
 *
 * State s = [x, v] (position, velocity; float64); observation = the same two numbers rounded to
 * float32. The car sits in a valley whose height is sin(3x); actions 0, 1, 2 push left, not at
 * all, right. With force F = 0.001 and gravity g = 0.0025, one step is
 *
 *     v ← clip(v + ((a − 1)·F + cos(3x)·(−g)), −0.07, 0.07)
 *     x ← clip(x + v, −1.2, 0.6)
 *     if x = −1.2 and v < 0: v ← 0          (the left wall: an inelastic stop)
 *
 * Terminated when x ≥ 0.5 and v ≥ 0 (the flag; both comparisons inclusive). Reward −1 on every
 * step, the goal step included; stepping after termination simply continues the physics (no
 * special case, as in Gymnasium). Reset: x uniform in [−0.6, −0.4), v = 0, drawn from our `Rng`
 * (not NumPy's PCG64 stream).
 *
 * The engine's force (±0.001) is smaller than gravity's pull on the slopes (up to 0.0025), so the
 * car cannot drive up directly: it must swing back and forth to build up energy (notebook 00).
 */
import { Rng, checkKnownKeys } from "../core";
import { BASE_OPTION_KEYS, BaseEnvOptions, BoxSpace, ClassicControlEnv, EnvVariant, checkParams } from "./env";
import { renderMountainCar } from "./render";

/** Physics parameters of MountainCar (defaults = Gymnasium's). */
export interface MountainCarParams {
  /** F, velocity change per step of a push (0.001). */
  force: number;
  /** g, the slope term's coefficient: v changes by −g·cos(3x) per step (0.0025). */
  gravity: number;
}

export const MOUNTAINCAR_DEFAULTS: Readonly<MountainCarParams> = Object.freeze({ force: 0.001, gravity: 0.0025 });

export interface MountainCarOptions extends BaseEnvOptions {
  /** Physics overrides. Default: Gymnasium's. */
  params?: Partial<MountainCarParams>;
}

export const MOUNTAINCAR_OPTION_KEYS = [...BASE_OPTION_KEYS, "params"] as const;

/** Gymnasium's bounds and goal. */
export const MOUNTAINCAR_MIN_POSITION = -1.2;
export const MOUNTAINCAR_MAX_POSITION = 0.6;
export const MOUNTAINCAR_MAX_SPEED = 0.07;
export const MOUNTAINCAR_GOAL_POSITION = 0.5;
export const MOUNTAINCAR_GOAL_VELOCITY = 0;

/** The goal rule on a state: x ≥ 0.5 and v ≥ 0. */
export function mountainCarAtGoal(x: number, v: number): boolean {
  return x >= MOUNTAINCAR_GOAL_POSITION && v >= MOUNTAINCAR_GOAL_VELOCITY;
}

export class MountainCarEnv extends ClassicControlEnv {
  readonly observationSpace: BoxSpace;
  readonly params: Readonly<MountainCarParams>;
  private readonly force: number;
  private readonly negGravity: number;

  constructor(opts: MountainCarOptions = {}, variant: EnvVariant = { id: "MountainCar-v0", maxEpisodeSteps: 200 }) {
    checkKnownKeys(opts, MOUNTAINCAR_OPTION_KEYS, variant.id);
    super(variant.id, variant.maxEpisodeSteps, 3, 2, 2, opts);
    const p = checkParams(variant.id, MOUNTAINCAR_DEFAULTS as MountainCarParams, opts.params, []);
    this.params = Object.freeze(p);
    this.force = p.force;
    // critical: Python evaluates `math.cos(3 * position) * (-self.gravity)`: the negation first.
    this.negGravity = -p.gravity;
    const low = new Float32Array([MOUNTAINCAR_MIN_POSITION, -MOUNTAINCAR_MAX_SPEED]);
    const high = new Float32Array([MOUNTAINCAR_MAX_POSITION, MOUNTAINCAR_MAX_SPEED]);
    this.observationSpace = Object.freeze({ shape: [2], low, high });
  }

  stateNames(): string[] {
    return ["position", "velocity"];
  }

  protected actionMeanings(): string[] {
    return ["0 = push left", "1 = no push", "2 = push right"];
  }

  protected sampleInitialState(rng: Rng): void {
    this.s[0] = rng.uniformRange(-0.6, -0.4);
    this.s[1] = 0;
  }

  protected advance(action: number): number {
    mountainCarStep(this.s, action, this.force, this.negGravity);
    this.terminatedFlag = mountainCarAtGoal(this.s[0], this.s[1]);
    return -1.0;
  }

  writeObs(out: Float32Array, offset: number): void {
    out[offset] = this.s[0];
    out[offset + 1] = this.s[1];
  }

  render(): string {
    return renderMountainCar(this.s, { id: this.id, t: this.elapsedSteps });
  }
}

/**
 * One step of MountainCar's physics on `s = [x, v]` (in place), Gymnasium's operations in
 * Gymnasium's order: the environment's `step` and the minimum-time solver (`mountaincar-optimal.ts`)
 * both call it. `negGravity` is −g (Python negates g before the product).
 */
export function mountainCarStep(s: Float64Array, action: number, force = MOUNTAINCAR_DEFAULTS.force, negGravity = -MOUNTAINCAR_DEFAULTS.gravity): void {
  let position = s[0];
  let velocity = s[1];
  // critical: `velocity += (action - 1) * force + cos(3 * position) * (-gravity)`: the right-hand
  // side is summed first, then added to the velocity.
  velocity += (action - 1) * force + Math.cos(3 * position) * negGravity;
  velocity = clip(velocity, -MOUNTAINCAR_MAX_SPEED, MOUNTAINCAR_MAX_SPEED);
  position += velocity;
  position = clip(position, MOUNTAINCAR_MIN_POSITION, MOUNTAINCAR_MAX_POSITION);
  if (position === MOUNTAINCAR_MIN_POSITION && velocity < 0) velocity = 0;
  s[0] = position;
  s[1] = velocity;
}

/** NumPy's `np.clip(x, lo, hi)` = minimum(maximum(x, lo), hi) for finite numbers. */
function clip(x: number, lo: number, hi: number): number {
  const m = x < lo ? lo : x;
  return m > hi ? hi : m;
}
