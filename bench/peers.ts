/**
 * The Python peers measured in the same run, side by side on one core (issue 13 item 4; the
 * targets of issue 19):
 *
 *   npm run bench -- peers [--quick] [--core N] [--seed N]
 *
 * It makes (or reuses) the peers venv (`bash scripts/python-env.sh peers`: Gymnasium 0.29.1,
 * stable-baselines3 2.2.1, imitation 1.0.1 on Debian's torch 1.13.1), then runs each workload
 * twice, the peer first and ganrl next, each in a fresh process pinned to the same core
 * (`taskset -c N`, default 0) with one thread (OMP_NUM_THREADS=1, torch.set_num_threads(1)):
 *
 * - raw env stepping, CartPole-v1, Acrobot-v1, MountainCar-v0: Gymnasium's `gym.make` (its
 *   default wrappers) vs ours, runs of the same step count of random actions drawn up front (their
 *   sampling not timed), reset at episode ends, after an untimed warm-up of a tenth; the median of
 *   3 runs (ours: of as many runs as fill 1 s, at least 3, since one of its runs lasts ~30 ms);
 * - BC, CartPole-v1, 1 trajectory (data/demos/CartPole-v1/traj-1.json, converted to imitation's
 *   TrajectoryWithRew by bench/peers/peers.py): imitation's BC with its defaults vs our
 *   modernCartPole BC, 5,000 batches of 32 each; training wall time and the return reached (20
 *   deterministic episodes each side);
 * - GAIL, CartPole-v1, the same trajectory: imitation's GAIL + PPO with its documented CartPole
 *   settings (16,384 steps a round, 294,912 steps) vs our modernCartPole preset (its 100,000
 *   steps): whole-algorithm environment steps per second with evaluation excluded; the return at
 *   49,152 and 98,304 steps and the first evaluation ≥ 475, on the SAME schedule (every 16,384
 *   steps, 10 deterministic episodes from seed 10,000) on both sides;
 * - the same GAIL comparison like for like: ganrl with imitation's own settings
 *   (`IMITATION_GAIL_SETTINGS`, bench/peers/ours.ts) for the peer's 294,912 steps, so that both
 *   sides do the same work per environment step (compared with the same peer run);
 * - PPO with the rl-zoo CartPole-v1 settings: SB3 vs ours, wall time to 100,000 steps and the
 *   final return (20 deterministic episodes each side).
 *
 * Prints one markdown table (paste-ready) and writes bench/results/peers.{json,csv} (`--quick`:
 * peers-quick.*) with the versions, the CPU model, the date and the load average; each child's
 * output goes to bench/results/peers-logs/. Wall figures are the headline; CPU seconds of each
 * process are given beside them, which on a loaded machine are the steadier of the two.
 * `npm run bench -- targets` takes its peer figures from bench/results/peers.json when it exists.
 * `--quick` runs every workload at a small budget (a smoke test; its figures mean little).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { GanrlError, repoRoot, writeFileAtomic, writeJsonAtomic, readJson } from "../lib/core";
import { modernCartPole } from "../lib/imitation";

export interface PeersOptions {
  quick: boolean;
  /** The core both sides are pinned to. */
  core: number;
  seed: number;
}

/** Budgets of each workload (full and `--quick`). */
export const PEERS_BUDGETS = {
  full: { envSteps: 200_000, envRepeats: 3, bcBatches: 5000, gailPeerSteps: 294_912, gailOursSteps: modernCartPole.totalSteps, gailAt: [49_152, 98_304], ppoSteps: 100_000 },
  quick: { envSteps: 20_000, envRepeats: 1, bcBatches: 500, gailPeerSteps: 16_384, gailOursSteps: 16_384, gailAt: [16_384], ppoSteps: 10_240 },
} as const;

/** Shared settings: the evaluation schedule of the GAIL comparison and the episode counts. */
export const PEERS_EVAL = { gailEvery: 16_384, gailEpisodes: 10, gailSeed: 10_000, finalEpisodes: 20, threshold: 475, bcEvery: 100 } as const;

export const PEER_ENVS = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0"] as const;
const DEMOS = "data/demos/CartPole-v1/traj-1.json";

