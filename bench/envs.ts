/**
 * Raw environment throughput: steps per second for CartPole-v1 and Acrobot-v1, single env
 * (fresh observation per step, the default; and `reuseObs: true`, allocation-free) and
 * vectorised (8 and 64 envs, one batched Float32Array), random actions from our `Rng`,
 * resetting when an episode ends. Each measurement runs ~1.5 s after a 0.3 s warm-up.
 *
 * `vsGymnasium` compares with Gymnasium's Python speed (single env, random actions, reset when
 * done): from the last full `npm run bench -- peers` (bench/results/peers.json, measured on this
 * machine) when there is one, else the stored figures below (Gymnasium 1.4.0, an older run with a
 * loaded machine: CartPole-v1 ≈ 68,000 steps/s, Acrobot-v1 ≈ 8,500 steps/s; they understate it).
 *
 * Run: `npx tsx bench/envs.ts`.
 */
import { Rng, cpuMs } from "../lib/core";
import { EnvId, makeEnv, makeVecEnv } from "../lib/envs";
import { freshGymnasiumFigures } from "./peers";

export interface EnvBenchRow {
  env: string;
  mode: string;
  stepsPerSec: number;
  vsGymnasium?: number;
}

/** Gymnasium's single-env Python speed, stored (steps/s); `gymnasiumFigures()` prefers a fresh one. */
export const GYMNASIUM_STEPS_PER_SEC: Record<string, number> = {
  "CartPole-v1": 68_000,
  "Acrobot-v1": 8_500,
};

/** Gymnasium's speed to compare with: fresh from bench/results/peers.json when there, else the stored one. */
export function gymnasiumFigures(): { stepsPerSec: Record<string, number>; source: string } {
  return freshGymnasiumFigures() ?? { stepsPerSec: GYMNASIUM_STEPS_PER_SEC, source: "stored figures of Gymnasium 1.4.0 (run `npm run bench -- peers` for fresh ones)" };
}

/** Runs `chunk()` (which returns how many steps it took) for `seconds`; returns steps/s. */
function timeIt(chunk: () => number, seconds: number): number {
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let steps = 0;
  let dt = 0n;
  do {
    steps += chunk();
    dt = process.hrtime.bigint() - t0;
  } while (dt < limit);
  return steps / (Number(dt) / 1e9);
}

function benchSingle(id: "CartPole-v1" | "Acrobot-v1", reuseObs: boolean, seconds: number): number {
  const env = makeEnv(id, { seed: 0, reuseObs });
  const rng = new Rng(1);
  const n = env.actionSpace.n;
  env.reset();
  let sink = 0;
  const chunk = () => {
    for (let i = 0; i < 10_000; i++) {
      const r = env.step(rng.int(n));
      sink += r.obs[0];
      if (r.terminated || r.truncated) env.reset();
    }
    return 10_000;
  };
  timeIt(chunk, 0.3);
  const sps = timeIt(chunk, seconds);
  if (Number.isNaN(sink)) console.log("");
  return sps;
}

/**
 * The single-env workload at a fixed step count (for `npm run bench -- peers`, which runs
 * Gymnasium on the same count): `steps` random actions drawn up front from `Rng(seed)`, reset
 * when an episode ends, fresh observation per step (as Gymnasium returns one). Wall and CPU
 * seconds of the loop alone.
 */
export function stepFixed(id: EnvId, steps: number, seed: number): { wall: number; cpu: number; stepsPerSec: number; stepsPerCpuSec: number } {
  const env = makeEnv(id, { seed });
  const rng = new Rng(seed);
  const n = env.actionSpace.n;
  const actions = new Int32Array(steps);
  for (let i = 0; i < steps; i++) actions[i] = rng.int(n);
  env.reset();
  let sink = 0;
  const c0 = cpuMs();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) {
    const r = env.step(actions[i]);
    sink += r.obs[0];
    if (r.terminated || r.truncated) env.reset();
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuMs() - c0) / 1000;
  if (Number.isNaN(sink)) console.log("");
  return { wall, cpu, stepsPerSec: steps / wall, stepsPerCpuSec: steps / cpu };
}

function benchVec(id: "CartPole-v1" | "Acrobot-v1", numEnvs: number, seconds: number): number {
  const vec = makeVecEnv(id, numEnvs, { seed: 0 });
  const rng = new Rng(1);
  const actions = new Int32Array(numEnvs);
  vec.reset();
  const iters = Math.max(1, Math.floor(10_000 / numEnvs));
  let sink = 0;
  const chunk = () => {
    for (let k = 0; k < iters; k++) {
      for (let i = 0; i < numEnvs; i++) actions[i] = rng.int(vec.nActions);
      const r = vec.step(actions);
      sink += r.obs[0];
    }
    return iters * numEnvs;
  };
  timeIt(chunk, 0.3);
  const sps = timeIt(chunk, seconds);
  if (Number.isNaN(sink)) console.log("");
  return sps;
}

/** Measures every (env, mode) pair; about 15 s in all. */
export async function benchEnvs(opts: { seconds?: number } = {}): Promise<EnvBenchRow[]> {
  const seconds = opts.seconds ?? 1.5;
  const rows: EnvBenchRow[] = [];
  const figures = gymnasiumFigures().stepsPerSec;
  for (const id of ["CartPole-v1", "Acrobot-v1"] as const) {
    const gym = figures[id] ?? GYMNASIUM_STEPS_PER_SEC[id];
    const add = (mode: string, sps: number) => rows.push({ env: id, mode, stepsPerSec: Math.round(sps), vsGymnasium: Math.round((sps / gym) * 10) / 10 });
    add("single", benchSingle(id, false, seconds));
    add("single reuseObs", benchSingle(id, true, seconds));
    add("vec 8", benchVec(id, 8, seconds));
    add("vec 64", benchVec(id, 64, seconds));
    await new Promise((r) => setImmediate(r));
  }
  return rows;
}

/** Prints the rows as a table. */
export function formatEnvBench(rows: EnvBenchRow[]): string {
  const lines = ["env          mode              steps/s        × Gymnasium", "-".repeat(60)];
  for (const r of rows) {
    lines.push(
      `${r.env.padEnd(12)} ${r.mode.padEnd(17)} ${r.stepsPerSec.toLocaleString("en-US").padStart(12)}   ${r.vsGymnasium === undefined ? "" : r.vsGymnasium.toFixed(1).padStart(8)}`,
    );
  }
  lines.push(`× Gymnasium: against ${gymnasiumFigures().source}`);
  return lines.join("\n");
}

if (require.main === module) {
  benchEnvs().then((rows) => console.log(formatEnvBench(rows)));
}
