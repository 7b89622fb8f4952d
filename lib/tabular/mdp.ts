/**
 * Finite MDPs as plain nested arrays, and the checks every tabular function runs on them.
 *
 * An MDP here is the tuple (S, A, P, r, p0) of the GAIL paper (Ho & Ermon 2016, §2):
 * states s ∈ {0..|S|-1}, actions a ∈ {0..|A|-1},
 * `P[s][a][s'] = P(s'|s,a)`, `r[s][a]` the reward (the paper writes costs c = −r),
 * `p0[s]` the start distribution. The discount γ is passed to each function, not stored.
 * Policies are `pi[s][a] = π(a|s)`, shape [|S|, |A|].
 *
 * Derivations: notebooks/01_mdps_and_behavioural_cloning.ipynb.
 */
import { Rng, checkSeed, checkPositiveInt, checkNumber, ensure, describe } from "../core";

/** A finite MDP: transition tensor `P[s][a][s']`, rewards `r[s][a]`, start distribution `p0[s]`. */
export interface TabularMDP {
  /** P(s'|s,a), shape [|S|, |A|, |S|]; every `P[s][a]` sums to 1. */
  P: number[][][];
  /** r(s,a), shape [|S|, |A|]. */
  r: number[][];
  /** p0(s), shape [|S|]; sums to 1. */
  p0: number[];
}

/** A policy table π(a|s), shape [|S|, |A|]; each row sums to 1. */
export type Policy = number[][];

/** Tolerance for "sums to 1" checks. */
export const SUM_TOL = 1e-8;

/** Number of states and actions of an MDP. */
export function sizes(mdp: TabularMDP): { nS: number; nA: number } {
  return { nS: mdp.P.length, nA: mdp.P.length > 0 ? mdp.P[0].length : 0 };
}

function checkFinite(v: unknown, what: string): void {
  ensure(typeof v === "number" && Number.isFinite(v), () => `${what} must be a finite number, got ${describe(v)}; repair the table`);
}

/** Checks that `p` is a probability vector of length n (finite, ≥ 0, sums to 1). */
export function checkDistribution(p: unknown, n: number, what: string): asserts p is number[] {
  ensure(Array.isArray(p), () => `${what} must be an array of ${n} probabilities, got ${describe(p)}`);
  ensure(p.length === n, () => `${what} has length ${p.length} but should have ${n} entries (one per state or action)`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    checkFinite(p[i], `${what}[${i}]`);
    ensure(p[i] >= 0, () => `${what}[${i}] = ${p[i]} is negative; probabilities must be >= 0`);
    s += p[i];
  }
  ensure(Math.abs(s - 1) <= SUM_TOL * Math.max(1, n), () => `${what} sums to ${s}, not 1; normalise it (divide by its sum)`);
}

/** Checks shapes, finiteness and normalisation of an MDP; throws a GanrlError naming the first problem. */
export function checkMDP(mdp: unknown): asserts mdp is TabularMDP {
  ensure(typeof mdp === "object" && mdp !== null, () => `the MDP must be an object { P, r, p0 }, got ${describe(mdp)}`);
  const m = mdp as Partial<TabularMDP>;
  ensure(Array.isArray(m.P) && m.P.length > 0, "mdp.P must be a non-empty array P[s][a][s'] of transition probabilities");
  ensure(Array.isArray(m.r), "mdp.r must be an array r[s][a] of rewards");
  ensure(Array.isArray(m.p0), "mdp.p0 must be an array p0[s] holding the start distribution");
  const nS = m.P.length;
  ensure(Array.isArray(m.P[0]) && m.P[0].length > 0, "mdp.P[0] must be a non-empty array over actions");
  const nA = m.P[0].length;
  for (let s = 0; s < nS; s++) {
    ensure(Array.isArray(m.P[s]) && m.P[s].length === nA, () => `mdp.P[${s}] must have ${nA} actions (as P[0] has), got ${describe(m.P![s])}`);
    for (let a = 0; a < nA; a++) checkDistribution(m.P[s][a], nS, `mdp.P[${s}][${a}] (next-state distribution)`);
  }
  ensure(m.r.length === nS, () => `mdp.r has ${m.r!.length} rows but the MDP has ${nS} states; give one row r[s] per state`);
  for (let s = 0; s < nS; s++) {
    ensure(Array.isArray(m.r[s]) && m.r[s].length === nA, () => `mdp.r[${s}] must have ${nA} entries (one per action)`);
    for (let a = 0; a < nA; a++) checkFinite(m.r[s][a], `mdp.r[${s}][${a}]`);
  }
  checkDistribution(m.p0, nS, "mdp.p0 (start distribution)");
}

