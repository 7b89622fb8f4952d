/**
 * `ganrl demos`: samples N expert trajectories into a `ganrl-demos/1` file (format:
 * `lib/data/trajectories.ts`), optionally the nested subsets the GAIL paper uses
 * (`--subsets 1,4,7,10`: the first k trajectories of the same sample), and a CSV through danfo.
 *
 * Sampling: stochastic by default (a ~ π(·|s), as the paper sampled its expert trajectories);
 * `--deterministic` takes argmax actions. Trajectory i resets its environment with seed S + i and
 * draws its actions from `new Rng(S + i).fork()`, so it depends on its own seed only: a set of 4
 * is exactly the first 4 of a set of 10 made with the same seed.
 *
 * `ganrl demos-info <file>`: validates a demonstration file and prints its statistics.
 */
import * as fs from "fs";
import * as path from "path";
import { GanrlError, initBackend, describeBackend, writeFileAtomic } from "../../lib/core";
import { EnvId } from "../../lib/envs";
import { DemoSet, DEMOS_FORMAT, Trajectory, exportDemosCsv, loadDemos, takeTrajectories, trajectoryStats, validateDemoSet } from "../../lib/data";
import { Episode, commandLine, formatSeconds, jsonLine, loadActorFor, readPolicyJson, rollEpisodes, round6, shortFloat32 } from "./common";

export interface DemosArgs {
  env: EnvId;
  policy: string;
  n: number;
  seed: number;
  out?: string;
  csv?: string;
  subsets?: string;
  deterministic: boolean;
  json: boolean;
}

/** `"1,4,7,10"` → [1, 4, 7, 10], each in 1..n. */
export function parseSubsets(text: string | undefined, n: number): number[] {
  if (text === undefined || text.trim() === "") return [];
  const ks = text.split(",").map((s) => Number(s.trim()));
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1 || k > n) throw new GanrlError(`--subsets must be a comma-separated list of integers in 1..${n} (the --n), got ${JSON.stringify(text)}`);
  }
  return ks;
}

function toTrajectory(e: Episode): Trajectory {
  return {
    seed: e.seed,
    obs: e.obs.map((o) => Array.from(o, shortFloat32)),
    actions: e.actions,
    rewards: e.rewards,
    terminated: e.terminated,
    truncated: e.truncated,
  };
}

/**
 * Serialises a demonstration set compactly but readably: the header pretty-printed, each
 * trajectory's arrays on one line each (a pretty-printed file is ~4× larger).
 */
