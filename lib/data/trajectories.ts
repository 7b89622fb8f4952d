/**
 * Demonstration datasets: the JSON format of `data/demos/`, validated loading, saving,
 * the paper's subsampling, train/validation splits and flattening into (s, a) batches.
 *
 * ## File format (`"format": "ganrl-demos/1"`)
 * ```jsonc
 * {
 *   "format": "ganrl-demos/1",
 *   "envId": "CartPole-v1",            // one of ENV_IDS
 *   "obsDim": 4, "nActions": 2,          // must match the environment
 *   "source": { ... },                   // provenance: expert file, seeds, command (free form)
 *   "expertStats": { "episodes": 10, "meanReturn": 500, "stdReturn": 0, "meanLength": 500 },
 *   "trajectories": [
 *     {
 *       "seed": 1000,                    // the seed passed to reset() for this episode
 *       "obs": [[...obsDim], ...],       // T + 1 rows: s_0 .. s_T (the last is the final observation)
 *       "actions": [0, 1, ...],          // T integers in [0, nActions)
 *       "rewards": [1, 1, ...],          // T environment rewards
 *       "terminated": true,              // the episode ended in a terminal state at step T
 *       "truncated": false               // the time limit cut it at step T
 *     }
 *   ]
 * }
 * ```
 * Keeping s_T lets adversarial methods see the transition into a terminal state
 * (absorbing-state handling, AIRL's h(s')) and world models learn the last step.
 */
import * as fs from "fs";
import { GanrlError, Rng, describe, writeJsonAtomic, meanStd, isFiniteFloat32 } from "../core";
import { ENV_IDS, EnvId, isEnvId, makeEnv } from "../envs";

export const DEMOS_FORMAT = "ganrl-demos/1";

/** One recorded episode. */
export interface Trajectory {
  seed?: number;
  /** `[T + 1][obsDim]`: observations s_0 .. s_T. */
  obs: number[][];
  /** `[T]`: actions a_0 .. a_{T-1}. */
  actions: number[];
  /** `[T]`: rewards r_0 .. r_{T-1}. */
  rewards: number[];
  terminated: boolean;
  truncated: boolean;
}

export interface ExpertStats {
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  meanLength: number;
}

/** A demonstration set as stored in `data/demos/*.json`. */
export interface DemoSet {
  format: typeof DEMOS_FORMAT;
  envId: EnvId;
  obsDim: number;
  nActions: number;
  source: Record<string, unknown>;
  expertStats: ExpertStats;
  trajectories: Trajectory[];
}

/** Environment facts the validation needs. */
export function envShape(envId: EnvId): { obsDim: number; nActions: number } {
  const env = makeEnv(envId);
  return { obsDim: env.obsDim, nActions: env.actionSpace.n };
}

function fail(where: string, problem: string, fix: string): never {
  throw new GanrlError(`${where}: ${problem}; ${fix}`);
}

/**
 * Checks that `value` is a well-formed demonstration set (optionally for `expectEnv`) and
 * returns it typed. Every error names the file, the trajectory and the field at fault.
 */
export function validateDemoSet(value: unknown, where = "demonstration set", expectEnv?: string): DemoSet {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "is not a JSON object", "expected a ganrl-demos/1 file (see lib/data/trajectories.ts)");
  const d = value as Record<string, unknown>;
  if (d.format !== DEMOS_FORMAT) fail(where, `has format ${describe(d.format)}`, `expected "${DEMOS_FORMAT}"; re-create it with \`npx ganrl demos\``);
  if (!isEnvId(d.envId)) fail(where, `has unknown envId ${describe(d.envId)}`, `valid ids: ${ENV_IDS.join(", ")}`);
  const envId = d.envId;
  if (expectEnv !== undefined && envId !== expectEnv) {
    fail(where, `holds demonstrations for ${envId}, not ${expectEnv}`, `use a ${expectEnv} file from data/demos/ or pass --env ${envId}`);
  }
  const { obsDim, nActions } = envShape(envId);
  if (d.obsDim !== obsDim) fail(where, `declares obsDim ${describe(d.obsDim)} but ${envId} observations have ${obsDim} numbers`, "the file does not match its environment");
  if (d.nActions !== nActions) fail(where, `declares nActions ${describe(d.nActions)} but ${envId} has ${nActions} actions`, "the file does not match its environment");
  const stats = d.expertStats as Record<string, unknown> | undefined;
  if (!stats || typeof stats !== "object") fail(where, "has no expertStats", "add { episodes, meanReturn, stdReturn, meanLength }");
  for (const k of ["episodes", "meanReturn", "stdReturn", "meanLength"]) {
    if (typeof stats[k] !== "number" || !Number.isFinite(stats[k] as number)) fail(where, `expertStats.${k} is ${describe(stats[k])}`, "it must be a finite number");
  }
  if (!Array.isArray(d.trajectories) || d.trajectories.length === 0) fail(where, "has no trajectories", "a demonstration set needs at least one trajectory");
  d.trajectories.forEach((t: unknown, i: number) => validateTrajectory(t, `${where}, trajectory ${i}`, obsDim, nActions));
  return { ...(d as unknown as DemoSet), source: (d.source as Record<string, unknown>) ?? {} };
}