/** Checks a policy table π[s][a] of shape [nS, nA] whose rows are distributions. */
export function checkPolicy(pi: unknown, nS: number, nA: number, what = "policy pi"): asserts pi is Policy {
  ensure(Array.isArray(pi), () => `${what} must be an array pi[s][a] of shape [${nS}, ${nA}], got ${describe(pi)}`);
  ensure(pi.length === nS, () => `${what} has ${pi.length} rows but the MDP has ${nS} states; give one row pi[s] per state`);
  for (let s = 0; s < nS; s++) checkDistribution(pi[s], nA, `${what}[${s}]`);
}

/** Checks a table x[s][a] of shape [nS, nA] with finite entries (costs, rewards, occupancies). */
export function checkTable(x: unknown, nS: number, nA: number, what: string): asserts x is number[][] {
  ensure(Array.isArray(x) && x.length === nS, () => `${what} must be an array of ${nS} rows (one per state), got ${describe(x)}`);
  for (let s = 0; s < nS; s++) {
    ensure(Array.isArray(x[s]) && x[s].length === nA, () => `${what}[${s}] must have ${nA} entries (one per action), got ${describe(x[s])}`);
    for (let a = 0; a < nA; a++) checkFinite(x[s][a], `${what}[${s}][${a}]`);
  }
}

/** γ must lie in [0, 1) so that discounted sums converge. */
export function checkGamma(gamma: unknown): asserts gamma is number {
  ensure(
    typeof gamma === "number" && Number.isFinite(gamma) && gamma >= 0 && gamma < 1,
    () => `gamma must be a discount factor in [0, 1), got ${describe(gamma)}; e.g. 0.9 (γ = 1 makes occupancy measures infinite)`,
  );
}

/** A table of zeros, shape [nS, nA]. */
export function zeros2(nS: number, nA: number): number[][] {
  return Array.from({ length: nS }, () => new Array<number>(nA).fill(0));
}

/** The uniform policy, shape [nS, nA]. */
export function uniformPolicy(nS: number, nA: number): Policy {
  return Array.from({ length: nS }, () => new Array<number>(nA).fill(1 / nA));
}

/** Options of `randomMDP`. */
export interface RandomMDPOptions {
  /** |S|, the number of states. */
  nStates: number;
  /** |A|, the number of actions. */
  nActions: number;
  /** Seed of the `Rng` that draws P, r and p0. */
  seed: number;
  /** Number of possible next states per (s, a) (default: all |S|). */
  branching?: number;
}

/** Dirichlet(1,…,1) draw over `k` entries, via normalised Exp(1) draws. */
function flatDirichlet(rng: Rng, k: number): number[] {
  const x = Array.from({ length: k }, () => -Math.log(1 - rng.uniform()));
  const s = x.reduce((u, v) => u + v, 0);
  return x.map((v) => v / s);
}

/**
 * A random finite MDP: each P(·|s,a) is a flat Dirichlet over `branching` next states chosen
 * at random, r(s,a) ~ Uniform[0, 1), p0 ~ flat Dirichlet. Same seed, same MDP.
 */
