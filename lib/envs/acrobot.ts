/**
 * Acrobot, ported from Gymnasium 1.4.0 `gymnasium/envs/classic_control/acrobot.py`
 * (Sutton 1996; dynamics of Sutton & Barto's book, `book_or_nips = "book"`).
 *
 * State s = [θ1, θ2, θ̇1, θ̇2] (float64); θ1 is the angle of the first link from hanging
 * straight down, θ2 the angle of the second link RELATIVE to the first.
 * Observation (v1) = float32 [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2];
 * observation (v0, GAIL paper) = float32 [θ1, θ2, θ̇1, θ̇2].
 *
 * With torque a ∈ {−1, 0, +1} (actions 0, 1, 2) on the joint between the links, masses m1, m2,
 * link length l1, centre-of-mass positions lc1, lc2, moments of inertia I1 = I2 = LINK_MOI,
 * g = 9.8, `_dsdt` computes
 *
 *     d1   = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ2) + I1 + I2
 *     d2   = m2·(lc2² + l1·lc2·cos θ2) + I2
 *     φ2   = m2·lc2·g·cos(θ1 + θ2 − π/2)
 *     φ1   = −m2·l1·lc2·θ̇2²·sin θ2 − 2·m2·l1·lc2·θ̇2·θ̇1·sin θ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
 *     θ̈2   = (a + d2/d1·φ1 − m2·l1·lc2·θ̇1²·sin θ2 − φ2) / (m2·lc2² + I2 − d2²/d1)
 *     θ̈1   = −(d2·θ̈2 + φ1) / d1
 *
 * integrated over dt = 0.2 s by ONE classical Runge–Kutta step (Gymnasium's `rk4` with
 * t = [0, dt]): k1 = f(y), k2 = f(y + dt/2·k1), k3 = f(y + dt/2·k2), k4 = f(y + dt·k3),
 * y' = y + dt/6·(k1 + 2·k2 + 2·k3 + k4). Then θ1, θ2 are wrapped into [−π, π] and the
 * velocities clipped to [−4π, 4π] and [−9π, 9π]. Terminated when −cos θ1 − cos(θ1 + θ2) > 1
 * (the free end is above the line one link length over the pivot); reward −1 per step, 0 on
 * the terminating step. Acrobot has no special case for stepping after termination.
 *
 * Reset: uniform in [−0.1, 0.1) for each entry, rounded to float32 as Gymnasium does
 * (`.astype(np.float32)`), drawn from our `Rng` (not NumPy's PCG64 stream).
 *
 * Bit-exactness: the arithmetic below follows NumPy's evaluation order operation by operation.
 * CartPole matches Gymnasium bit for bit; for Acrobot, NumPy's vectorised `np.sin`/`np.cos`
 * (SIMD implementations) may differ from V8's `Math.sin`/`Math.cos` in the last bit, which RK4
 * then carries on, so the golden test allows 1e-12 relative error per step (and reports how many
 * steps are bit-identical).
 */
import { Rng, checkKnownKeys } from "../core";
import { BASE_OPTION_KEYS, BaseEnvOptions, BoxSpace, ClassicControlEnv, EnvVariant, checkNoiseStd, checkParams } from "./env";
import { renderAcrobot } from "./render";

/** Physics parameters of Acrobot (defaults = Gymnasium's class constants). */
export interface AcrobotParams {
  /** l1, m (1.0). */
  linkLength1: number;
  /** l2, m (1.0). Only used for drawing and the goal height: the book dynamics do not involve l2. */
  linkLength2: number;
  /** m1, kg (1.0). */
  linkMass1: number;
  /** m2, kg (1.0). */
  linkMass2: number;
  /** lc1, position of the centre of mass of link 1, m (0.5). */
  linkComPos1: number;
  /** lc2, position of the centre of mass of link 2, m (0.5). */
  linkComPos2: number;
  /** I1 = I2, moment of inertia of both links (1.0). */
  linkMoi: number;
  /** g, m/s² (9.8). */
  gravity: number;
  /** Integration interval of one step, s (0.2). */
  dt: number;
  /** Clip of θ̇1, rad/s (4π). */
  maxVel1: number;
  /** Clip of θ̇2, rad/s (9π). */
  maxVel2: number;
}