function validateTrajectory(t: unknown, where: string, obsDim: number, nActions: number): void {
  if (typeof t !== "object" || t === null) fail(where, "is not an object", "each trajectory is { obs, actions, rewards, terminated, truncated }");
  const tr = t as Record<string, unknown>;
  for (const k of ["obs", "actions", "rewards"]) {
    if (!Array.isArray(tr[k])) fail(where, `field '${k}' is ${describe(tr[k])}`, "it must be an array");
  }
  const obs = tr.obs as unknown[];
  const actions = tr.actions as unknown[];
  const rewards = tr.rewards as unknown[];
  const T = actions.length;
  if (T === 0) fail(where, "has no steps", "drop empty trajectories");
  if (obs.length !== T + 1) fail(where, `has ${obs.length} observations for ${T} actions`, "store T + 1 observations (s_0 .. s_T, the final one included) for T actions");
  if (rewards.length !== T) fail(where, `has ${rewards.length} rewards for ${T} actions`, "store one reward per action");
  obs.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== obsDim) fail(where, `obs[${k}] has ${Array.isArray(row) ? row.length : describe(row)} numbers`, `each observation has ${obsDim}`);
    row.forEach((v: unknown, j: number) => {
      if (!isFiniteFloat32(v)) fail(where, `obs[${k}][${j}] is ${describe(v)}`, "observations must be finite numbers within float32 range (±3.4e38; NaN, Infinity or a larger value found)");
    });
  });
  actions.forEach((a, k) => {
    if (typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= nActions) fail(where, `actions[${k}] is ${describe(a)}`, `actions are integers in [0, ${nActions})`);
  });
  rewards.forEach((r, k) => {
    if (!isFiniteFloat32(r)) fail(where, `rewards[${k}] is ${describe(r)}`, "rewards must be finite numbers within float32 range (±3.4e38)");
  });
  for (const k of ["terminated", "truncated"]) {
    if (typeof tr[k] !== "boolean") fail(where, `field '${k}' is ${describe(tr[k])}`, "it must be true or false");
  }
}

/** Loads and validates `data/demos/*.json`; `expectEnv` checks the environment id too. */
export function loadDemos(file: string, expectEnv?: string): DemoSet {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new GanrlError(`cannot read demonstrations ${file}: ${(e as Error).message}; list data/demos/ for the shipped sets`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GanrlError(`${file} is not valid JSON (${(e as Error).message}); re-create it with \`npx ganrl demos\` or restore it from git`);
  }
  return validateDemoSet(value, file, expectEnv);
}

/** Validates and writes a demonstration set atomically. */
export function saveDemos(file: string, set: DemoSet): void {
  validateDemoSet(set, file);
  writeJsonAtomic(file, set);
}

/** Mean, standard deviation (population) of returns and mean length over trajectories. */
export function trajectoryStats(trajs: Trajectory[]): ExpertStats {
  const { mean, std } = meanStd(trajs.map((t) => t.rewards.reduce((a, b) => a + b, 0)));
  return { episodes: trajs.length, meanReturn: mean, stdReturn: std, meanLength: meanStd(trajs.map((t) => t.actions.length)).mean };
}

/** A set holding the first `n` trajectories of `set` (the paper's nested dataset sizes). */
export function takeTrajectories(set: DemoSet, n: number): DemoSet {
  if (!Number.isInteger(n) || n < 1 || n > set.trajectories.length) {
    throw new GanrlError(`cannot take ${describe(n)} trajectories from a set of ${set.trajectories.length}; choose 1..${set.trajectories.length}`);
  }
  const trajectories = set.trajectories.slice(0, n);
  return { ...set, trajectories, expertStats: trajectoryStats(trajectories) };
}

/** State–action pairs flattened for training: `obs [n, obsDim]`, `nextObs [n, obsDim]`, flags. */
export interface Transitions {
  n: number;
  obsDim: number;
  obs: Float32Array;
  actions: Int32Array;
  nextObs: Float32Array;
  rewards: Float32Array;
  /** 1 where the transition enters a terminal state. */
  terminated: Uint8Array;
  /** 1 where the time limit cut the episode after this transition. */
  truncated: Uint8Array;
  /** The subsampling start kept in each trajectory (0 without subsampling), [trajectories]. */
  offsets?: Int32Array;
}