export function randomMDP(opts: RandomMDPOptions): TabularMDP {
  ensure(typeof opts === "object" && opts !== null, "randomMDP needs an options object { nStates, nActions, seed }");
  const { nStates, nActions, seed } = opts;
  checkPositiveInt(nStates, "randomMDP nStates");
  checkPositiveInt(nActions, "randomMDP nActions");
  checkSeed(seed, "randomMDP seed");
  const branching = opts.branching ?? nStates;
  checkPositiveInt(branching, "randomMDP branching");
  ensure(branching <= nStates, () => `randomMDP branching (${branching}) cannot exceed nStates (${nStates})`);
  const rng = new Rng(seed);
  const P: number[][][] = [];
  for (let s = 0; s < nStates; s++) {
    const row: number[][] = [];
    for (let a = 0; a < nActions; a++) {
      const p = new Array<number>(nStates).fill(0);
      const targets = Array.from(rng.permutation(nStates)).slice(0, branching);
      const w = flatDirichlet(rng, branching);
      targets.forEach((t, i) => (p[t] = w[i]));
      row.push(p);
    }
    P.push(row);
  }
  const r = Array.from({ length: nStates }, () => Array.from({ length: nActions }, () => rng.uniform()));
  const p0 = flatDirichlet(rng, nStates);
  return { P, r, p0 };
}

/** Options of `gridworld`. */
export interface GridworldOptions {
  /** Number of columns. */
  width: number;
  /** Number of rows. */
  height: number;
  /** Probability that a move goes in a uniformly random direction instead (0 = deterministic). */
  slip?: number;
  /** Goal cell [x, y] paying reward 1 per step spent there (default: bottom-right corner). */
  goal?: [number, number];
  /** Start cell [x, y] (default: top-left corner). */
  start?: [number, number];
}

/** A gridworld MDP plus its layout. State index s = y·width + x. */
export interface Gridworld extends TabularMDP {
  width: number;
  height: number;
  /** Names of the five actions, in index order. */
  actionNames: readonly string[];
}

/** Action order of `gridworld`: up, right, down, left, stay. */
export const GRID_ACTIONS = ["up", "right", "down", "left", "stay"] as const;
const MOVES: readonly [number, number][] = [[0, -1], [1, 0], [0, 1], [-1, 0], [0, 0]];

/**
 * A width×height gridworld with five actions (up, right, down, left, stay). Moves into a wall
 * leave the agent in place. With probability `slip` a move (not "stay") is replaced by one of
 * the four directions chosen uniformly (so a slippery move can still go the intended way).
 * Reward 1 for every action taken in the goal cell, 0 elsewhere; the start cell is fixed.
 */
export function gridworld(opts: GridworldOptions): Gridworld {
  ensure(typeof opts === "object" && opts !== null, "gridworld needs an options object { width, height }");
  const { width, height } = opts;
  checkPositiveInt(width, "gridworld width");
  checkPositiveInt(height, "gridworld height");
  const slip = opts.slip ?? 0;
  ensure(Number.isFinite(slip) && slip >= 0 && slip <= 1, () => `gridworld slip must be a probability in [0, 1], got ${describe(slip)}`);
  const goal = opts.goal ?? [width - 1, height - 1];
  const start = opts.start ?? [0, 0];
  for (const [name, c] of [["goal", goal], ["start", start]] as const) {
    ensure(
      Array.isArray(c) && c.length === 2 && Number.isInteger(c[0]) && Number.isInteger(c[1]) && c[0] >= 0 && c[0] < width && c[1] >= 0 && c[1] < height,
      () => `gridworld ${name} must be a cell [x, y] with 0 <= x < ${width} and 0 <= y < ${height}, got ${describe(c)}`,
    );
  }
  const nS = width * height;
  const idx = (x: number, y: number) => y * width + x;
  const step = (x: number, y: number, m: number): number => {
    const nx = x + MOVES[m][0], ny = y + MOVES[m][1];
    return nx < 0 || nx >= width || ny < 0 || ny >= height ? idx(x, y) : idx(nx, ny);
  };
  const P: number[][][] = [];
  const r: number[][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row: number[][] = [];
      for (let a = 0; a < MOVES.length; a++) {
        const p = new Array<number>(nS).fill(0);
        if (a === 4) {
          p[idx(x, y)] = 1;
        } else {
          p[step(x, y, a)] += 1 - slip;
          for (let m = 0; m < 4; m++) p[step(x, y, m)] += slip / 4;
        }
        row.push(p);
      }
      P.push(row);
      const isGoal = x === goal[0] && y === goal[1];
      r.push(new Array<number>(MOVES.length).fill(isGoal ? 1 : 0));
    }
  }
  const p0 = new Array<number>(nS).fill(0);
  p0[idx(start[0], start[1])] = 1;
  return { P, r, p0, width, height, actionNames: GRID_ACTIONS };
}

