/**
 * A study's sweep as a Slurm job array (`npx ganrl reproduce <study> … --slurm <dir>`).
 *
 * Three files are written into the script folder:
 *
 * - `<name>-array.sbatch`: `--array=0-(n-1)%k`, one CPU, memory and a time limit per task; task
 *   i runs `npx ganrl reproduce <study> <options> --out <abs> --shard $SLURM_ARRAY_TASK_ID/n
 *   --workers 1 --runs-only`. A task skips the runs that already have a result, so a requeued or
 *   resubmitted task runs only what is missing; it writes no tables (tasks finishing together
 *   would race on them);
 * - `<name>-tables.sbatch`: `… --out <abs> --tables-only`, submitted with
 *   `--dependency=afterany:<array job>`: it runs once every task has ended, whether or not each
 *   succeeded, rebuilds the tables from the stored runs, writes `<study>…-missing.txt` naming the
 *   runs without a result, and fails (exit 1) when there are any — so a failed task cannot leave
 *   a table that silently lacks its runs, and the tables still show what finished;
 * - `<name>-submit.sh`: submits the two with `sbatch --parsable` (what `--submit` does).
 *
 * Every path in them is absolute: the checkout (`--chdir`) and the results folder must be on
 * storage the compute nodes share. The TF.js backend chosen when the scripts were written is
 * pinned (`GANRL_BACKEND`): it is part of every run's identity, so the tasks and the tables job
 * must plan the same runs.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { GanrlError, writeFileAtomic } from "../core";
import { RunSpec, shardRuns } from "./sweep";

/** Everything the generated scripts say. */
export interface SlurmJob {
  /** Job name (`ganrl-<study>-…`), also the stem of the script files. */
  name: string;
  /** The study (`reproduce <study>`). */
  study: string;
  /** The study's own options as command-line words (no --out, --shard, --workers). */
  args: string[];
  /** Absolute results folder (`--out`), on shared storage. */
  outDir: string;
  /** Absolute checkout the jobs run in (`--chdir`), on shared storage. */
  repoDir: string;
  /** Absolute folder of the scripts (logs go to `<scriptDir>/logs/`). */
  scriptDir: string;
  /** Array size n: task i runs shard i/n. */
  tasks: number;
  /** At most this many tasks at once (`%k`). */
  parallel: number;
  /** Memory per task and for the tables job, MB. */
  memMb: number;
  /** Time limit per array task, minutes. */
  taskMinutes: number;
  /** Time limit of the tables job, minutes. */
  tablesMinutes: number;
  /** How `taskMinutes` was chosen (a comment in the script). */
  timeNote: string;
  /** Runs planned (a comment in the script). */
  runs: number;
  partition?: string;
  /** Extra `#SBATCH` options, e.g. `--account=abc`. */
  sbatch?: string[];
  /** Environment exported by both jobs (the pinned backend). */
  env: Record<string, string>;
  /** Pass `--replace-tables` to the tables job. */
  replaceTables?: boolean;
  /** The command that wrote the scripts (a comment). */
  command: string;
  /** How the jobs call ganrl (default `npx ganrl`). */
  launcher?: string;
}

/** Files written by `writeSlurmJob`. */
export interface SlurmFiles {
  array: string;
  tables: string;
  submit: string;
  logs: string;
}

/** Default memory per task (MB): about 7× the 275 MB peak resident size measured for one GAIL run's process. */
export const SLURM_DEFAULT_MEM_MB = 2048;
/** Start-up allowance per task (npx, tsx, the TF.js backend, planning), seconds. */
export const SLURM_TASK_OVERHEAD_S = 600;
/** Time limit of the tables job, minutes (it reads the stored runs and measures the random and expert references). */
export const SLURM_TABLES_MINUTES = 60;
/** Per-run estimate when a study has none, seconds. */
export const SLURM_DEFAULT_RUN_S = 3600;

