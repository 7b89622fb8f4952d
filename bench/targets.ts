/**
 * The speed targets of issue 19, one line each, measured now on this machine:
 *
 * 1. paper-protocol GAIL + TRPO (`paperCartPole`, `paperAcrobot`): ≥ 5,000 environment steps per
 *    second on one core, updates included, evaluation excluded;
 * 2. modern GAIL + PPO on CartPole-v1 (`modernCartPole`): at least the imitation library's
 *    whole-algorithm speed;
 * 3. PPO with the rl-zoo CartPole settings: 100k environment steps in at most a third of
 *    Stable-Baselines3's time;
 * 4. BC on one CartPole-v1 trajectory: at least 5× faster than imitation's BC, 5,000 batches of
 *    32 reaching a return of 500: the same workload here;
 * 5. `npm start` in under 5 minutes on 2 cores: only with `--main` (it runs the main job, which
 *    writes data/results/gail-table-quick.csv and the report).
 *
 * The peer figures are the CPU-second figures of the last full `npm run bench -- peers`
 * (bench/results/peers.json, same machine, fresh) when it exists; otherwise the stored ones,
 * `PEERS` (one core, this machine kind, /work/shared/reference/peers.md), and each line says which.
 *
 * Speeds are per CPU second of this process (see bench/profile.ts: on a shared machine the
 * wall time also counts other processes' turns); wall figures are printed beside them.
 * `--quick` shortens every run (the figures get noisier).
 *
 * Run: `npm run bench -- targets [--quick] [--main]`, pinned for one-core figures:
 * `taskset -c 1 npm run bench -- targets`.
 */
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { initBackend, describeBackend, cpuMs, repoRoot } from "../lib/core";
import { IMITATION_PRESETS, trainBC } from "../lib/imitation";
import { loadDemos } from "../lib/data";
import { PPO, PPO_CARTPOLE_ZOO, evaluate } from "../lib/rl";
import { profilePreset } from "./profile";
import { freshPeerFigures } from "./peers";

/** Stored peer figures (one core, this machine kind; /work/shared/reference/peers.md), used when bench/results/peers.json is absent. */
export const PEERS = {
  imitationGailPpoStepsPerSec: 3731,
  sb3PpoZooSeconds100k: 150,
  imitationBcSeconds: 9.2,
} as const;

/** The peer figures the targets compare with: fresh from `npm run bench -- peers` when there, else `PEERS`. */
export function peerFigures(): { imitationGailPpoStepsPerSec: number; sb3PpoZooSeconds100k: number; imitationBcSeconds: number; source: string } {
  return freshPeerFigures() ?? { ...PEERS, source: "stored figures of /work/shared/reference/peers.md (run `npm run bench -- peers` for fresh ones)" };
}