export const ACROBOT_DEFAULTS: Readonly<AcrobotParams> = Object.freeze({
  linkLength1: 1.0,
  linkLength2: 1.0,
  linkMass1: 1.0,
  linkMass2: 1.0,
  linkComPos1: 0.5,
  linkComPos2: 0.5,
  linkMoi: 1.0,
  gravity: 9.8,
  dt: 0.2,
  maxVel1: 4 * Math.PI,
  maxVel2: 9 * Math.PI,
});

export interface AcrobotOptions extends BaseEnvOptions {
  /** Physics overrides. Default: Gymnasium's. */
  params?: Partial<AcrobotParams>;
  /**
   * Standard deviation of Gaussian noise added to the torque every step, drawn from the
   * environment's own seeded noise stream. Default 0: Gymnasium's deterministic dynamics.
   * (Gymnasium's own, unused-by-default `torque_noise_max` is uniform noise.)
   */
  torqueNoiseStd?: number;
}

export const ACROBOT_OPTION_KEYS = [...BASE_OPTION_KEYS, "params", "torqueNoiseStd"] as const;

/** An Acrobot task: id, time limit and which observation it shows. */
export interface AcrobotVariant extends EnvVariant {
  /** Observe the raw state [θ1, θ2, θ̇1, θ̇2] (the GAIL paper's Acrobot-v0) instead of cos/sin. */
  readonly rawObservation: boolean;
}

/** Gymnasium's AVAIL_TORQUE: action 0 → −1, 1 → 0, 2 → +1. */
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];
const PI = Math.PI;

export class AcrobotEnv extends ClassicControlEnv {
  readonly observationSpace: BoxSpace;
  readonly params: Readonly<AcrobotParams>;
  readonly torqueNoiseStd: number;
  /** v0 observation: raw angles instead of cos/sin. */
  readonly rawObservation: boolean;

  // Constant prefixes of NumPy's left-to-right products (folding them does not change rounding).
  private readonly m2: number;
  private readonly d1Const: number; // m1·lc1²
  private readonly l1sqLc2sq: number; // l1² + lc2²
  private readonly twoL1Lc2: number; // 2·l1·lc2
  private readonly lc2sq: number; // lc2²
  private readonly l1Lc2: number; // l1·lc2
  private readonly i1: number;
  private readonly i2: number;
  private readonly m2Lc2G: number; // m2·lc2·g
  private readonly negM2L1Lc2: number; // −m2·l1·lc2
  private readonly twoM2L1Lc2: number; // 2·m2·l1·lc2
  private readonly m1Lc1M2L1G: number; // (m1·lc1 + m2·l1)·g
  private readonly m2L1Lc2: number; // m2·l1·lc2
  private readonly m2Lc2sqI2: number; // m2·lc2² + I2
  private readonly dt: number;
  private readonly dt2: number;
  private readonly dt6: number;
  private readonly maxVel1: number;
  private readonly maxVel2: number;
  /** Scratch for the four RK4 stages (no allocation per step). */
  private readonly k = new Float64Array(16);

