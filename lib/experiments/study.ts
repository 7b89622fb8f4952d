/**
 * Studies: what `npx ganrl reproduce <study>` runs. A study names its options (each parsed and
 * range-checked before anything runs), plans its runs, names the sweep task that executes one
 * run, and builds its tables from stored results. `runStudy` is the one loop every study shares:
 *
 *   1. plan the runs (`Study.plan`) — a plan with no runs is an error;
 *   2. run the missing ones in worker processes (`runSweep`: sharded, resumable, each result in
 *      `<out>/runs/<study>/…--<identity>.json`);
 *   3. rebuild the tables from every stored run the plan covers (other shards' and other
 *      `--envs` invocations' too), and write each one atomically — but never replace a table by
 *      one with fewer rows unless asked to (`--replace-tables`), so a partial sweep cannot
 *      shrink a committed table.
 *
 * Runs whose budgets are not the study's defaults go to a scratch folder (`runs/scratch/`, not
 * committed) unless `--out` says otherwise, so a small test sweep never writes over
 * `data/results/*.csv`.
 *
 * `--runs-only` stops after step 2 (a Slurm array task: the tables are the final job's);
 * `--tables-only` skips step 2: it runs nothing, rebuilds the tables from the stored runs,
 * writes `<out>/<study>[-<plan>]-missing.txt` naming every run of the invocation that has no
 * result (or removes that file when none is missing), and ends with `MissingRuns` (exit 1) when
 * some are missing — after writing the tables of those that are there. It also lists, in
 * `<out>/<study>[-<plan>]-superseded.txt`, the stored files of the invocation's runs that were
 * made with other parameters (the same run id under an older identity: changed code, data or
 * budget), which no table reads; `--remove-superseded` deletes them instead.
 */
import * as fs from "fs";
import * as path from "path";
import { GanrlError, repoRoot, writeFileAtomic } from "../core";
import { runSweep, storedResults, loadStored, resultFile, supersededFiles, RunSpec, StoredResult, TaskRef, Shard, SweepOptions } from "./sweep";
import { readCsv, parseCsv } from "./sweep";

/** One option of a study, as commander spells it. */
export interface StudyOption {
  /** e.g. `--seeds <n>` (a value) or `--quick` (a switch). */
  flags: string;
  help: string;
  /** Parses and range-checks the text (options with a value; `previous` is the value so far, for repeatable options); throws `GanrlError` naming the option. */
  parse?: (text: string, previous?: unknown) => unknown;
}

/** One group of runs and the tables built from it. */
export interface StudyPlan {
  /** Short name for the log (e.g. the protocol). */
  label: string;
  /** The runs this invocation executes (after `--envs`, `--parts`, …). */
  run: RunSpec[];
  /** The runs its tables cover (all environments of the protocol, …). */
  cover: RunSpec[];
  /** Whether every budget is the study's default (only then may it write into `data/results`). */
  defaults: boolean;
}

/** A table a study writes: CSV (or other text) relative to the results folder. */
export interface TableOut {
  file: string;
  text: string;
  /** Data rows (the shrink guard compares them with the file's). */
  rows: number;
  /**
   * Columns that name a row (e.g. env, algo, trajectories). When given, the guard also refuses a
   * table that drops a row the existing file has (a partial sweep must not replace a whole table
   * even when it has as many rows, e.g. one environment with control rows for two without).
   */
  keyColumns?: string[];
  /** Printed after writing (a text rendering of the table). */
  print?: string;
}

export interface Study {
  name: string;
  summary: string;
  /** Command lines shown by `--help`. */
  examples: string[];
  options: StudyOption[];
  task: TaskRef;
  /** Plans the runs from the parsed options (camelCase keys of the flags). */
  plan(opts: Record<string, unknown>): StudyPlan[];
  /** The tables of a plan from its stored results. */
  tables(results: StoredResult[], plan: StudyPlan, ctx: { outDir: string; seconds: number; command: string }): TableOut[];
  /** Environment variables for the workers (e.g. the backend the parent chose). */
  workerEnv?(): Record<string, string>;
  /** A generous estimate of one run's wall time on one core, seconds (cluster time limits; see `slurm.ts`). */
  runSeconds?(spec: RunSpec): number;
}

/** Options every study takes. */
export interface CommonStudyOptions {
  workers?: number;
  shard?: Shard;
  /** Results folder (tables; runs under `<out>/runs/<study>/`). Default: data/results, or runs/scratch for non-default budgets. */
  out?: string;
  force?: boolean;
  replaceTables?: boolean;
  /** Run nothing: rebuild the tables from the stored runs and report the missing ones (`MissingRuns`). */
  tablesOnly?: boolean;
  /** Run the runs, write no tables (a Slurm array task). */
  runsOnly?: boolean;
  /** With `tablesOnly`: delete the superseded files of the invocation's runs (`supersededFiles`) instead of listing them. */
  removeSuperseded?: boolean;
  onProgress?: SweepOptions["onProgress"];
  log?: (line: string) => void;
  /** The command as typed (written into reports). */
  command?: string;
}