/**
 * The stream the subsampling offsets are drawn from when a trainer is given `demoOffsetSeed`
 * (BC's and the adversarial trainers' option of that name): one stream of its own, so every
 * trainer given the same seed keeps the same expert pairs. The paper's code draws them from
 * numpy's `RandomState(0)` in `load_dataset`, the same for BC, GAIL, FEM and GTAL and for every run.
 */
export function demoOffsetRng(seed: number): Rng {
  return new Rng(seed);
}

/**
 * Flattens trajectories into transitions, keeping every `every`-th step starting at a
 * random offset per trajectory when `rng` is given (one `rng.int(every)` per trajectory, in
 * order; the GAIL paper kept every 10th CartPole pair and every 5th Acrobot pair), at the given
 * `offsets` (one per trajectory, each in [0, every)), else at offset 0.
 */
export function toTransitions(set: DemoSet, opts: { every?: number; rng?: Rng; offsets?: ArrayLike<number> } = {}): Transitions {
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new GanrlError(`subsampling 'every' must be a positive integer, got ${describe(every)}`);
  const given = opts.offsets;
  if (given !== undefined) {
    if (given.length !== set.trajectories.length) throw new GanrlError(`${given.length} subsampling offsets given for ${set.trajectories.length} trajectories; give one per trajectory`);
    for (let i = 0; i < given.length; i++) {
      if (!Number.isInteger(given[i]) || given[i] < 0 || given[i] >= every) throw new GanrlError(`subsampling offset ${i} is ${describe(given[i])}; offsets are integers in [0, ${every})`);
    }
  }
  const picks: [Trajectory, number][] = [];
  const offsets = new Int32Array(set.trajectories.length);
  set.trajectories.forEach((t, ti) => {
    const offset = given !== undefined ? given[ti] : opts.rng && every > 1 ? opts.rng.int(every) : 0;
    offsets[ti] = offset;
    for (let k = offset; k < t.actions.length; k += every) picks.push([t, k]);
  });
  const n = picks.length;
  const d = set.obsDim;
  const out: Transitions = {
    n,
    obsDim: d,
    obs: new Float32Array(n * d),
    actions: new Int32Array(n),
    nextObs: new Float32Array(n * d),
    rewards: new Float32Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    offsets,
  };
  picks.forEach(([t, k], i) => {
    out.obs.set(t.obs[k], i * d);
    out.nextObs.set(t.obs[k + 1], i * d);
    out.actions[i] = t.actions[k];
    out.rewards[i] = t.rewards[k];
    const last = k === t.actions.length - 1;
    out.terminated[i] = last && t.terminated ? 1 : 0;
    out.truncated[i] = last && t.truncated ? 1 : 0;
  });
  return out;
}

/** Row indices split into train and validation parts (a seeded shuffle, then a cut). */
export function splitIndices(n: number, validationFraction: number, rng: Rng): { train: Int32Array; validation: Int32Array } {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new GanrlError(`validation fraction must be in [0, 1), got ${describe(validationFraction)}`);
  }
  const perm = rng.permutation(n);
  const nVal = Math.min(n - 1, Math.round(n * validationFraction));
  return { train: perm.slice(nVal), validation: perm.slice(0, nVal) };
}

/** One row per transition, for tables and CSV export. */
export function transitionRows(set: DemoSet): Record<string, number | boolean>[] {
  const rows: Record<string, number | boolean>[] = [];
  set.trajectories.forEach((t, ti) => {
    for (let k = 0; k < t.actions.length; k++) {
      const row: Record<string, number | boolean> = { trajectory: ti, t: k };
      t.obs[k].forEach((v, j) => (row[`obs${j}`] = v));
      row.action = t.actions[k];
      row.reward = t.rewards[k];
      row.terminated = k === t.actions.length - 1 && t.terminated;
      row.truncated = k === t.actions.length - 1 && t.truncated;
      rows.push(row);
    }
  });
  return rows;
}

/** Writes the transitions of a set as CSV through danfo.js (for inspection in a spreadsheet). */
export async function exportDemosCsv(set: DemoSet, file: string): Promise<void> {
  const dfd = require("danfojs-node") as { DataFrame: new (rows: unknown[]) => { toCSV(opts: { filePath?: string; download?: boolean }): string | void } };
  const df = new dfd.DataFrame(transitionRows(set));
  const csv = df.toCSV({ download: false }) as string;
  const { writeFileAtomic } = require("../core/files") as typeof import("../core/files");
  writeFileAtomic(file, csv);
}