  constructor(opts: AcrobotOptions = {}, variant: AcrobotVariant = { id: "Acrobot-v1", maxEpisodeSteps: 500, rawObservation: false }) {
    const id = variant.id;
    checkKnownKeys(opts, ACROBOT_OPTION_KEYS, id);
    super(id, variant.maxEpisodeSteps, 3, 4, variant.rawObservation ? 4 : 6, opts);
    const p = checkParams(id, ACROBOT_DEFAULTS as AcrobotParams, opts.params, [
      "linkLength1", "linkLength2", "linkMass1", "linkMass2", "linkMoi", "dt", "maxVel1", "maxVel2",
    ]);
    this.params = Object.freeze(p);
    this.torqueNoiseStd = checkNoiseStd(id, "torqueNoiseStd", opts.torqueNoiseStd);
    this.rawObservation = variant.rawObservation;
    const m1 = p.linkMass1, m2 = p.linkMass2, l1 = p.linkLength1, lc1 = p.linkComPos1, lc2 = p.linkComPos2;
    const g = p.gravity;
    this.m2 = m2;
    this.d1Const = m1 * (lc1 * lc1);
    this.l1sqLc2sq = l1 * l1 + lc2 * lc2;
    this.twoL1Lc2 = 2 * l1 * lc2;
    this.lc2sq = lc2 * lc2;
    this.l1Lc2 = l1 * lc2;
    this.i1 = p.linkMoi;
    this.i2 = p.linkMoi;
    this.m2Lc2G = m2 * lc2 * g;
    this.negM2L1Lc2 = -m2 * l1 * lc2;
    this.twoM2L1Lc2 = 2 * m2 * l1 * lc2;
    this.m1Lc1M2L1G = (m1 * lc1 + m2 * l1) * g;
    this.m2L1Lc2 = m2 * l1 * lc2;
    this.m2Lc2sqI2 = m2 * (lc2 * lc2) + p.linkMoi;
    this.dt = p.dt;
    // critical: Gymnasium computes dt = t[1] − t[0] = dt − 0, dt2 = dt / 2.0 and dt / 6.0.
    this.dt2 = p.dt / 2.0;
    this.dt6 = p.dt / 6.0;
    this.maxVel1 = p.maxVel1;
    this.maxVel2 = p.maxVel2;
    const high = this.rawObservation
      ? new Float32Array([PI, PI, p.maxVel1, p.maxVel2])
      : new Float32Array([1.0, 1.0, 1.0, 1.0, p.maxVel1, p.maxVel2]);
    const low = high.map((v) => -v);
    this.observationSpace = Object.freeze({ shape: [high.length], low, high });
  }

  stateNames(): string[] {
    return ["theta1", "theta2", "dtheta1", "dtheta2"];
  }

  protected actionMeanings(): string[] {
    return ["0 = torque -1", "1 = torque 0", "2 = torque +1"];
  }

  protected sampleInitialState(rng: Rng): void {
    // critical: Gymnasium rounds the sampled state to float32 (`.astype(np.float32)`).
    for (let i = 0; i < 4; i++) this.s[i] = Math.fround(rng.uniformRange(-0.1, 0.1));
  }

  /**
   * Gymnasium's `_dsdt` for the book dynamics: writes [θ̇1, θ̇2, θ̈1, θ̈2] at `k[o .. o+4)`.
   * Operation order mirrors the Python expression exactly (left-to-right products, `x**2` = x·x).
   */
  private dsdt(theta1: number, theta2: number, dtheta1: number, dtheta2: number, a: number, o: number): void {
    const cos2 = Math.cos(theta2);
    const sin2 = Math.sin(theta2);
    const d1 = this.d1Const + this.m2 * (this.l1sqLc2sq + this.twoL1Lc2 * cos2) + this.i1 + this.i2;
    const d2 = this.m2 * (this.lc2sq + this.l1Lc2 * cos2) + this.i2;
    const phi2 = this.m2Lc2G * Math.cos(theta1 + theta2 - PI / 2.0);
    const phi1 =
      this.negM2L1Lc2 * (dtheta2 * dtheta2) * sin2 -
      this.twoM2L1Lc2 * dtheta2 * dtheta1 * sin2 +
      this.m1Lc1M2L1G * Math.cos(theta1 - PI / 2) +
      phi2;
    const ddtheta2 =
      (a + (d2 / d1) * phi1 - this.m2L1Lc2 * (dtheta1 * dtheta1) * sin2 - phi2) / (this.m2Lc2sqI2 - (d2 * d2) / d1);
    const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    const k = this.k;
    k[o] = dtheta1;
    k[o + 1] = dtheta2;
    k[o + 2] = ddtheta1;
    k[o + 3] = ddtheta2;
  }