export interface PeersRow {
  workload: string;
  peer: string;
  unit: string;
  peerValue: number | null;
  peerCpuValue: number | null;
  oursValue: number | null;
  oursCpuValue: number | null;
  /** How ours compares (> 1: ours better), from wall and from CPU figures. */
  ratio: number | null;
  ratioCpu: number | null;
  /** "x" (ours/peer, higher is better) or "less" (peer/ours of a cost: time, steps). */
  ratioKind: "x" | "less" | "none";
  peerReturn: string;
  oursReturn: string;
}

export interface PeersReport {
  date: string;
  quick: boolean;
  command: string;
  cpuModel: string;
  cores: number;
  core: number;
  seed: number;
  load: { start: number[]; end: number[] };
  versions: Record<string, string>;
  budgets: (typeof PEERS_BUDGETS)["full" | "quick"];
  raw: Record<string, { peer: Record<string, unknown>; ours: Record<string, unknown>; load: number[][] }>;
  rows: PeersRow[];
}

/** Parses the flags of `npm run bench -- peers`. */
export function peersArgs(argv: readonly string[]): PeersOptions {
  const value = (flag: string, dflt: number) => {
    const i = argv.indexOf(flag);
    if (i < 0) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new GanrlError(`bench peers: ${flag} needs a non-negative integer, got '${argv[i + 1] ?? ""}'; e.g. ${flag} 0`);
    return v;
  };
  const core = value("--core", 0);
  if (core >= os.cpus().length) throw new GanrlError(`bench peers: --core ${core} does not exist on this machine (${os.cpus().length} cores: 0..${os.cpus().length - 1})`);
  return { quick: argv.includes("--quick"), core, seed: value("--seed", 0) };
}

