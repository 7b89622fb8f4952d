/**
 * Sweeps: many independent runs (algorithm × environment × dataset size × seed), executed in
 * parallel worker processes (one run per process at a time, one process per core by default),
 * split across machines with shards, and resumable.
 *
 * Every run has a readable `id` (e.g. `v1/CartPole-v1/GAIL/traj1/seed0`) and an *identity*: the
 * SHA-256 of its parameters in canonical JSON (`runIdentity`). Its result is written atomically
 * to `<outDir>/runs/<id>--<identity[0:12]>.json` when it finishes, with the parameters, host,
 * start and end time and versions inside. A sweep skips a run only when that exact file exists
 * and checks out (`loadStored`: its id, its parameters and their hash all match its path), so
 * a run with another budget or preset is never taken for this one, and a file copied in from
 * elsewhere cannot shadow a run. An interrupted sweep continues where it stopped; shards run on
 * several machines merge by copying their `runs/` folders together. `--shard i/n` keeps the runs
 * whose position in the (sorted) list is i modulo n.
 *
 * A run is executed by a *task*: a module path and an exported async function
 * `(spec: RunSpec) => Promise<RunResult>` that the worker process loads by `require`. Workers
 * exit when their parent goes (even after `kill -9`); Ctrl-C stops the sweep (finished runs
 * are kept) with `SweepInterrupted`.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { createHash } from "crypto";
import { execFileSync, fork, ChildProcess } from "child_process";
import { GanrlError, describe, writeJsonAtomic, repoRoot, checkPositiveInt } from "../core";

/** One run of a sweep. `params` must be JSON and hold everything that changes the result. */
export interface RunSpec {
  /** Stable, unique, path-safe id (letters, digits, `-_.=/`). */
  id: string;
  params: Record<string, unknown>;
}

/** What a task returns: JSON metrics of the finished run. */
export type RunResult = Record<string, unknown>;

/** The stored-run format's name (inside every run file). */
export const RUN_FORMAT = "ganrl-run/2";

/** A stored result: the spec, its identity, the task's result, timing and provenance. */
export interface StoredResult {
  format?: string;
  id: string;
  /** SHA-256 (hex) of the canonical JSON of `params` (`runIdentity`). */
  identity?: string;
  params: Record<string, unknown>;
  result: RunResult;
  seconds: number;
  startedAt?: string;
  finishedAt: string;
  host?: string;
  versions?: Record<string, string | null>;
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
  /** Folder for `runs/<id>--<hash>.json`. */
  outDir: string;
  /** Parallel worker processes (default: number of CPU cores). */
  workers?: number;
  /** Run only this shard of the runs. */
  shard?: Shard;
  /** Re-run runs whose result exists (default false: skip them). */
  force?: boolean;
  /** Called when a run starts or finishes (for progress bars and logs), and for each stored file rejected. */
  onProgress?: (event: { kind: "start" | "done" | "fail" | "rejected"; id: string; done: number; total: number; seconds?: number; error?: string }) => void;
  /** Extra environment variables for the workers. */
  env?: Record<string, string>;
}

/** Thrown by `runSweep` when Ctrl-C (SIGINT) or SIGTERM stopped it; finished runs are saved. */
export class SweepInterrupted extends GanrlError {
  constructor(readonly signal: string, readonly finished: number, readonly total: number) {
    super(`interrupted by ${signal}: ${finished} of ${total} runs have results (saved); run the same command again to resume`);
    this.name = "SweepInterrupted";
  }
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

/** JSON with object keys sorted at every level (the input of `runIdentity`). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new GanrlError(`run parameters must be finite JSON numbers, got ${value}`);
  return JSON.stringify(value);
}

/** A run's identity: SHA-256 (hex) of the canonical JSON of its parameters. */
export function runIdentity(params: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(params)).digest("hex");
}

/** Length of the identity prefix in run file names. */
const HASH_CHARS = 12;

/** `<outDir>/runs/<id>--<identity prefix>.json`: the one file a run's result may live in. */
export function resultFile(outDir: string, spec: RunSpec): string {
  return path.join(outDir, "runs", `${spec.id}--${runIdentity(spec.params).slice(0, HASH_CHARS)}.json`);
}

/**
 * Checks a stored result against the path it was read from: the id and identity prefix in the
 * file name must be those of the parameters stored inside, and the stored identity must be their
 * hash. Returns the reason it is rejected, or null when it checks out.
 */