  protected advance(action: number): number {
    const s = this.s;
    let torque = AVAIL_TORQUE[action];
    if (this.torqueNoiseStd > 0) torque += this.torqueNoiseStd * this.noiseRng.normal();
    const y0 = s[0], y1 = s[1], y2 = s[2], y3 = s[3];
    const k = this.k, h = this.dt2, dt = this.dt;
    // The 5th entry of Gymnasium's augmented state (the torque) has derivative 0, so every
    // stage sees the same torque: a + h·0.0 === a.
    this.dsdt(y0, y1, y2, y3, torque, 0);
    this.dsdt(y0 + h * k[0], y1 + h * k[1], y2 + h * k[2], y3 + h * k[3], torque, 4);
    this.dsdt(y0 + h * k[4], y1 + h * k[5], y2 + h * k[6], y3 + h * k[7], torque, 8);
    this.dsdt(y0 + dt * k[8], y1 + dt * k[9], y2 + dt * k[10], y3 + dt * k[11], torque, 12);
    const c = this.dt6;
    // critical: NumPy evaluates k1 + 2*k2 + 2*k3 + k4 left to right: ((k1 + 2k2) + 2k3) + k4.
    const n0 = y0 + c * (k[0] + 2 * k[4] + 2 * k[8] + k[12]);
    const n1 = y1 + c * (k[1] + 2 * k[5] + 2 * k[9] + k[13]);
    const n2 = y2 + c * (k[2] + 2 * k[6] + 2 * k[10] + k[14]);
    const n3 = y3 + c * (k[3] + 2 * k[7] + 2 * k[11] + k[15]);
    s[0] = wrap(n0, -PI, PI);
    s[1] = wrap(n1, -PI, PI);
    s[2] = bound(n2, -this.maxVel1, this.maxVel1);
    s[3] = bound(n3, -this.maxVel2, this.maxVel2);
    const terminated = acrobotTerminated(s[0], s[1]);
    this.terminatedFlag = terminated;
    return terminated ? 0.0 : -1.0;
  }

  writeObs(out: Float32Array, offset: number): void {
    writeAcrobotObs(this.s, 0, out, offset, this.rawObservation);
  }

  render(): string {
    const p = this.params;
    return renderAcrobot(this.s, { id: this.id, t: this.elapsedSteps, linkLength1: p.linkLength1, linkLength2: p.linkLength2 });
  }
}

/**
 * Acrobot's observation of the state `s[so .. so+4)` into `out[oo ..]`: v1 [cos θ1, sin θ1, cos θ2,
 * sin θ2, θ̇1, θ̇2] (6 numbers), or with `raw` (v0) the state itself (4 numbers).
 */
export function writeAcrobotObs(s: ArrayLike<number>, so: number, out: Float32Array, oo: number, raw: boolean): void {
  if (raw) {
    for (let i = 0; i < 4; i++) out[oo + i] = s[so + i];
    return;
  }
  // critical: cos/sin are taken in float64, THEN rounded to float32 (np.array(..., dtype=float32)).
  out[oo] = Math.cos(s[so]);
  out[oo + 1] = Math.sin(s[so]);
  out[oo + 2] = Math.cos(s[so + 1]);
  out[oo + 3] = Math.sin(s[so + 1]);
  out[oo + 4] = s[so + 2];
  out[oo + 5] = s[so + 3];
}

/** Acrobot's termination rule: the free end is above the line one link over the pivot, −cos θ1 − cos(θ2 + θ1) > 1. */
export function acrobotTerminated(theta1: number, theta2: number): boolean {
  return -Math.cos(theta1) - Math.cos(theta2 + theta1) > 1.0;
}

/** Gymnasium's `wrap`: shifts x by whole periods M − m until m <= x <= M. */
export function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** Gymnasium's `bound`: `min(max(x, m), M)` with Python's max/min semantics. */
export function bound(x: number, m: number, M: number): number {
  const lo = m > x ? m : x;
  return M < lo ? M : lo;
}