function ensureVenv(): string {
  const r = spawnSync("bash", [path.join(repoRoot, "scripts", "python-env.sh"), "peers"], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (r.status !== 0) throw new GanrlError(`bench peers: scripts/python-env.sh peers failed (exit ${r.status}); see its message above (Debian's python3-venv and python3-torch are needed: apt-get install -y python3-venv python3-torch)`);
  return r.stdout.trim().split("\n").pop()!;
}

function checkTaskset(): void {
  const r = spawnSync("taskset", ["--version"], { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new GanrlError("bench peers: `taskset` is not available; install util-linux (apt-get install -y util-linux)");
}

const resultsDir = path.join(repoRoot, "bench", "results");

/** Runs one side of one workload in a fresh pinned process; returns its JSON result. */
function runSide(side: "peer" | "ours", workload: string, argv: string[], opts: PeersOptions): Record<string, unknown> {
  const tag = opts.quick ? "-quick" : "";
  const logDir = path.join(resultsDir, "peers-logs");
  fs.mkdirSync(logDir, { recursive: true });
  const out = path.join(logDir, `${workload}-${side}${tag}.json`);
  fs.rmSync(out, { force: true });
  const log = path.join(logDir, `${workload}-${side}${tag}.log`);
  const fd = fs.openSync(log, "w");
  const cmd = side === "peer" ? [argv[0], path.join(repoRoot, "bench", "peers", "peers.py"), workload, "--out", out, ...argv.slice(1)] : [process.execPath, require.resolve("tsx/cli"), path.join(repoRoot, "bench", "peers", "ours.ts"), workload, out, ...argv];
  const env = { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", PYTHONWARNINGS: "ignore" };
  const t0 = Date.now();
  const r = spawnSync("taskset", ["-c", String(opts.core), ...cmd], { cwd: repoRoot, env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  if (r.status !== 0 || !fs.existsSync(out)) {
    const tail = fs.readFileSync(log, "utf8").split("\n").slice(-15).join("\n");
    throw new GanrlError(`bench peers: the ${side} side of '${workload}' failed (exit ${r.status}); the end of ${path.relative(repoRoot, log)}:\n${tail}`);
  }
  process.stderr.write(`peers: ${workload} (${side === "peer" ? "Python peer" : "ganrl"}) done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return readJson(out) as Record<string, unknown>;
}

/** The median (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface EnvsResult {
  rows: { env: string; runs: { stepsPerSec: number; stepsPerCpuSec: number }[] }[];
}
interface TimedResult {
  wall: number;
  cpu: number;
  steps?: number;
  batches?: number;
  evalReturn: number;
  evalReturnStd: number;
}
interface BcCurveResult {
  evalEvery: number;
  evals: { batches: number; evalReturn: number; trainWall: number; trainCpu: number }[];
  reached: { batches: number; evalReturn: number; trainWall: number; trainCpu: number } | null;
}
interface GailResult {
  steps: number;
  stepsPerSec: number;
  stepsPerCpuSec: number;
  evals: { step: number; return: number; std: number; trainWall: number; trainCpu: number }[];
}

const ratioOf = (kind: "x" | "less", peer: number | null, ours: number | null) => (peer === null || ours === null || peer <= 0 || ours <= 0 ? null : kind === "x" ? ours / peer : peer / ours);
const ret = (r: { evalReturn: number; evalReturnStd: number }, n: number) => `${r.evalReturn.toFixed(1)} ± ${r.evalReturnStd.toFixed(1)} (${n} ep.)`;

/** The three GAIL rows (speed, steps to the threshold, time to it) of one peer/ganrl pair; `tag` names the ganrl side's settings. */
function gailRows(p: GailResult, o: GailResult, imi: string, budgets: PeersReport["budgets"], tag: string): PeersRow[] {
  const rows: PeersRow[] = [];
  const at = (r: GailResult, s: number) => r.evals.find((e) => e.step === s);
  const fmtAt = (r: GailResult, s: number) => {
    const e = at(r, s);
    return e ? `${e.return.toFixed(1)} ± ${e.std.toFixed(1)}` : "not run";
  };
  const retAt = (r: GailResult) => budgets.gailAt.map((s) => `${(s / 1000).toFixed(1)}k: ${fmtAt(r, s)}`).join("; ");
  rows.push({
    workload: `GAIL + PPO, CartPole-v1, 1 trajectory: whole-algorithm env steps/s, evaluation excluded${tag}`,
    peer: imi, unit: "steps/s",
    peerValue: p.stepsPerSec, peerCpuValue: p.stepsPerCpuSec, oursValue: o.stepsPerSec, oursCpuValue: o.stepsPerCpuSec,
    ratio: ratioOf("x", p.stepsPerSec, o.stepsPerSec), ratioCpu: ratioOf("x", p.stepsPerCpuSec, o.stepsPerCpuSec), ratioKind: "x",
    peerReturn: `${retAt(p)} (${PEERS_EVAL.gailEpisodes} ep.)`, oursReturn: `${retAt(o)} (${PEERS_EVAL.gailEpisodes} ep.)`,
  });
  const first = (r: GailResult) => r.evals.find((e) => e.return >= PEERS_EVAL.threshold) ?? null;
  const pf = first(p), of = first(o);
  const within = (r: GailResult, f: typeof pf) => (f ? `first ≥ ${PEERS_EVAL.threshold}: ${f.return.toFixed(1)}` : `not reached within ${r.steps.toLocaleString("en-US")}`);
  rows.push({
    workload: `GAIL: env steps to the first evaluation ≥ ${PEERS_EVAL.threshold} (every ${PEERS_EVAL.gailEvery.toLocaleString("en-US")} steps, ${PEERS_EVAL.gailEpisodes} episodes, both sides)${tag}`,
    peer: imi, unit: "steps",
    peerValue: pf?.step ?? null, peerCpuValue: null, oursValue: of?.step ?? null, oursCpuValue: null,
    ratio: ratioOf("less", pf?.step ?? null, of?.step ?? null), ratioCpu: null, ratioKind: "less",
    peerReturn: within(p, pf), oursReturn: within(o, of),
  });
  rows.push({
    workload: `GAIL: training time to that evaluation, evaluation excluded${tag}`,
    peer: imi, unit: "s",
    peerValue: pf?.trainWall ?? null, peerCpuValue: pf?.trainCpu ?? null, oursValue: of?.trainWall ?? null, oursCpuValue: of?.trainCpu ?? null,
    ratio: ratioOf("less", pf?.trainWall ?? null, of?.trainWall ?? null), ratioCpu: ratioOf("less", pf?.trainCpu ?? null, of?.trainCpu ?? null), ratioKind: "less",
    peerReturn: `budget ${p.steps.toLocaleString("en-US")} steps`, oursReturn: `budget ${o.steps.toLocaleString("en-US")} steps`,
  });
  return rows;
}

/** Builds the table rows from the two sides' raw results. */
export function peersRows(raw: PeersReport["raw"], v: Record<string, string>, budgets: PeersReport["budgets"]): PeersRow[] {
  const rows: PeersRow[] = [];
  const gym = `Gymnasium ${v.gymnasium}`, imi = `imitation ${v.imitation}`, sb3 = `SB3 ${v["stable-baselines3"]}`;
  const envs = raw.envs;
  for (const id of PEER_ENVS) {
    const p = (envs.peer as unknown as EnvsResult).rows.find((r) => r.env === id)!;
    const o = (envs.ours as unknown as EnvsResult).rows.find((r) => r.env === id)!;
    const pv = median(p.runs.map((r) => r.stepsPerSec)), pc = median(p.runs.map((r) => r.stepsPerCpuSec));
    const ov = median(o.runs.map((r) => r.stepsPerSec)), oc = median(o.runs.map((r) => r.stepsPerCpuSec));
    rows.push({
      workload: `raw env step, ${id}, single env, random actions (median of runs of ${budgets.envSteps.toLocaleString("en-US")} steps: ${p.runs.length} / ${o.runs.length})`,
      peer: gym,
      unit: "steps/s",
      peerValue: pv, peerCpuValue: pc, oursValue: ov, oursCpuValue: oc,
      ratio: ratioOf("x", pv, ov), ratioCpu: ratioOf("x", pc, oc), ratioKind: "x",
      peerReturn: "", oursReturn: "",
    });
  }
  {
    const p = raw.bc.peer as unknown as TimedResult, o = raw.bc.ours as unknown as TimedResult;
    rows.push({
      workload: `BC, CartPole-v1, 1 trajectory, ${budgets.bcBatches.toLocaleString("en-US")} batches of 32: training time`,
      peer: imi, unit: "s",
      peerValue: p.wall, peerCpuValue: p.cpu, oursValue: o.wall, oursCpuValue: o.cpu,
      ratio: ratioOf("less", p.wall, o.wall), ratioCpu: ratioOf("less", p.cpu, o.cpu), ratioKind: "less",
      peerReturn: ret(p, PEERS_EVAL.finalEpisodes), oursReturn: ret(o, PEERS_EVAL.finalEpisodes),
    });
  }
  // BC to a return on one evaluation schedule (absent from reports written before it existed)
  if (raw["bc-curve"]) {
    const p = raw["bc-curve"].peer as unknown as BcCurveResult, o = raw["bc-curve"].ours as unknown as BcCurveResult;
    const pf = p.reached, of = o.reached;
    const within = (f: typeof pf) => (f ? `first ≥ ${PEERS_EVAL.threshold}: ${f.evalReturn.toFixed(1)}` : `not reached within ${budgets.bcBatches.toLocaleString("en-US")} batches`);
    rows.push({
      workload: `BC: batches of 32 to the first evaluation ≥ ${PEERS_EVAL.threshold} (every ${PEERS_EVAL.bcEvery} batches, ${PEERS_EVAL.gailEpisodes} episodes, both sides)`,
      peer: imi, unit: "batches",
      peerValue: pf?.batches ?? null, peerCpuValue: null, oursValue: of?.batches ?? null, oursCpuValue: null,
      ratio: ratioOf("less", pf?.batches ?? null, of?.batches ?? null), ratioCpu: null, ratioKind: "less",
      peerReturn: within(pf), oursReturn: within(of),
    });
    rows.push({
      workload: "BC: training time to that evaluation, evaluation excluded",
      peer: imi, unit: "s",
      peerValue: pf?.trainWall ?? null, peerCpuValue: pf?.trainCpu ?? null, oursValue: of?.trainWall ?? null, oursCpuValue: of?.trainCpu ?? null,
      ratio: ratioOf("less", pf?.trainWall ?? null, of?.trainWall ?? null), ratioCpu: ratioOf("less", pf?.trainCpu ?? null, of?.trainCpu ?? null), ratioKind: "less",
      peerReturn: "imitation's BC defaults", oursReturn: "the modernCartPole BC preset",
    });
  }
  rows.push(...gailRows(raw.gail.peer as unknown as GailResult, raw.gail.ours as unknown as GailResult, imi, budgets, ""));
  // the like-for-like run (absent from reports written before it existed)
  if (raw["gail-same"]) rows.push(...gailRows(raw["gail-same"].peer as unknown as GailResult, raw["gail-same"].ours as unknown as GailResult, imi, budgets, " (ganrl with imitation's settings, the same work per step)"));
  {
    const p = raw.ppo.peer as unknown as TimedResult, o = raw.ppo.ours as unknown as TimedResult;
    rows.push({
      workload: `PPO, rl-zoo CartPole-v1 settings: wall time to ${budgets.ppoSteps.toLocaleString("en-US")} steps`,
      peer: sb3, unit: "s",
      peerValue: p.wall, peerCpuValue: p.cpu, oursValue: o.wall, oursCpuValue: o.cpu,
      ratio: ratioOf("less", p.wall, o.wall), ratioCpu: ratioOf("less", p.cpu, o.cpu), ratioKind: "less",
      peerReturn: ret(p, PEERS_EVAL.finalEpisodes), oursReturn: ret(o, PEERS_EVAL.finalEpisodes),
    });
  }
  return rows;
}

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function debianTorch(): string {
  const r = spawnSync("dpkg-query", ["-W", "-f", "${Version}", "python3-torch"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

/** Runs every workload on both sides; writes bench/results/peers{,-quick}.{json,csv}. */
export async function benchPeers(opts: PeersOptions): Promise<PeersReport> {
  checkTaskset();
  const py = ensureVenv();
  const b = opts.quick ? PEERS_BUDGETS.quick : PEERS_BUDGETS.full;
  const seed = String(opts.seed);
  const loadStart = os.loadavg();
  const raw: PeersReport["raw"] = {};
  const both = (w: string, peerArgs: string[], ours: Record<string, unknown>) => {
    const l0 = os.loadavg();
    const peer = runSide("peer", w, [py, ...peerArgs], opts);
    const l1 = os.loadavg();
    const o = runSide("ours", w, [JSON.stringify(ours)], opts);
    raw[w] = { peer, ours: o, load: [l0, l1, os.loadavg()] };
  };
  both("envs", ["--envs", PEER_ENVS.join(","), "--steps", String(b.envSteps), "--repeats", String(b.envRepeats), "--seed", seed], { envs: PEER_ENVS, steps: b.envSteps, repeats: b.envRepeats, seed: opts.seed });
  both("bc", ["--demos", DEMOS, "--batches", String(b.bcBatches), "--eval-episodes", String(PEERS_EVAL.finalEpisodes), "--seed", seed], { demos: DEMOS, batches: b.bcBatches, evalEpisodes: PEERS_EVAL.finalEpisodes, seed: opts.seed });
  both(
    "bc-curve",
    ["--demos", DEMOS, "--batches", String(b.bcBatches), "--eval-every", String(PEERS_EVAL.bcEvery), "--eval-episodes", String(PEERS_EVAL.gailEpisodes), "--eval-seed", String(PEERS_EVAL.gailSeed), "--threshold", String(PEERS_EVAL.threshold), "--seed", seed],
    { demos: DEMOS, batches: b.bcBatches, evalEvery: PEERS_EVAL.bcEvery, evalEpisodes: PEERS_EVAL.gailEpisodes, evalSeed: PEERS_EVAL.gailSeed, threshold: PEERS_EVAL.threshold, seed: opts.seed },
  );
  const ev = { evalEvery: PEERS_EVAL.gailEvery, evalEpisodes: PEERS_EVAL.gailEpisodes, evalSeed: PEERS_EVAL.gailSeed };
  both(
    "gail",
    ["--demos", DEMOS, "--steps", String(b.gailPeerSteps), "--eval-every", String(ev.evalEvery), "--eval-episodes", String(ev.evalEpisodes), "--eval-seed", String(ev.evalSeed), "--seed", seed],
    { demos: DEMOS, steps: b.gailOursSteps, ...ev, seed: opts.seed },
  );
  // the like-for-like GAIL run: ganrl with imitation's own settings for the peer's budget, compared with the same peer run
  {
    const l0 = os.loadavg();
    const o = runSide("ours", "gail-same", [JSON.stringify({ demos: DEMOS, steps: b.gailPeerSteps, ...ev, seed: opts.seed })], opts);
    raw["gail-same"] = { peer: raw.gail.peer, ours: o, load: [l0, l0, os.loadavg()] };
  }
  both("ppo", ["--steps", String(b.ppoSteps), "--eval-episodes", String(PEERS_EVAL.finalEpisodes), "--seed", seed], { steps: b.ppoSteps, evalEpisodes: PEERS_EVAL.finalEpisodes, seed: opts.seed });

  const pv = raw.envs.peer.versions as Record<string, string>;
  const ov = raw.envs.ours.versions as Record<string, string>;
  const versions: Record<string, string> = {
    python: pv.python, gymnasium: pv.gymnasium, "stable-baselines3": pv["stable-baselines3"], imitation: pv.imitation, numpy: pv.numpy,
    torch: `${pv.torch} (Debian python3-torch ${debianTorch()}), ${pv.torchThreads} thread`,
    ganrl: ov.ganrl, node: ov.node, tfjs: ov.tfjs, backend: ov.backend,
  };
  const report: PeersReport = {
    date: new Date().toISOString(),
    quick: opts.quick,
    command: `npm run bench -- peers${opts.quick ? " --quick" : ""}${opts.core ? ` --core ${opts.core}` : ""}${opts.seed ? ` --seed ${opts.seed}` : ""}`,
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    core: opts.core,
    seed: opts.seed,
    load: { start: loadStart, end: os.loadavg() },
    versions,
    budgets: b,
    raw,
    rows: peersRows(raw, versions, b),
  };
  const base = path.join(resultsDir, opts.quick ? "peers-quick" : "peers");
  writeJsonAtomic(`${base}.json`, report);
  writeFileAtomic(`${base}.csv`, peersCsv(report));
  return report;
}

const csvCell = (x: unknown) => {
  const s = x === null || x === undefined ? "" : String(x);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The rows as CSV, with the run's facts on every row (date, CPU, load, versions). */
export function peersCsv(r: PeersReport): string {
  const head = ["workload", "peer", "unit", "peer_wall", "peer_cpu", "ours_wall", "ours_cpu", "ratio_wall", "ratio_cpu", "ratio_kind", "peer_return", "ours_return", "date", "quick", "cpu_model", "core", "load_start", "load_end", "versions"];
  const meta = [r.date, r.quick, r.cpuModel, r.core, r.load.start.map((x) => x.toFixed(2)).join(" "), r.load.end.map((x) => x.toFixed(2)).join(" "), Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join("; ")];
  const lines = [head.join(",")];
  for (const w of r.rows) lines.push([w.workload, w.peer, w.unit, w.peerValue, w.peerCpuValue, w.oursValue, w.oursCpuValue, w.ratio, w.ratioCpu, w.ratioKind, w.peerReturn, w.oursReturn, ...meta].map(csvCell).join(","));
  return lines.join("\n") + "\n";
}

function fmtValue(x: number | null, unit: string): string {
  if (x === null) return "—";
  if (unit === "s") return `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  return Math.round(x).toLocaleString("en-US");
}

function fmtRatio(x: number | null, kind: PeersRow["ratioKind"], unit: string): string {
  // kind is folded into the ratio's direction already (> 1: ganrl better); only steps get a word
  if (x === null) return "—";
  const v = x >= 10 ? x.toFixed(0) : x.toFixed(2);
  return `${v}×${kind === "less" && (unit === "steps" || unit === "batches") ? " fewer" : ""}`;
}

/** The paste-ready markdown table, with the facts of the run and the command. */
export function formatPeers(r: PeersReport): string {
  const cell = (v: number | null, c: number | null, unit: string) => (c === null ? fmtValue(v, unit) : `${fmtValue(v, unit)} (CPU ${fmtValue(c, unit)})`);
  const lines = [
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.cpuModel} (${r.cores} cores), both sides pinned to core ${r.core} one after the other, one thread each; load average ${r.load.start.map((x) => x.toFixed(2)).join(" ")} at the start, ${r.load.end.map((x) => x.toFixed(2)).join(" ")} at the end${r.quick ? "; --quick budgets (a smoke test: these figures mean little)" : ""}.`,
    `Peers: Python ${r.versions.python}, Gymnasium ${r.versions.gymnasium}, stable-baselines3 ${r.versions["stable-baselines3"]}, imitation ${r.versions.imitation}, torch ${r.versions.torch}, NumPy ${r.versions.numpy}. ganrl ${r.versions.ganrl}: Node ${r.versions.node}, TF.js ${r.versions.tfjs}, ${r.versions.backend.replace(/^ganrl: /, "")}.`,
    `Command: \`${r.command}\` (seed ${r.seed}; results in bench/results/${r.quick ? "peers-quick" : "peers"}.{csv,json}). Figures are wall time, with each process's CPU time in brackets. Ratio: how many times ganrl is ahead (speed ganrl/peer; time and steps peer/ganrl), > 1 when ganrl is better.`,
    "",
    "| workload | peer | peer figure | ganrl | ratio (CPU) | returns: peer / ganrl |",
    "|---|---|---|---|---|---|",
  ];
  for (const w of r.rows) {
    const ratio = `${fmtRatio(w.ratio, w.ratioKind, w.unit)}${w.ratioCpu === null ? "" : ` (${fmtRatio(w.ratioCpu, w.ratioKind, w.unit)})`}`;
    const rets = w.peerReturn || w.oursReturn ? `${w.peerReturn} / ${w.oursReturn}` : "—";
    lines.push(`| ${w.workload} | ${w.peer} | ${cell(w.peerValue, w.peerCpuValue, w.unit)} | ${cell(w.oursValue, w.oursCpuValue, w.unit)} | ${ratio} | ${rets} |`);
  }
  const b = r.budgets;
  lines.push(
    "",
    `Settings: GAIL peer = imitation's documented CartPole settings (PPO batch 64, lr 4e-4, γ 0.95, 5 epochs, 8 envs × 2,048 steps a round; BasicRewardNet with RunningNorm; 8 discriminator updates a round; demonstration batch ${String((r.raw.gail.peer as { demoBatchSize?: number }).demoBatchSize ?? "?")}, all the transitions, since imitation refuses a batch larger than them), ${b.gailPeerSteps.toLocaleString("en-US")} steps; ganrl = modernCartPole, ${b.gailOursSteps.toLocaleString("en-US")} steps${r.raw["gail-same"] ? `, and, in the rows marked "imitation's settings", ganrl with imitation's PPO, discriminator (32-32 ReLU, 8 Adam steps of 500 + 500 pairs a round) and rounds for the peer's ${b.gailPeerSteps.toLocaleString("en-US")} steps (IMITATION_GAIL_SETTINGS, bench/peers/ours.ts; imitation's reward normalisation and 512-sample replay buffer are not reproduced)` : ""}. ` +
      `BC peer = imitation's defaults (32-32 policy, Adam 1e-3) on all 500 pairs; ganrl = modernCartPole's BC (64-64, Adam 3e-3, 70/30 split, best validation accuracy). PPO: rl-zoo settings on both sides (8 envs, n_steps 32, batch 256, 20 epochs, λ 0.8, γ 0.98, lr 1e-3 and clip 0.2 linear).`,
  );
  return lines.join("\n");
}

/**
 * The peers' figures from the last full `npm run bench -- peers` (bench/results/peers.json), in
 * the units bench/targets.ts compares with (per CPU second of the process, as it measures ours),
 * or null when there is none.
 */
export function freshPeerFigures(): { imitationGailPpoStepsPerSec: number; sb3PpoZooSeconds100k: number; imitationBcSeconds: number; source: string } | null {
  const file = path.join(resultsDir, "peers.json");
  if (!fs.existsSync(file)) return null;
  const r = readJson(file) as PeersReport;
  if (!r.raw?.gail || !r.raw?.ppo || !r.raw?.bc) return null;
  const gail = r.raw.gail.peer as unknown as GailResult;
  const ppo = r.raw.ppo.peer as unknown as TimedResult;
  const bc = r.raw.bc.peer as unknown as TimedResult;
  return {
    imitationGailPpoStepsPerSec: gail.stepsPerCpuSec,
    sb3PpoZooSeconds100k: (ppo.cpu * 100_000) / (ppo.steps ?? r.budgets.ppoSteps),
    imitationBcSeconds: (bc.cpu * 5000) / (bc.batches ?? r.budgets.bcBatches),
    source: `bench/results/peers.json, ${r.date.slice(0, 16).replace("T", " ")} UTC, CPU seconds, load ${r.load.start[0].toFixed(2)}`,
  };
}

/**
 * Gymnasium's single-env steps per wall second from the last full `npm run bench -- peers`
 * (median of its runs, by environment id), with where they come from; null when there is none.
 */
export function freshGymnasiumFigures(): { stepsPerSec: Record<string, number>; source: string } | null {
  const file = path.join(resultsDir, "peers.json");
  if (!fs.existsSync(file)) return null;
  const r = readJson(file) as PeersReport;
  const rows = (r.raw?.envs?.peer as unknown as EnvsResult | undefined)?.rows;
  if (!rows) return null;
  const stepsPerSec: Record<string, number> = {};
  for (const row of rows) stepsPerSec[row.env] = median(row.runs.map((x) => x.stepsPerSec));
  return { stepsPerSec, source: `Gymnasium ${r.versions.gymnasium}, bench/results/peers.json (${r.date.slice(0, 16).replace("T", " ")} UTC, one core, load ${r.load.start[0].toFixed(2)})` };
}