export function demoSetJson(set: DemoSet): string {
  const { trajectories, ...head } = set;
  const headJson = JSON.stringify(head, null, 1);
  const trajs = trajectories.map((t) => {
    const fields = Object.entries(t).map(([k, v]) => `   ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return `  {\n${fields.join(",\n")}\n  }`;
  });
  return `${headJson.slice(0, -2)},\n "trajectories": [\n${trajs.join(",\n")}\n ]\n}\n`;
}

function subsetFile(out: string, k: number): string {
  return path.join(path.dirname(out), `traj-${k}.json`);
}

export async function demosCommand(a: DemosArgs): Promise<void> {
  const out = a.out ?? `data/demos/${a.env}/traj-${a.n}.json`;
  if (!out.endsWith(".json")) throw new GanrlError(`--out must name a .json file, got ${JSON.stringify(out)}`);
  if (a.csv !== undefined && !a.csv.endsWith(".csv")) throw new GanrlError(`--csv must name a .csv file, got ${JSON.stringify(a.csv)}`);
  const subsets = parseSubsets(a.subsets, a.n);
  readPolicyJson(a.policy, a.env); // fail on a bad file before starting TF.js
  const backend = await initBackend({ quiet: true });
  const { actor, json: policyJson } = loadActorFor(a.policy, a.env);
  if (!a.json) process.stderr.write(describeBackend(backend) + "\n");

  const t0 = Date.now();
  const seeds = Array.from({ length: a.n }, (_, i) => a.seed + i);
  const episodes = rollEpisodes(actor, a.env, seeds, { deterministic: a.deterministic, record: true });
  actor.dispose();
  const trajectories = episodes.map(toTrajectory);
  const sampling = a.deterministic
    ? "deterministic (argmax a)"
    : actor.kind === "q"
      ? `stochastic (ε-greedy on Q, ε = ${actor.epsilon}; draws from new Rng(seed).fork())`
      : "stochastic (a ~ π(·|s); draws from new Rng(seed).fork())";
  const m = policyJson.meta ?? {};
  const source = {
    expert: a.policy,
    expertAlgo: m.algo,
    expertSteps: m.steps,
    expertSeed: m.seed,
    sampling,
    seeds: `${a.seed}..${a.seed + a.n - 1} (trajectory i resets with seed ${a.seed} + i)`,
    command: commandLine(),
    createdAt: new Date().toISOString(),
  };
  const set: DemoSet = {
    format: DEMOS_FORMAT,
    envId: a.env,
    obsDim: trajectories[0].obs[0].length,
    nActions: actor.nActions,
    source,
    expertStats: roundStats(trajectoryStats(trajectories)),
    trajectories,
  };
  // Validate everything before writing anything (atomic writes: no half-written file).
  const files: [string, DemoSet][] = [[out, validateDemoSet(set, out)]];
  for (const k of subsets) {
    const f = subsetFile(out, k);
    if (path.resolve(f) === path.resolve(out)) continue;
    const sub = takeTrajectories(set, k);
    sub.source = {
      ...source,
      seeds: `${a.seed}..${a.seed + k - 1} (trajectory i resets with seed ${a.seed} + i)`,
      subsetOf: path.basename(out),
      note: `the first ${k === 1 ? "trajectory" : `${k} trajectories`} of ${path.basename(out)}`,
    };
    sub.expertStats = roundStats(sub.expertStats);
    files.push([f, validateDemoSet(sub, f)]);
  }
  for (const [f, s] of files) writeFileAtomic(f, demoSetJson(s));
  if (a.csv) await exportDemosCsv(set, a.csv);

  const st = set.expertStats;
  if (a.json) {
    console.log(jsonLine({ env: a.env, episodes: st.episodes, meanReturn: st.meanReturn, stdReturn: st.stdReturn, meanLength: st.meanLength, files: files.map((f) => f[0]) }));
  } else {
    for (const [f, s] of files) {
      const bytes = fs.statSync(f).size;
      console.log(`wrote ${f}: ${s.trajectories.length} trajectories, return ${s.expertStats.meanReturn.toFixed(2)} ± ${s.expertStats.stdReturn.toFixed(2)}, ${(bytes / 1024).toFixed(0)} KiB`);
    }
    if (a.csv) console.log(`wrote ${a.csv}`);
    console.log(`sampled ${a.n} ${a.deterministic ? "deterministic" : "stochastic"} trajectories in ${formatSeconds((Date.now() - t0) / 1000)}`);
  }
}

function roundStats<T extends { meanReturn: number; stdReturn: number; meanLength: number }>(s: T): T {
  return { ...s, meanReturn: round6(s.meanReturn), stdReturn: round6(s.stdReturn), meanLength: round6(s.meanLength) };
}

export interface DemosInfoArgs {
  env?: EnvId;
  csv?: string;
  json: boolean;
}

export async function demosInfoCommand(file: string, a: DemosInfoArgs): Promise<void> {
  if (a.csv !== undefined && !a.csv.endsWith(".csv")) throw new GanrlError(`--csv must name a .csv file, got ${JSON.stringify(a.csv)}`);
  if (!fs.existsSync(file)) throw new GanrlError(`demonstration file ${file} does not exist; list data/demos/ for the shipped sets`);
  const set = loadDemos(file, a.env);
  const st = trajectoryStats(set.trajectories);
  const lengths = set.trajectories.map((t) => t.actions.length);
  const transitions = lengths.reduce((x, y) => x + y, 0);
  if (a.csv) await exportDemosCsv(set, a.csv);
  if (a.json) {
    console.log(jsonLine({ env: set.envId, episodes: st.episodes, meanReturn: st.meanReturn, stdReturn: st.stdReturn, meanLength: st.meanLength, transitions }));
  } else {
    console.log(
      `${file}: ${set.envId}, ${st.episodes} trajectories, ${transitions} transitions, return ${st.meanReturn.toFixed(2)} ± ${st.stdReturn.toFixed(2)}, ` +
        `length ${Math.min(...lengths)}..${Math.max(...lengths)} (mean ${st.meanLength.toFixed(1)}), ` +
        `${set.trajectories.filter((t) => t.terminated).length} terminated, ${set.trajectories.filter((t) => t.truncated).length} truncated`,
    );
    if (a.csv) console.log(`wrote ${a.csv}`);
  }
}