/** Quotes a word for bash when it needs it. */
export function shellWord(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** `D-HH:MM:00` for a number of minutes (Slurm's `--time`). */
export function slurmTime(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new GanrlError(`a Slurm time limit must be a whole number of minutes ≥ 1, got ${minutes}`);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const two = (x: number) => String(x).padStart(2, "0");
  return `${d}-${two(h)}:${two(m)}:00`;
}

/**
 * Minutes for the slowest array task: for each task i, the estimated seconds of the runs of
 * shard i/n of every plan (`runSeconds` per run), plus `SLURM_TASK_OVERHEAD_S`; rounded up.
 */
export function taskMinutes(plans: RunSpec[][], tasks: number, runSeconds: (spec: RunSpec) => number): number {
  let worst = 0;
  for (let i = 0; i < tasks; i++) {
    let s = 0;
    for (const run of plans) for (const spec of shardRuns(run, { index: i, count: tasks })) s += runSeconds(spec);
    worst = Math.max(worst, s);
  }
  return Math.ceil((worst + SLURM_TASK_OVERHEAD_S) / 60);
}

function header(job: SlurmJob, what: string, lines: string[]): string[] {
  const common = [
    "#SBATCH --ntasks=1",
    "#SBATCH --cpus-per-task=1",
    `#SBATCH --mem=${job.memMb}M`,
    `#SBATCH --chdir=${job.repoDir}`,
    ...(job.partition ? [`#SBATCH --partition=${job.partition}`] : []),
    ...(job.sbatch ?? []).map((o) => `#SBATCH ${o}`),
  ];
  return ["#!/bin/bash", `# ${what}`, `# Written by: ${job.command}`, ...lines, ...common];
}

function body(job: SlurmJob, args: string[]): string[] {
  const launcher = job.launcher ?? "npx ganrl";
  return [
    "set -euo pipefail",
    ...Object.entries(job.env).map(([k, v]) => `export ${k}=${shellWord(v)}`),
    `exec ${launcher} reproduce ${job.study} ${[...job.args, "--out", job.outDir].map(shellWord).join(" ")} ${args.join(" ")}`,
    "",
  ];
}

/** The texts of the array script, the tables script and the submit script. */
export function slurmScripts(job: SlurmJob): { array: string; tables: string; submit: string } {
  for (const [what, p] of [["results folder", job.outDir], ["checkout", job.repoDir], ["script folder", job.scriptDir]] as const) {
    if (!path.isAbsolute(p)) throw new GanrlError(`the Slurm scripts need an absolute ${what} (on storage the nodes share), got ${p}`);
  }
  if (!Number.isInteger(job.tasks) || job.tasks < 1) throw new GanrlError(`--slurm-tasks must be ≥ 1, got ${job.tasks}`);
  const logs = path.join(job.scriptDir, "logs");
  const array = [
    ...header(job, `ganrl reproduce ${job.study}: ${job.runs} runs as a Slurm job array of ${job.tasks} tasks; task i runs shard i/${job.tasks}.`, [
      "# A task skips runs that already have a result: a requeued or resubmitted task runs only what is missing",
      `# (all of them: sbatch ${job.name}-array.sbatch; some: sbatch --array=3,7 ${job.name}-array.sbatch).`,
      `# --time: ${job.timeNote}`,
      `#SBATCH --job-name=${job.name}`,
      `#SBATCH --array=0-${job.tasks - 1}%${job.parallel}`,
      `#SBATCH --time=${slurmTime(job.taskMinutes)}`,
      `#SBATCH --output=${logs}/%x-%A_%a.out`,
      "#SBATCH --open-mode=append",
      "#SBATCH --requeue",
    ]),
    ...body(job, [`--shard "\${SLURM_ARRAY_TASK_ID}/${job.tasks}"`, "--workers", "1", "--runs-only"]),
  ].join("\n");
  const tables = [
    ...header(job, `ganrl reproduce ${job.study}: rebuilds the tables from the stored runs once the array has ended (submitted with --dependency=afterany:<array job>).`, [
      "# It lists the runs without a result in the results folder (…-missing.txt) and exits 1 when there are any.",
      `#SBATCH --job-name=${job.name}-tables`,
      `#SBATCH --time=${slurmTime(job.tablesMinutes)}`,
      `#SBATCH --output=${logs}/%x-%j.out`,
    ]),
    ...body(job, ["--tables-only", ...(job.replaceTables ? ["--replace-tables"] : [])]),
  ].join("\n");
  const submit = [
    "#!/bin/bash",
    `# Submits ${job.name}: the array, then the tables job after all its tasks (afterany: it also runs when a task failed, and lists what is missing).`,
    "set -euo pipefail",
    `array=$(sbatch --parsable ${shellWord(path.join(job.scriptDir, `${job.name}-array.sbatch`))})`,
    "array=${array%%;*}",
    `tables=$(sbatch --parsable --dependency=afterany:$array ${shellWord(path.join(job.scriptDir, `${job.name}-tables.sbatch`))})`,
    "tables=${tables%%;*}",
    `echo "array job $array (${job.tasks} tasks), tables job $tables"`,
    "",
  ].join("\n");
  return { array, tables, submit };
}

/** Writes the three scripts (atomically) and creates the logs folder. */
export function writeSlurmJob(job: SlurmJob): SlurmFiles {
  const texts = slurmScripts(job);
  const files: SlurmFiles = {
    array: path.join(job.scriptDir, `${job.name}-array.sbatch`),
    tables: path.join(job.scriptDir, `${job.name}-tables.sbatch`),
    submit: path.join(job.scriptDir, `${job.name}-submit.sh`),
    logs: path.join(job.scriptDir, "logs"),
  };
  fs.mkdirSync(files.logs, { recursive: true });
  writeFileAtomic(files.array, texts.array);
  writeFileAtomic(files.tables, texts.tables);
  writeFileAtomic(files.submit, texts.submit);
  fs.chmodSync(files.submit, 0o755);
  return files;
}

function sbatch(args: string[], sbatchBin: string): string {
  let out: string;
  try {
    out = execFileSync(sbatchBin, ["--parsable", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") throw new GanrlError(`--submit: ${sbatchBin} not found; run on a Slurm login node, or submit later with the written -submit.sh`);
    throw new GanrlError(`--submit: sbatch ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim()}`);
  }
  const m = /^(\d+)(?:;\S*)?\s*$/.exec(out.trim());
  if (!m) throw new GanrlError(`--submit: sbatch --parsable printed ${JSON.stringify(out.trim())}, not a job id`);
  return m[1];
}

/** Submits the array, then the tables job with `--dependency=afterany:<array>`; returns the job ids. */
export function submitSlurmJob(files: SlurmFiles, sbatchBin = "sbatch"): { arrayJob: string; tablesJob: string } {
  const arrayJob = sbatch([files.array], sbatchBin);
  const tablesJob = sbatch([`--dependency=afterany:${arrayJob}`, files.tables], sbatchBin);
  return { arrayJob, tablesJob };
}