/** Where a plan's results go. */
export function studyOutDir(plan: StudyPlan, out?: string): string {
  if (out !== undefined) return path.resolve(repoRoot, out);
  return plan.defaults ? path.join(repoRoot, "data", "results") : path.join(repoRoot, "runs", "scratch");
}

/** Rows of an existing CSV table (none when absent or unreadable). */
function existingRows(file: string): Record<string, string | number>[] {
  if (!fs.existsSync(file) || !file.endsWith(".csv")) return [];
  try {
    return readCsv(file);
  } catch {
    return [];
  }
}

/** The key of a row: its key columns' values, joined. */
function rowKey(row: Record<string, string | number>, keys: string[]): string {
  return keys.map((k) => String(row[k] ?? "")).join(" / ");
}

/**
 * Writes a table atomically unless that would replace an existing table by one with fewer rows,
 * or (with `keyColumns`) by one that lacks a row the existing one has; then a `GanrlError` names
 * the counts or the dropped rows and the fix. An empty table is never written.
 */
export function writeTableGuarded(file: string, t: TableOut, opts: { replace?: boolean; missing: number; planned: number }): void {
  if (t.rows === 0) throw new GanrlError(`no stored run covers ${path.relative(repoRoot, file)}; nothing was written`);
  const before = existingRows(file);
  const fix =
    `${opts.missing} of the ${opts.planned} runs it covers have no result in this results folder (other shards or environments, a fresh clone, or another budget). ` +
    `Run them (the same command without --envs/--shard), write elsewhere with --out, or pass --replace-tables to accept the smaller table`;
  if (!opts.replace && t.rows < before.length) {
    throw new GanrlError(`refusing to replace ${path.relative(repoRoot, file)} (${before.length} rows) with a table of ${t.rows} rows: ${fix}`);
  }
  if (!opts.replace && t.keyColumns && before.length > 0) {
    const keys = t.keyColumns;
    const now = new Set(parseCsv(t.text).map((r) => rowKey(r, keys)));
    const dropped = before.map((r) => rowKey(r, keys)).filter((k) => !now.has(k));
    if (dropped.length > 0) {
      const shown = dropped.slice(0, 4).join("; ") + (dropped.length > 4 ? `; … (${dropped.length} in all)` : "");
      throw new GanrlError(`refusing to replace ${path.relative(repoRoot, file)}: the new table has no row for ${shown} (${keys.join(", ")}). ${fix}`);
    }
  }
  writeFileAtomic(file, t.text);
}

/** Thrown by `--tables-only` when runs of the invocation have no result (the tables of the others are written). */
export class MissingRuns extends GanrlError {
  constructor(readonly missing: number, readonly planned: number, readonly files: string[]) {
    super(
      `${missing} of the ${planned} planned runs have no result (listed in ${files.map((f) => path.relative(repoRoot, f)).join(", ")}); ` +
        "the tables show the others. Run the same command without --tables-only, or resubmit the Slurm array, to run only the missing ones",
    );
    this.name = "MissingRuns";
  }
}

/** A plan label as a name part: lower-case letters, digits and dashes (`--protocol v1` → `protocol-v1`). */
export function labelSlug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** `<outDir>/<study>[-<plan label>]-missing.txt`: the runs of a plan that `--tables-only` found without a result. */
export function missingRunsFile(study: string, plan: StudyPlan, outDir: string): string {
  const label = labelSlug(plan.label);
  return path.join(outDir, `${study}${label ? `-${label}` : ""}-missing.txt`);
}

/** `<outDir>/<study>[-<plan label>]-superseded.txt`: stored files of a plan's runs made with other parameters (`supersededFiles`). */
export function supersededRunsFile(study: string, plan: StudyPlan, outDir: string): string {
  return missingRunsFile(study, plan, outDir).replace(/-missing\.txt$/, "-superseded.txt");
}

/**
 * Lists (or, with `remove`, deletes) the superseded files of a plan's runs; removes a stale list
 * when there are none. Returns how many there were.
 */
function reportSuperseded(study: string, plan: StudyPlan, outDir: string, keep: Set<string>, remove: boolean, command: string, log: (l: string) => void): number {
  const file = supersededRunsFile(study, plan, outDir);
  const files = supersededFiles(plan.run, outDir, keep);
  const runs = path.join(outDir, "runs");
  if (files.length === 0 || remove) {
    fs.rmSync(file, { force: true });
    for (const f of files) fs.rmSync(f);
    if (files.length > 0) log(`  removed ${files.length} superseded run files (the same run ids under parameters that are no longer the current ones)`);
    return files.length;
  }
  const head = `# ${files.length} stored files of the runs planned by \`${command}\` were made with other parameters (older code, data or budget) and are read by no table; --tables-only --remove-superseded deletes them`;
  writeFileAtomic(file, [head, ...files.map((f) => path.relative(runs, f)), ""].join("\n"));
  log(`  ${files.length} stored run files are superseded (the same run ids under other parameters; no table reads them): listed in ${path.relative(repoRoot, file)}; --remove-superseded deletes them`);
  return files.length;
}

