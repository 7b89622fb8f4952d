/**
 * CartPole, ported bit-for-bit from Gymnasium 1.4.0 `gymnasium/envs/classic_control/cartpole.py`
 * (Barto, Sutton & Anderson 1983; equations as corrected in Florian 2007,
 * https://coneural.org/florian/papers/05_cart_pole.pdf).
 *
 * State s = [x, ẋ, θ, θ̇] (float64); observation = the same four numbers rounded to float32.
 * With F = ±force_mag (action 1 pushes right, 0 left), m = masspole, M = masscart,
 * l = length (HALF the pole's length), g = gravity:
 *
 *     temp = (F + m·l·θ̇²·sin θ) / (m + M)
 *     θ̈    = (g·sin θ − cos θ·temp) / (l·(4/3 − m·cos²θ / (m + M)))
 *     ẍ    = temp − m·l·θ̈·cos θ / (m + M)
 *
 * integrated with explicit Euler ("euler" kinematics), τ = 0.02 s:
 *     x ← x + τ·ẋ,  ẋ ← ẋ + τ·ẍ,  θ ← θ + τ·θ̇,  θ̇ ← θ̇ + τ·θ̈.
 *
 * Terminated when x < −2.4 or x > 2.4 or θ < −12° or θ > 12° (12·2·π/360 rad). Reward 1.0 per
 * step including the terminating one; stepping again after termination returns 0.0
 * (Gymnasium's `steps_beyond_terminated`). Reset: each state entry uniform in [−0.05, 0.05)
 * drawn from our `Rng` (not NumPy's PCG64 stream).
 *
 * Every floating-point operation is done in the same order as NumPy/Python do it, so that
 * from the same state this port produces the identical float64 state (checked against the
 * golden trajectories in `/work/shared/golden`).
 */
import { Rng, checkKnownKeys } from "../core";
import { BASE_OPTION_KEYS, BaseEnvOptions, BoxSpace, ClassicControlEnv, EnvVariant, checkNoiseStd, checkParams } from "./env";
import { renderCartPole } from "./render";

/** Physics parameters of CartPole (defaults = Gymnasium's). */
export interface CartPoleParams {
  /** g, m/s² (9.8). */
  gravity: number;
  /** M, mass of the cart, kg (1.0). */
  massCart: number;
  /** m, mass of the pole, kg (0.1). */
  massPole: number;
  /** l, HALF the pole's length, m (0.5). */
  length: number;
  /** Magnitude of the push, N (10.0). */
  forceMag: number;
  /** Integration time step τ, s (0.02). */
  tau: number;
}

export const CARTPOLE_DEFAULTS: Readonly<CartPoleParams> = Object.freeze({
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  length: 0.5,
  forceMag: 10.0,
  tau: 0.02,
});

export interface CartPoleOptions extends BaseEnvOptions {
  /** Physics overrides (e.g. heavier pole for reward-transfer experiments). Default: Gymnasium's. */
  params?: Partial<CartPoleParams>;
  /**
   * Standard deviation of Gaussian noise added to the force every step (N), drawn from the
   * environment's own seeded noise stream. Default 0: Gymnasium's deterministic dynamics.
   */
  forceNoiseStd?: number;
}

export const CARTPOLE_OPTION_KEYS = [...BASE_OPTION_KEYS, "params", "forceNoiseStd"] as const;

/** Angle at which the episode terminates: 12° in radians, computed as Gymnasium does. */
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
/** Cart position at which the episode terminates. */
export const CARTPOLE_X_THRESHOLD = 2.4;

/** CartPole's termination rule: x < −2.4 or x > 2.4 or θ < −12° or θ > 12° (strict comparisons). */
export function cartPoleTerminated(x: number, theta: number): boolean {
  return x < -CARTPOLE_X_THRESHOLD || x > CARTPOLE_X_THRESHOLD || theta < -CARTPOLE_THETA_THRESHOLD || theta > CARTPOLE_THETA_THRESHOLD;
}

/** The largest float32 (NumPy's `np.finfo(np.float32).max`). */
export const FLOAT32_MAX = 3.4028234663852886e38;

export class CartPoleEnv extends ClassicControlEnv {
  readonly observationSpace: BoxSpace;
  readonly params: Readonly<CartPoleParams>;
  readonly forceNoiseStd: number;

