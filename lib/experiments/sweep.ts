/**
 * Sweeps: many independent runs (algorithm × environment × dataset size × seed), executed in
 * parallel worker processes (one run per process at a time, one process per core by default),
 * split across machines with shards, and resumable.
 *
 * Every run has a stable `id` (e.g. `gail/CartPole-v1/traj1/seed0`). Its result is written
 * atomically to `<outDir>/runs/<id>.json` when it finishes; a sweep skips runs whose result
 * file exists, so an interrupted sweep continues where it stopped, and shards run on several
 * machines merge by copying their `runs/` folders together. `--shard i/n` keeps the runs whose
 * position in the (sorted) list is i modulo n.
 *
 * A run is executed by a *task*: a module path and an exported async function
 * `(spec: RunSpec) => Promise<RunResult>` that the worker process loads by `require`.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { fork } from "child_process";
import { GanrlError, describe, writeJsonAtomic } from "../core";

/** One run of a sweep. `params` must be JSON. */
export interface RunSpec {
  /** Stable, unique, path-safe id (letters, digits, `-_.=/`). */
  id: string;
  params: Record<string, unknown>;
}

/** What a task returns: JSON metrics of the finished run. */
export type RunResult = Record<string, unknown>;

/** A stored result: the spec, the task's result, and timing. */
export interface StoredResult {
  id: string;
  params: Record<string, unknown>;
  result: RunResult;
  seconds: number;
  finishedAt: string;
}

/** Where a task lives: `require(module)[fn]` is `(spec) => Promise<RunResult>`. */
export interface TaskRef {
  /** Absolute path of the module (a `.ts` file runs through tsx, a `.js` file directly). */
  module: string;
  fn: string;
}

export interface Shard {
  index: number;
  count: number;
}

export interface SweepOptions {
  task: TaskRef;
  /** Folder for `runs/<id>.json`. */
  outDir: string;
  /** Parallel worker processes (default: number of CPU cores). */
  workers?: number;
  /** Run only this shard of the runs. */
  shard?: Shard;
  /** Re-run runs whose result exists (default false: skip them). */
  force?: boolean;
  /** Called when a run starts or finishes (for progress bars and logs). */
  onProgress?: (event: { kind: "start" | "done" | "fail"; id: string; done: number; total: number; seconds?: number; error?: string }) => void;
  /** Extra environment variables for the workers. */
  env?: Record<string, string>;
}

const ID_RE = /^[A-Za-z0-9_.=\-/]+$/;

/** Parses `i/n` (0 ≤ i < n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new GanrlError(`--shard must look like i/n (e.g. 0/4), got ${describe(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new GanrlError(`--shard ${text}: need 0 ≤ i < n`);
  return { index, count };
}

/** The runs of one shard: sorted by id, every n-th from i. */
export function shardRuns(specs: RunSpec[], shard?: Shard): RunSpec[] {
  const sorted = [...specs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!shard) return sorted;
  return sorted.filter((_, k) => k % shard.count === shard.index);
}

export function resultFile(outDir: string, id: string): string {
  return path.join(outDir, "runs", `${id}.json`);
}

/** Reads every stored result under `<outDir>/runs` (from any shard), keyed by id. */
export function readResults(outDir: string): Map<string, StoredResult> {
  const out = new Map<string, StoredResult>();
  const root = path.join(outDir, "runs");
  if (!fs.existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json")) {
        try {
          const r = JSON.parse(fs.readFileSync(p, "utf8")) as StoredResult;
          if (r && typeof r.id === "string") out.set(r.id, r);
        } catch {
          // a foreign or damaged file: ignored (results are only ever written atomically)
        }
      }
    }
  };
  walk(root);
  return out;
}

function checkSpecs(specs: RunSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (typeof s.id !== "string" || !ID_RE.test(s.id) || s.id.includes("..")) {
      throw new GanrlError(`run id ${describe(s.id)} is not path-safe; use letters, digits and -_.=/`);
    }
    if (seen.has(s.id)) throw new GanrlError(`run id ${s.id} appears twice in the sweep`);
    seen.add(s.id);
  }
}