/** Writes (or, when none is missing, removes) the missing-runs list of a plan; returns the missing count. */
function reportMissing(file: string, plan: StudyPlan, outDir: string, command: string): number {
  const lines: string[] = [];
  for (const spec of plan.run) {
    const { result, rejected } = loadStored(outDir, spec);
    if (!result) lines.push(`${path.relative(path.join(outDir, "runs"), resultFile(outDir, spec))}  ${rejected ? `rejected: ${rejected}` : "no result"}`);
  }
  if (lines.length === 0) {
    fs.rmSync(file, { force: true });
    return 0;
  }
  const head = `# ${lines.length} of the ${plan.run.length} runs planned by \`${command}\` have no result in ${path.join(outDir, "runs")}`;
  writeFileAtomic(file, [head, ...lines, ""].join("\n"));
  return lines.length;
}

/** Runs a study: plan, sweep, tables (see the module doc). Returns the stored results of each plan. */
export async function runStudy(study: Study, opts: Record<string, unknown>, common: CommonStudyOptions = {}): Promise<{ plan: StudyPlan; outDir: string; results: StoredResult[] }[]> {
  const log = common.log ?? ((l: string) => console.log(l));
  const plans = study.plan(opts);
  if (plans.length === 0 || plans.every((p) => p.run.length === 0)) throw new GanrlError(`reproduce ${study.name}: the options select no runs`);
  if (common.tablesOnly && common.runsOnly) throw new GanrlError("--tables-only and --runs-only exclude each other (one runs nothing, the other writes no tables)");
  if (common.tablesOnly && (common.force || common.shard)) throw new GanrlError(`--tables-only runs nothing; drop ${common.force ? "--force" : "--shard"}`);
  if (common.removeSuperseded && !common.tablesOnly) throw new GanrlError("--remove-superseded needs --tables-only (it cleans a results folder while nothing runs)");
  const command = common.command ?? `npx ganrl reproduce ${study.name}`;
  const out: { plan: StudyPlan; outDir: string; results: StoredResult[] }[] = [];
  const missingFiles: string[] = [];
  let missingRuns = 0;
  let plannedRuns = 0;
  // files any plan of this invocation reads: never superseded, even where run ids coincide
  const keep = new Set(plans.flatMap((p) => [...p.run, ...p.cover].map((s) => resultFile(studyOutDir(p, common.out), s))));
  for (const plan of plans) {
    if (plan.run.length === 0) throw new GanrlError(`reproduce ${study.name} (${plan.label}): the options select no runs`);
    const outDir = studyOutDir(plan, common.out);
    log(`\n${study.name} ${plan.label}: ${plan.run.length} runs${common.shard ? ` (shard ${common.shard.index}/${common.shard.count})` : ""}${common.tablesOnly ? " (--tables-only: none is run)" : ""}; results in ${path.relative(repoRoot, outDir) || "."}${plan.defaults || common.out ? "" : " (non-default budget: scratch folder; pass --out to choose)"}`);
    const t0 = Date.now();
    if (!common.tablesOnly) {
      let ranNow = 0;
      const ran = await runSweep(plan.run, {
        task: study.task,
        outDir,
        workers: common.workers,
        shard: common.shard,
        force: common.force,
        onProgress: (e) => {
          if (e.kind === "done") ranNow++;
          common.onProgress?.(e);
        },
        env: study.workerEnv?.(),
      });
      if (common.runsOnly) {
        log(`  ${ran.length} runs have results: ${ranNow} run now, ${ran.length - ranNow} found stored (--runs-only: no tables written)`);
        out.push({ plan, outDir, results: ran });
        continue;
      }
    } else {
      const file = missingRunsFile(study.name, plan, outDir);
      const n = reportMissing(file, plan, outDir, command);
      plannedRuns += plan.run.length;
      if (n > 0) {
        missingRuns += n;
        missingFiles.push(file);
        log(`  ${n} of the ${plan.run.length} planned runs have no result: listed in ${path.relative(repoRoot, file)}`);
      } else log(`  all ${plan.run.length} planned runs have results`);
      reportSuperseded(study.name, plan, outDir, keep, common.removeSuperseded === true, command, log);
    }
    const results = storedResults(plan.cover, outDir);
    const missing = plan.cover.length - results.length;
    if (missing > 0 && !common.tablesOnly) log(`  ${results.length} of the ${plan.cover.length} runs the tables cover have results here (${missing} missing: other shards or environments); the tables show those.`);
    for (const t of study.tables(results, plan, { outDir, seconds: (Date.now() - t0) / 1000, command })) {
      const file = path.join(outDir, t.file);
      writeTableGuarded(file, t, { replace: common.replaceTables, missing, planned: plan.cover.length });
      if (t.print) log("\n" + t.print);
      log(`wrote ${path.relative(repoRoot, file)} (${t.rows} rows)`);
    }
    out.push({ plan, outDir, results });
  }
  if (missingRuns > 0) throw new MissingRuns(missingRuns, plannedRuns, missingFiles);
  return out;
}
