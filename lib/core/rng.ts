/**
 * The library's one seeded random generator.
 *
 * Algorithm: xoroshiro128+ (Blackman & Vigna 2018) from the `pure-rand` package,
 * seeded from a 32-bit integer. Uniform doubles take 53 bits from two 32-bit draws,
 * `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`, so they are multiples of 2^-53 in [0, 1).
 * Gaussian draws use the Box–Muller transform (both values of a pair are used).
 *
 * Every random choice in ganrl (environment resets, action sampling, minibatch
 * shuffles, weight initialisation, demonstration subsampling) goes through an `Rng`,
 * so one seed fixes a whole run on a given TF.js backend.
 * `rng.fork()` derives an independent child stream (a jump of 2^64 steps),
 * which lets components own their stream without changing each other's draws.
 */
import prand from "pure-rand";
import { checkSeed } from "./validate";

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  private gen: prand.RandomGenerator;
  private spareNormal: number | null = null;
  /** The seed this generator was created from (forks report their parent's seed). */
  readonly seed: number;

  constructor(seed: number) {
    checkSeed(seed, "Rng seed");
    this.seed = seed;
    this.gen = prand.xoroshiro128plus(seed | 0);
  }

  /** A raw 32-bit draw as an unsigned integer in [0, 2^32). */
  uint32(): number {
    return this.gen.unsafeNext() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.gen.unsafeNext() >>> 5;
    const b = this.gen.unsafeNext() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Uniform double in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new RangeError(`Rng.int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    // Rejection sampling on 32-bit draws keeps every value equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.uint32();
      if (u < limit) return u % n;
    }
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Index drawn from unnormalised non-negative weights `p[0..n)` (n = p.length or given). */
  categorical(p: ArrayLike<number>, n: number = p.length, offset = 0): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += p[offset + i];
    let u = this.uniform() * total;
    for (let i = 0; i < n - 1; i++) {
      u -= p[offset + i];
      if (u < 0) return i;
    }
    return n - 1;
  }

  /** Fisher–Yates shuffle in place; returns its argument. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    return this.shuffle(idx);
  }

  /** A fresh 31-bit integer seed, e.g. for TF.js initialisers or a child environment. */
  nextSeed(): number {
    return this.uint32() >>> 1;
  }

  /**
   * An independent child stream: a copy of this generator jumped 2^64 steps ahead.
   * This generator also advances, so successive forks differ.
   */
  fork(): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    (child as { seed: number }).seed = this.seed;
    child.spareNormal = null;
    this.gen.unsafeJump?.();
    child.gen = this.gen.clone();
    this.gen.unsafeJump?.();
    return child;
  }

  /** The generator's internal state (for checkpoints). */
  getState(): number[] {
    const s = this.gen.getState?.();
    if (!s) throw new Error("this pure-rand generator cannot export its state");
    return [...s];
  }

  /** Restore a state saved with `getState()` (for resuming from checkpoints). */
  setState(state: readonly number[]): void {
    this.gen = prand.xoroshiro128plus.fromState(state);
    this.spareNormal = null;
  }
}

/** Shorthand: `rng(seed)` is `new Rng(seed)`. */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