export function checkStored(file: string, runsRoot: string, r: unknown): string | null {
  const rel = path.relative(runsRoot, file).split(path.sep).join("/");
  const m = /^(.*)--([0-9a-f]+)\.json$/.exec(rel);
  if (!m) return "its file name has no identity (<id>--<hash>.json); it was written by an older ganrl or by hand";
  if (!r || typeof r !== "object") return "it is not a JSON object";
  const s = r as StoredResult;
  if (typeof s.id !== "string" || !s.params || typeof s.params !== "object" || !s.result || typeof s.result !== "object") return "it lacks id, params or result";
  if (s.id !== m[1]) return `it holds run ${describe(s.id)}, not ${describe(m[1])}`;
  let identity: string;
  try {
    identity = runIdentity(s.params);
  } catch (e) {
    return (e as Error).message;
  }
  if (!identity.startsWith(m[2]) || m[2].length !== HASH_CHARS) return "its parameters do not hash to the identity in its file name (edited, or copied from another run)";
  if (s.identity !== undefined && s.identity !== identity) return "its stored identity is not the hash of its parameters";
  return null;
}

/** The stored result of `spec` under `outDir`, if one exists and checks out (see `checkStored`). */
export function loadStored(outDir: string, spec: RunSpec): { result?: StoredResult; rejected?: string } {
  const file = resultFile(outDir, spec);
  if (!fs.existsSync(file)) return {};
  let r: unknown;
  try {
    r = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return { rejected: `${file}: not valid JSON (${(e as Error).message})` };
  }
  const why = checkStored(file, path.join(outDir, "runs"), r);
  if (why) return { rejected: `${file}: ${why}` };
  if (canonicalJson((r as StoredResult).params) !== canonicalJson(spec.params)) return { rejected: `${file}: its parameters differ from the run's` };
  return { result: r as StoredResult };
}

/**
 * Every stored result under `<outDir>/runs` (from any shard) that checks out, keyed by
 * `<id>--<identity prefix>`; files that do not check out are listed in `rejected` with the reason.
 */
export function readResults(outDir: string, rejected?: string[]): Map<string, StoredResult> {
  const out = new Map<string, StoredResult>();
  const root = path.join(outDir, "runs");
  if (!fs.existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json")) {
        let r: unknown;
        try {
          r = JSON.parse(fs.readFileSync(p, "utf8"));
        } catch {
          rejected?.push(`${p}: not valid JSON`);
          continue;
        }
        const why = checkStored(p, root, r);
        if (why) rejected?.push(`${p}: ${why}`);
        else out.set(path.relative(root, p).split(path.sep).join("/").replace(/\.json$/, ""), r as StoredResult);
      }
    }
  };
  walk(root);
  return out;
}

/**
 * Stored files of the runs `specs` names that their current parameters no longer hash to: the
 * same run id under another identity (`<id>--<other hash>.json`), written by older code, data or
 * budgets. No table reads them (`loadStored` looks only at the current identity); `keep` names
 * files another plan still uses, which are never listed.
 */
export function supersededFiles(specs: RunSpec[], outDir: string, keep: Set<string> = new Set()): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    const current = resultFile(outDir, spec);
    const dir = path.dirname(current);
    if (!fs.existsSync(dir)) continue;
    const prefix = `${path.basename(spec.id)}--`;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.json$/.test(name.slice(prefix.length))) continue;
      if (file === current || keep.has(file) || seen.has(file)) continue;
      seen.add(file);
      out.push(file);
    }
  }
  return out.sort();
}

/** The stored results of `specs` under `outDir` (those that exist and check out), in the order of `specs`. */
export function storedResults(specs: RunSpec[], outDir: string): StoredResult[] {
  return specs.map((s) => loadStored(outDir, s).result).filter((r): r is StoredResult => r !== undefined);
}

function checkSpecs(specs: RunSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (typeof s.id !== "string" || !ID_RE.test(s.id) || s.id.includes("..") || s.id.includes("--") || s.id.startsWith("/")) {
      throw new GanrlError(`run id ${describe(s.id)} is not path-safe; use letters, digits and -_.=/ (no '..', '--' or leading '/')`);
    }
    if (seen.has(s.id)) throw new GanrlError(`run id ${s.id} appears twice in the sweep`);
    seen.add(s.id);
    runIdentity(s.params);
  }
}

let cachedVersions: Record<string, string | null> | undefined;

/** Versions recorded in every run file: ganrl, its git commit (when run from a checkout), Node.js, TF.js. */
export function runVersions(): Record<string, string | null> {
  if (cachedVersions) return cachedVersions;
  const pkg = (file: string): string | null => {
    try {
      return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version ?? null;
    } catch {
      return null;
    }
  };
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || null;
  } catch {
    /* not a git checkout */
  }
  let tfjs: string | null = null;
  try {
    tfjs = pkg(require.resolve("@tensorflow/tfjs/package.json"));
  } catch {
    /* not installed */
  }
  cachedVersions = { ganrl: pkg(path.join(repoRoot, "package.json")), commit, node: process.version, tfjs };
  return cachedVersions;
}