interface WorkerMessage {
  type: "done" | "fail";
  id: string;
  result?: RunResult;
  error?: string;
  seconds: number;
}

/**
 * Runs the sweep and returns the results of all its runs (those found on disk and those run
 * now). A failed run is reported through `onProgress` and leaves no result file; the sweep
 * continues with the others and throws at the end, naming the failures.
 */
export async function runSweep(specs: RunSpec[], opts: SweepOptions): Promise<StoredResult[]> {
  checkSpecs(specs);
  const mine = shardRuns(specs, opts.shard);
  const existing = readResults(opts.outDir);
  const todo = mine.filter((s) => opts.force || !existing.has(s.id));
  const total = mine.length;
  let done = total - todo.length;
  const failures: string[] = [];
  const workers = Math.max(1, Math.min(opts.workers ?? os.cpus().length, todo.length || 1));

  const workerFile = path.join(__dirname, `worker${path.extname(__filename)}`);
  const execArgv = workerFile.endsWith(".ts") ? ["--require", require.resolve("tsx/cjs")] : [];

  let next = 0;
  const runOne = (spec: RunSpec): Promise<void> =>
    new Promise((resolve) => {
      opts.onProgress?.({ kind: "start", id: spec.id, done, total });
      const child = fork(workerFile, [], { execArgv, env: { ...process.env, ...opts.env }, stdio: ["ignore", "ignore", "pipe", "ipc"] });
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      let settled = false;
      const finish = (msg: WorkerMessage) => {
        if (settled) return;
        settled = true;
        if (msg.type === "done") {
          const stored: StoredResult = { id: spec.id, params: spec.params, result: msg.result ?? {}, seconds: msg.seconds, finishedAt: new Date().toISOString() };
          writeJsonAtomic(resultFile(opts.outDir, spec.id), stored);
          existing.set(spec.id, stored);
          done++;
          opts.onProgress?.({ kind: "done", id: spec.id, done, total, seconds: msg.seconds });
        } else {
          failures.push(`${spec.id}: ${msg.error}`);
          opts.onProgress?.({ kind: "fail", id: spec.id, done, total, error: msg.error });
        }
        child.kill();
        resolve();
      };
      child.on("message", (m: WorkerMessage) => finish(m));
      child.on("exit", (code) => finish({ type: "fail", id: spec.id, error: `worker exited with code ${code}${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`, seconds: 0 }));
      child.send({ task: opts.task, spec });
    });

  const lanes = Array.from({ length: workers }, async () => {
    while (next < todo.length) {
      const spec = todo[next++];
      await runOne(spec);
    }
  });
  await Promise.all(lanes);
  if (failures.length) {
    throw new GanrlError(`${failures.length} run(s) failed (finished ones are saved; re-run to retry the failed ones):\n  ${failures.join("\n  ")}`);
  }
  return mine.map((s) => existing.get(s.id)).filter((r): r is StoredResult => r !== undefined);
}

/** Rows as CSV text (RFC 4180 quoting where needed). */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/**
 * Reads a CSV written by `toCsv` (RFC 4180: quoted cells may hold commas, quotes and newlines)
 * into rows; cells that are numbers become numbers, "NaN" becomes NaN, empty cells stay "".
 */
export function readCsv(file: string): Record<string, string | number>[] {
  if (!fs.existsSync(file)) throw new GanrlError(`readCsv: no file ${file}; the command that writes it is named in the README and the notebook above`);
  const text = fs.readFileSync(file, "utf8");
  const records: string[][] = [];
  let row: string[] = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n") { row.push(cell); records.push(row); row = []; cell = ""; }
    else if (ch !== "\r") cell += ch;
  }
  if (cell.length || row.length) { row.push(cell); records.push(row); }
  const [head, ...body] = records;
  if (!head) return [];
  const value = (v: string): string | number => (v === "NaN" ? NaN : v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v);
  return body.map((r) => Object.fromEntries(head.map((h, k) => [h, value(r[k] ?? "")])));
}
