/**
 * The fixed-horizon variants of the seals package (version 0.2.1), the benchmark tasks of the
 * Python imitation library: `seals/CartPole-v0` and `seals/MountainCar-v0`. Neither ever
 * terminates; every episode lasts exactly its time limit (500 and 200 steps), so the episode's
 * end carries no information about the policy. (A learner that is paid for living, or charged
 * for it, cannot profit from ending the episode early or from avoiding its end: the termination
 * bias of adversarial imitation has nothing to act on.)
 *
 * - `SealsCartPoleEnv` (seals' `FixedHorizonCartPole`): CartPole-v1's Euler step unchanged, then
 *   θ ← (θ + π) mod 2π − π with FLOOR modulo (the result has the sign of 2π, as Python's and
 *   NumPy's `%`); reward 1.0 if |x| < 2.4 and |θ| < 12° (strict, on the wrapped θ) else 0.0;
 *   never terminated. The pole may swing round and the cart leave the track. Reset as CartPole.
 * - `SealsMountainCarEnv` (MountainCar-v0 in seals' `AbsorbAfterDoneWrapper`): the first step
 *   that reaches the goal, or the 200th step, is returned as usual (reward −1) but not as
 *   terminated; every later step is absorbing: the action is ignored, the state stays frozen, the
 *   observation repeats and the reward is 0.0. So an episode's return is −(goal step), or −200.
 *
 * Both are checked against seals 0.2.1 on Gymnasium 1.4.0 (`test/golden/seals-*.json`).
 */
import { CARTPOLE_THETA_THRESHOLD, CARTPOLE_X_THRESHOLD, CartPoleEnv, CartPoleOptions, FLOAT32_MAX } from "./cartpole";
import { MountainCarEnv, MountainCarOptions } from "./mountaincar";

const PI = Math.PI;
const TWO_PI = 2 * Math.PI;

/** `(theta + π) % (2π) − π` with Python's floor modulo (not JavaScript's truncating `%`). */
export function sealsWrapAngle(theta: number): number {
  // critical: JavaScript's % is C's fmod (sign of the dividend); Python/NumPy add the divisor
  // when the signs differ. Both round the same way, so this equals NumPy bit for bit.
  let r = (theta + PI) % TWO_PI;
  if (r < 0) r += TWO_PI;
  return r - PI;
}

/** seals' reward of a CartPole state: 1.0 inside the track and the angle limit (strict), else 0.0. */
export function sealsCartPoleReward(x: number, theta: number): number {
  return Math.abs(x) < CARTPOLE_X_THRESHOLD && Math.abs(theta) < CARTPOLE_THETA_THRESHOLD ? 1.0 : 0.0;
}

export class SealsCartPoleEnv extends CartPoleEnv {
  constructor(opts: CartPoleOptions = {}) {
    super(opts, { id: "seals/CartPole-v0", maxEpisodeSteps: 500 });
  }

  protected override observationHigh(): Float32Array {
    return new Float32Array([FLOAT32_MAX, FLOAT32_MAX, PI, FLOAT32_MAX]);
  }

  protected override advance(action: number): number {
    super.advance(action); // CartPole-v1's step; its reward and termination are discarded
    const s = this.s;
    s[2] = sealsWrapAngle(s[2]);
    this.terminatedFlag = false;
    return sealsCartPoleReward(s[0], s[2]);
  }
}

export class SealsMountainCarEnv extends MountainCarEnv {
  /** The inner MountainCar-v0's own time limit (seals wraps the registered env, limit included). */
  static readonly INNER_MAX_STEPS = 200;
  private absorbed = false;
  private innerSteps = 0;

  constructor(opts: MountainCarOptions = {}) {
    super(opts, { id: "seals/MountainCar-v0", maxEpisodeSteps: 200 });
  }

  /** True once the goal was reached or the inner time limit passed: later steps are absorbing. */
  get absorbing(): boolean {
    return this.absorbed;
  }

  /**
   * Sets the absorbing flag, e.g. to check one step from a recorded state: seals' flag is not
   * part of `state` (it is set once an earlier step of the episode reached the goal or t ≥ 200).
   */
  setAbsorbing(absorbing: boolean): void {
    this.absorbed = absorbing;
  }

  protected override onReset(): void {
    super.onReset();
    this.absorbed = false;
    this.innerSteps = 0;
  }

  protected override advance(action: number): number {
    this.terminatedFlag = false;
    if (this.absorbed) return 0.0;
    const reward = super.advance(action);
    this.innerSteps++;
    if (this.terminatedFlag || this.innerSteps >= SealsMountainCarEnv.INNER_MAX_STEPS) this.absorbed = true;
    this.terminatedFlag = false;
    return reward;
  }
}