interface WorkerMessage {
  type: "done" | "fail";
  id: string;
  result?: RunResult;
  error?: string;
  seconds: number;
  backend?: string | null;
}

/**
 * Runs the sweep and returns the results of all its runs (those found on disk and those run
 * now). A failed run is reported through `onProgress` and leaves no result file; the sweep
 * continues with the others and throws at the end, naming the failures. A sweep of no runs, or
 * a bad worker count, is an error before anything starts.
 */
export async function runSweep(specs: RunSpec[], opts: SweepOptions): Promise<StoredResult[]> {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new GanrlError("the sweep has no runs: check the options that select environments, dataset sizes and seeds");
  }
  checkSpecs(specs);
  if (opts.workers !== undefined) checkPositiveInt(opts.workers, "workers (parallel worker processes)");
  const mine = shardRuns(specs, opts.shard);
  if (mine.length === 0) throw new GanrlError(`shard ${opts.shard?.index}/${opts.shard?.count} holds none of the ${specs.length} runs; use fewer shards`);
  const existing = new Map<string, StoredResult>();
  for (const s of mine) {
    if (opts.force) continue;
    const { result, rejected } = loadStored(opts.outDir, s);
    if (result) existing.set(s.id, result);
    else if (rejected) {
      // keep the evidence beside the run, out of the way of the fresh result
      const file = resultFile(opts.outDir, s);
      const aside = `${file}.rejected-${Date.now()}`;
      fs.renameSync(file, aside);
      opts.onProgress?.({ kind: "rejected", id: s.id, done: 0, total: mine.length, error: `${rejected} (moved to ${path.basename(aside)}; the run will be re-run)` });
    }
  }
  const todo = mine.filter((s) => !existing.has(s.id));
  const total = mine.length;
  let done = total - todo.length;
  const failures: string[] = [];
  const workers = Math.max(1, Math.min(opts.workers ?? os.cpus().length, todo.length || 1));

  const workerFile = path.join(__dirname, `worker${path.extname(__filename)}`);
  const execArgv = workerFile.endsWith(".ts") ? ["--require", require.resolve("tsx/cjs")] : [];
  const host = os.hostname();
  const versions = runVersions();

  const children = new Set<ChildProcess>();
  let interrupted: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    for (const c of children) c.kill("SIGTERM");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let next = 0;
  const runOne = (spec: RunSpec): Promise<void> =>
    new Promise((resolve) => {
      opts.onProgress?.({ kind: "start", id: spec.id, done, total });
      const startedAt = new Date().toISOString();
      const child = fork(workerFile, [], { execArgv, env: { ...process.env, ...opts.env }, stdio: ["ignore", "ignore", "pipe", "ipc"] });
      children.add(child);
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      let settled = false;
      const finish = (msg: WorkerMessage) => {
        if (settled) return;
        settled = true;
        children.delete(child);
        if (msg.type === "done") {
          const stored: StoredResult = {
            format: RUN_FORMAT,
            id: spec.id,
            identity: runIdentity(spec.params),
            params: spec.params,
            result: msg.result ?? {},
            seconds: msg.seconds,
            startedAt,
            finishedAt: new Date().toISOString(),
            host,
            versions: { ...versions, backend: msg.backend ?? null },
          };
          writeJsonAtomic(resultFile(opts.outDir, spec), stored);
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
      // critical: "close", not "exit": a worker sends its result and exits at once, and under load
      // "exit" can arrive before the message, which then reported a failing run as "worker exited
      // with code 1" without its error; "close" comes after the IPC channel and stderr are drained
      child.on("close", (code, signal) => {
        const how = signal ? `worker killed by ${signal}` : `worker exited with code ${code}`;
        finish({ type: "fail", id: spec.id, error: `${how}${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`, seconds: 0 });
      });
      child.send({ task: opts.task, spec });
    });

  try {
    const lanes = Array.from({ length: workers }, async () => {
      while (next < todo.length && interrupted === null) {
        const spec = todo[next++];
        await runOne(spec);
      }
    });
    await Promise.all(lanes);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (interrupted !== null) throw new SweepInterrupted(interrupted, done, total);
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
  return parseCsv(fs.readFileSync(file, "utf8"));
}

/** `readCsv` on text. */
export function parseCsv(text: string): Record<string, string | number>[] {
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