  // Derived constants, computed exactly as Gymnasium's __init__ does.
  private readonly gravity: number;
  private readonly massPole: number;
  private readonly totalMass: number;
  private readonly length: number;
  private readonly polemassLength: number;
  private readonly forceMag: number;
  private readonly tau: number;
  /** Gymnasium's `steps_beyond_terminated`; -1 stands for None. */
  private stepsBeyondTerminated = -1;

  constructor(opts: CartPoleOptions = {}, variant: EnvVariant = { id: "CartPole-v1", maxEpisodeSteps: 500 }) {
    const id = variant.id;
    checkKnownKeys(opts, CARTPOLE_OPTION_KEYS, id);
    super(id, variant.maxEpisodeSteps, 2, 4, 4, opts);
    const p = checkParams(id, CARTPOLE_DEFAULTS as CartPoleParams, opts.params, ["massCart", "massPole", "length", "tau"]);
    this.params = Object.freeze(p);
    this.forceNoiseStd = checkNoiseStd(id, "forceNoiseStd", opts.forceNoiseStd);
    this.gravity = p.gravity;
    this.massPole = p.massPole;
    this.totalMass = p.massPole + p.massCart;
    this.length = p.length;
    this.polemassLength = p.massPole * p.length;
    this.forceMag = p.forceMag;
    this.tau = p.tau;
    const high = this.observationHigh();
    const low = high.map((v) => -v);
    this.observationSpace = Object.freeze({ shape: [4], low, high });
  }

  /** Upper bounds of the observation box (the lower bounds are their negatives). */
  protected observationHigh(): Float32Array {
    // Bounds are twice the termination thresholds, so a failing observation stays inside them.
    return new Float32Array([CARTPOLE_X_THRESHOLD * 2, FLOAT32_MAX, CARTPOLE_THETA_THRESHOLD * 2, FLOAT32_MAX]);
  }

  stateNames(): string[] {
    return ["x", "x_dot", "theta", "theta_dot"];
  }

  protected actionMeanings(): string[] {
    return ["0 = push left", "1 = push right"];
  }

  protected sampleInitialState(rng: Rng): void {
    for (let i = 0; i < 4; i++) this.s[i] = rng.uniformRange(-0.05, 0.05);
  }

  protected override onReset(): void {
    this.stepsBeyondTerminated = -1;
  }

  protected advance(action: number): number {
    const s = this.s;
    const x = s[0], xDot = s[1], theta = s[2], thetaDot = s[3];
    let force = action === 1 ? this.forceMag : -this.forceMag;
    if (this.forceNoiseStd > 0) force += this.forceNoiseStd * this.noiseRng.normal();
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    // critical: same association as Python, `polemass_length * theta_dot**2 * sintheta`
    // = (pml · θ̇²) · sin θ; NumPy's `**2` is an exact-rounded square, i.e. `θ̇·θ̇`.
    const temp = (force + this.polemassLength * (thetaDot * thetaDot) * sintheta) / this.totalMass;
    const thetaacc =
      (this.gravity * sintheta - costheta * temp) /
      (this.length * (4.0 / 3.0 - (this.massPole * (costheta * costheta)) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;
    // Euler: every update uses the OLD state (Gymnasium's default kinematics_integrator).
    const tau = this.tau;
    s[0] = x + tau * xDot;
    s[1] = xDot + tau * xacc;
    s[2] = theta + tau * thetaDot;
    s[3] = thetaDot + tau * thetaacc;

    const terminated = cartPoleTerminated(s[0], s[2]);
    this.terminatedFlag = terminated;
    if (!terminated) return 1.0;
    if (this.stepsBeyondTerminated < 0) {
      this.stepsBeyondTerminated = 0; // the pole just fell: this step still earns 1.0
      return 1.0;
    }
    this.stepsBeyondTerminated++;
    return 0.0;
  }

  writeObs(out: Float32Array, offset: number): void {
    // critical: Float32Array stores round-to-nearest-even float32, as np.array(..., dtype=float32).
    const s = this.s;
    out[offset] = s[0];
    out[offset + 1] = s[1];
    out[offset + 2] = s[2];
    out[offset + 3] = s[3];
  }

  render(): string {
    return renderCartPole(this.s, { id: this.id, t: this.elapsedSteps, length: this.length });
  }
}