/** Options of `tightrope`. */
export interface TightropeOptions {
  /** Number of positions on the rope (a ring: the walker keeps going round). */
  length: number;
  /** Probability that "climb" in the fallen state puts the walker back on the rope (0 = never). */
  recover?: number;
}

/**
 * The compounding-error MDP of notebook 01. States 0..length-1 are rope positions (a ring),
 * state `length` is "fallen". Action 0 ("balance") moves one position on along the rope;
 * action 1 ("lean") falls off. In the fallen state action 0 ("climb") returns to position 0
 * with probability `recover`, action 1 stays fallen. Reward −1 per step spent fallen (cost 1),
 * 0 on the rope. The expert balances forever and never sees the fallen state.
 */
export function tightrope(opts: TightropeOptions): TabularMDP {
  ensure(typeof opts === "object" && opts !== null, "tightrope needs an options object { length }");
  checkPositiveInt(opts.length, "tightrope length");
  const recover = opts.recover ?? 0;
  ensure(Number.isFinite(recover) && recover >= 0 && recover <= 1, () => `tightrope recover must be a probability in [0, 1], got ${describe(recover)}`);
  const n = opts.length;
  const nS = n + 1;
  const onehot = (i: number) => Array.from({ length: nS }, (_, j) => (j === i ? 1 : 0));
  const P: number[][][] = [];
  const r: number[][] = [];
  for (let s = 0; s < n; s++) {
    P.push([onehot((s + 1) % n), onehot(n)]);
    r.push([0, 0]);
  }
  const climb = onehot(n).map((v) => v * (1 - recover));
  climb[0] += recover;
  P.push([climb, onehot(n)]);
  r.push([-1, -1]);
  return { P, r, p0: onehot(0) };
}

/** The always-balance expert of `tightrope` (uniform in the fallen state, which it never visits). */
export function tightropeExpert(length: number): Policy {
  checkPositiveInt(length, "tightrope length");
  const pi: Policy = Array.from({ length }, () => [1, 0]);
  pi.push([0.5, 0.5]);
  return pi;
}

/**
 * A random full-support policy: each row π(·|s) = softmax(scale · z), z ~ N(0, 1), drawn from an
 * `Rng` with this seed (scale 0 gives the uniform policy).
 */
export function randomPolicy(nS: number, nA: number, seed: number, scale = 1): Policy {
  checkPositiveInt(nS, "randomPolicy nS");
  checkPositiveInt(nA, "randomPolicy nA");
  checkSeed(seed, "randomPolicy seed");
  ensure(Number.isFinite(scale) && scale >= 0, () => `randomPolicy scale must be a finite number >= 0, got ${describe(scale)}`);
  const rng = new Rng(seed);
  return Array.from({ length: nS }, () => {
    const z = Array.from({ length: nA }, () => scale * rng.normal());
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const t = e.reduce((u, v) => u + v, 0);
    return e.map((v) => v / t);
  });
}

/** Step size, iteration cap and tolerance of an iterative solver, defaults filled in and checked. */
export function solverOptions(o: { lr?: number; iters?: number; tol?: number }, d: { lr: number; iters: number; tol: number }): { lr: number; iters: number; tol: number } {
  const lr = o.lr ?? d.lr;
  checkNumber(lr, "lr", 1e-15);
  const iters = o.iters ?? d.iters;
  checkPositiveInt(iters, "iters");
  return { lr, iters, tol: o.tol ?? d.tol };
}