export interface TargetLine {
  target: string;
  measured: string;
  goal: string;
  met: boolean | null;
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

async function gailSpeed(name: string, steps: number): Promise<{ cpu: number; wall: number; withEval: number }> {
  const r = await profilePreset(IMITATION_PRESETS[name], steps);
  return { cpu: r.stepsPerSecNoEval, wall: r.stepsPerWallSecNoEval, withEval: r.steps / r.cpuSeconds };
}

/** Measures the targets (about 6 minutes; `quick`: about 1.5). */
export async function benchTargets(opts: { quick?: boolean; main?: boolean } = {}): Promise<TargetLine[]> {
  await initBackend({ quiet: true });
  const q = opts.quick === true;
  const lines: TargetLine[] = [];
  const PEER = peerFigures();

  for (const name of ["paperCartPole", "paperAcrobot"]) {
    const s = await gailSpeed(name, (q ? 2 : 10) * 5000);
    lines.push({
      target: `GAIL+TRPO ${name} (${IMITATION_PRESETS[name].gail.envId})`,
      measured: `${fmt(s.cpu)} env steps/s (wall ${fmt(s.wall)}), eval excluded`,
      goal: "≥ 5,000",
      met: s.cpu >= 5000,
    });
  }

  {
    const s = await gailSpeed("modernCartPole", (q ? 16 : 80) * 256);
    lines.push({
      target: "GAIL+PPO modernCartPole (CartPole-v1)",
      measured: `${fmt(s.cpu)} env steps/s eval excluded, ${fmt(s.withEval)} with its evaluations (wall ${fmt(s.wall)})`,
      goal: `≥ imitation's ${fmt(PEER.imitationGailPpoStepsPerSec)} (${(s.cpu / PEER.imitationGailPpoStepsPerSec).toFixed(2)}×)`,
      met: s.cpu >= PEER.imitationGailPpoStepsPerSec,
    });
  }

  {
    const steps = q ? 20_000 : 100_000;
    const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed: 1 });
    const c0 = cpuMs(), w0 = Date.now();
    await t.learn(steps);
    const cpu = (cpuMs() - c0) / 1000, wall = (Date.now() - w0) / 1000;
    const ret = evaluate(t.policy, "CartPole-v1", { episodes: 20, seed: 0 }).mean;
    t.dispose();
    const secs100k = (cpu * 100_000) / steps;
    lines.push({
      target: "PPO rl-zoo CartPole-v1, 100k steps",
      measured: `${secs100k.toFixed(1)} s${q ? ` (from ${steps} steps)` : ""} (wall ${((wall * 100_000) / steps).toFixed(1)} s), return ${ret.toFixed(1)}`,
      goal: `≤ ${(PEER.sb3PpoZooSeconds100k / 3).toFixed(1)} s (SB3 ${PEER.sb3PpoZooSeconds100k.toFixed(1)} s; ${(PEER.sb3PpoZooSeconds100k / secs100k).toFixed(1)}× faster)`,
      met: secs100k <= PEER.sb3PpoZooSeconds100k / 3,
    });
  }

  {
    const demos = loadDemos(path.join(repoRoot, "data", "demos", "CartPole-v1", "traj-1.json"), "CartPole-v1");
    const iterations = q ? 1000 : 5000;
    const c0 = cpuMs(), w0 = Date.now();
    const r = trainBC(demos, { ...IMITATION_PRESETS.modernCartPole.bc, iterations, batchSize: 32, seed: 0 });
    const cpu = (cpuMs() - c0) / 1000, wall = (Date.now() - w0) / 1000;
    const ret = evaluate(r.policy, "CartPole-v1", { episodes: 20, seed: 0 }).mean;
    r.policy.dispose();
    const secs = (cpu * 5000) / iterations;
    lines.push({
      target: "BC, 1 CartPole-v1 trajectory, 5,000 batches of 32",
      measured: `${secs.toFixed(2)} s${q ? ` (from ${iterations})` : ""} (wall ${((wall * 5000) / iterations).toFixed(2)} s), return ${ret.toFixed(1)}`,
      goal: `≥ 5× imitation's ${PEER.imitationBcSeconds.toFixed(2)} s (${(PEER.imitationBcSeconds / secs).toFixed(1)}×)`,
      met: PEER.imitationBcSeconds / secs >= 5 && ret >= 475,
    });
  }

  if (opts.main) {
    const w0 = Date.now();
    const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(repoRoot, "bin", "main.ts")], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
    const mins = (Date.now() - w0) / 60000;
    lines.push({ target: `npm start on ${os.cpus().length} cores`, measured: `${mins.toFixed(1)} min wall (exit ${r.status})`, goal: "< 5 min on 2 cores", met: r.status === 0 && mins < 5 });
  } else {
    lines.push({ target: "npm start", measured: "not run (add --main: it runs the main job, minutes)", goal: "< 5 min on 2 cores", met: null });
  }
  lines.push({ target: "peer figures", measured: PEER.source, goal: "", met: null });
  return lines;
}

export function formatTargets(lines: readonly TargetLine[]): string {
  const mark = (m: boolean | null) => (m === null ? "  —  " : m ? " met " : "MISSED");
  return lines.map((l) => `[${mark(l.met)}] ${l.target}: ${l.measured}${l.goal ? `; target ${l.goal}` : ""}`).join("\n");
}

if (require.main === module) {
  (async () => {
    const b = await initBackend({ quiet: true });
    const argv = process.argv.slice(2);
    console.log(`${describeBackend(b)}; node ${process.version}; load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    console.log(formatTargets(await benchTargets({ quick: argv.includes("--quick"), main: argv.includes("--main") })));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
