/**
 * Input validation shared by the whole library. Every check throws a `GanrlError`
 * whose message names the problem, the offending value and the fix.
 */

/** An error caused by bad input (options, files, arguments), as opposed to a bug. */
export class GanrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GanrlError";
  }
}

/** Throws a `GanrlError` with `message` unless `cond` holds. */
export function ensure(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new GanrlError(typeof message === "string" ? message : message());
}

/** A seed must be a non-negative safe integer (as Gymnasium and NumPy require). */
export function checkSeed(seed: unknown, what = "seed"): asserts seed is number {
  ensure(
    typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0,
    () => `${what} must be a non-negative integer, got ${describe(seed)}; pass e.g. 0 or 42`,
  );
}

/** Positive integer option (sizes, counts, step budgets). */
export function checkPositiveInt(value: unknown, what: string): asserts value is number {
  ensure(
    typeof value === "number" && Number.isSafeInteger(value) && value > 0,
    () => `${what} must be a positive integer, got ${describe(value)}`,
  );
}

/** Finite number option, optionally bounded (inclusive). */
export function checkNumber(value: unknown, what: string, min = -Infinity, max = Infinity): asserts value is number {
  ensure(
    typeof value === "number" && Number.isFinite(value) && value >= min && value <= max,
    () => `${what} must be a finite number in [${min}, ${max}], got ${describe(value)}`,
  );
}

/** Every entry of `xs` is finite; the message says where the first bad value sits. */
export function checkFiniteArray(xs: ArrayLike<number>, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new GanrlError(`${what} holds a non-finite value (${describe(v)}) at index ${i}; remove or repair it`);
    }
  }
}

/** The largest finite float32 (TF.js computes in float32: anything larger becomes Infinity). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether `v` is a number that float32 holds as a finite value. */
export function isFiniteFloat32(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX;
}

/**
 * Every entry of `xs` is a number that stays finite in float32 (so NaN, Infinity, null, strings
 * and 1e300 are rejected); the message says where the first bad value sits and what to do.
 */
export function checkFloat32Array(xs: ArrayLike<unknown>, what: string, fix = "the file is damaged: re-create it"): void {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (!isFiniteFloat32(v)) {
      const why = typeof v === "number" && Number.isFinite(v) ? "beyond float32 range (±3.4e38), so it would become Infinity" : "not a finite number";
      throw new GanrlError(`${what}[${i}] is ${describe(v)}: ${why}; ${fix}`);
    }
  }
}

/** Rejects option keys that are not in `known`, listing the valid ones (catches typos). */
export function checkKnownKeys(opts: object | undefined, known: readonly string[], what: string): void {
  if (!opts) return;
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) {
      throw new GanrlError(`unknown option '${k}' for ${what}; valid options: ${known.join(", ")}`);
    }
  }
}

/** A short printable form of any value, for error messages. */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * Parses a command-line integer: decimal digits (underscores allowed as separators) with an
 * optional decimal exponent (`1e5`); hexadecimal, octal, binary, fractions and empty text are
 * rejected. The message names the option and the valid range.
 */
export function parseIntegerText(text: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  const t = typeof text === "string" ? text.trim() : "";
  const ok = /^\+?\d(?:_?\d)*(?:[eE]\+?\d+)?$/.test(t);
  const n = ok ? Number(t.replace(/_/g, "")) : NaN;
  if (!ok || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new GanrlError(`${what} must be ${range} written in decimal (e.g. ${Math.max(min, Math.min(max, 10))}), got ${describe(text)}`);
  }
  return n;
}

/** Parses a comma-separated list with `item` for each entry; empty entries and duplicates are rejected. */
export function parseListText<T>(text: unknown, what: string, item: (entry: string) => T): T[] {
  const t = typeof text === "string" ? text.trim() : "";
  if (!t) throw new GanrlError(`${what} must be a comma-separated list, got ${describe(text)}`);
  const parts = t.split(",").map((x) => x.trim());
  if (parts.some((x) => x === "")) throw new GanrlError(`${what} has an empty entry in ${describe(text)}`);
  if (new Set(parts).size !== parts.length) throw new GanrlError(`${what} lists an entry twice in ${describe(text)}`);
  return parts.map(item);
}

/** One of `choices`, listing them on error. */
export function parseChoice<T extends string>(text: unknown, what: string, choices: readonly T[]): T {
  if (typeof text !== "string" || !(choices as readonly string[]).includes(text)) {
    throw new GanrlError(`${what}: ${describe(text)} is not valid; choose from ${choices.join(", ")}`);
  }
  return text as T;
}
