/**
 * `npx ganrl reproduce <study> [options]` (also `npm run reproduce -- <study> …`; without a
 * study name the study is `gail`, so `npm run reproduce -- --protocol v1` works as before):
 *
 *   npx ganrl reproduce gail --protocol quick       the main job (`npm start`)
 *   npx ganrl reproduce gail --protocol v1          the modern table (CartPole-v1, Acrobot-v1)
 *   npx ganrl reproduce gail --protocol paper       the paper-faithful table (CartPole-v0, Acrobot-v0)
 *   npx ganrl reproduce gail --protocol ablation    the stabiliser ablation
 *   npx ganrl reproduce irl --seeds 3               inverse RL: reward correlations and transfer
 *   npx ganrl reproduce worldmodel --seeds 3        GAN vs MLE world models
 *   ... --shard 0/4 --workers 2                     one quarter of the runs, two processes at a time
 *   ... --slurm /shared/jobs --out /shared/res      a Slurm job array of the sweep (--submit submits it)
 *   ... --tables-only                               run nothing: rebuild the tables, list missing runs
 *
 * Every study goes through `runStudy` (lib/experiments/study.ts): options checked before anything
 * runs, runs stored in `<out>/runs/<study>/…--<identity>.json` (resumable, mergeable), tables
 * rebuilt from every stored run and never shrunk silently.
 *
 * Exit codes: 0 done; 2 bad input (an unknown study, option or value, a value out of range, a
 * stray argument, a table that would shrink) — nothing runs and nothing is written; 1 a run
 * failed or a bug (finished runs are kept), or `--tables-only` found planned runs without a result
 * (the tables of the others are written); 130 interrupted (Ctrl-C or SIGTERM: finished runs are
 * kept; run the same command to resume).
 */
import * as os from "os";
import * as path from "path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { initBackend, describeBackend, currentBackend, GanrlError, parseIntegerText, repoRoot } from "../lib/core";
import { parseShard, SweepInterrupted, canonicalJson, runIdentity } from "../lib/experiments";
import { runStudy, studyOutDir, labelSlug, MissingRuns, Study, StudyOption } from "../lib/experiments/study";
import { STUDIES } from "../lib/experiments/studies";
import { writeSlurmJob, submitSlurmJob, taskMinutes, shellWord, SLURM_DEFAULT_MEM_MB, SLURM_DEFAULT_RUN_S, SLURM_TABLES_MINUTES, SLURM_TASK_OVERHEAD_S } from "../lib/experiments/slurm";

/** Wraps a study parser for commander (its errors become usage errors that name the option). */
function commanderParser(o: StudyOption): (text: string, previous: unknown) => unknown {
  return (text: string, previous: unknown) => {
    try {
      return o.parse!(text, previous);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  };
}

const COMMON: StudyOption[] = [
  { flags: "--workers <n>", help: `parallel worker processes, 1–256 (default: CPU cores, ${os.cpus().length} here)`, parse: (t) => parseIntegerText(t, "--workers", 1, 256) },
  { flags: "--shard <i/n>", help: "run only shard i of n (e.g. 0/4) so several machines share a sweep", parse: (t) => parseShard(t) },
  { flags: "--out <dir>", help: "results folder: tables here, runs in <dir>/runs/<study>/ (default data/results; runs/scratch for non-default budgets)" },
  { flags: "--force", help: "re-run runs whose results exist" },
  { flags: "--replace-tables", help: "write the tables even when they have fewer rows than the existing ones" },
  { flags: "--tables-only", help: "run nothing: rebuild the tables from the runs stored in --out, list the planned runs without a result in <out>/<study>-…-missing.txt (exit 1 if any)" },
  { flags: "--remove-superseded", help: "with --tables-only: delete the stored files of this invocation's runs that were made with other parameters (older code, data or budget; no table reads them) instead of listing them in <out>/<study>-…-superseded.txt" },
  { flags: "--runs-only", help: "run the runs, write no tables (what each Slurm array task does; the final job writes them)" },
  {
    flags: "--slurm <dir>",
    help:
      "run nothing: write a Slurm job array of this sweep into <dir> (relative to the checkout): <name>-array.sbatch (task i runs --shard i/n --workers 1 --runs-only), " +
      "<name>-tables.sbatch (--tables-only, after the whole array: afterany) and <name>-submit.sh; the checkout and --out must be on storage the nodes share",
  },
  { flags: "--submit", help: "with --slurm: submit the array and the tables job (sbatch --parsable) and print their job ids" },
  { flags: "--slurm-tasks <n>", help: "with --slurm: array tasks (shards), 1 to the number of runs (default: one task per run)", parse: (t) => parseIntegerText(t, "--slurm-tasks", 1, 1_000_000) },
  { flags: "--slurm-parallel <k>", help: "with --slurm: at most k tasks at once (--array=0-(n-1)%k; default n)", parse: (t) => parseIntegerText(t, "--slurm-parallel", 1, 1_000_000) },
  { flags: "--slurm-mem <MB>", help: `with --slurm: memory per task, MB (default ${SLURM_DEFAULT_MEM_MB}; one GAIL run peaked at 275 MB resident)`, parse: (t) => parseIntegerText(t, "--slurm-mem", 256, 10_000_000) },
  {
    flags: "--slurm-time <minutes>",
    help:
      `with --slurm: time limit per task (default: estimated from the budget: the slowest task's runs by the study's per-run estimate — GAIL 120 s + steps/500, BC 300 s, IRL 3600 s (quick 600), ` +
      `others ${SLURM_DEFAULT_RUN_S} s — plus ${SLURM_TASK_OVERHEAD_S / 60} minutes of start-up)`,
    parse: (t) => parseIntegerText(t, "--slurm-time", 1, 525_600),
  },
  { flags: "--slurm-partition <name>", help: "with --slurm: the partition (#SBATCH --partition)" },
  {
    flags: "--slurm-sbatch <option>",
    help: "with --slurm: an extra #SBATCH option for both jobs, e.g. --account=abc or --qos=long (repeatable)",
    parse: (t, previous) => {
      if (!/^--?[A-Za-z]/.test(t) || /[\n\r]/.test(t)) throw new GanrlError(`--slurm-sbatch takes one sbatch option such as --account=abc, got ${JSON.stringify(t)}`);
      return [...((previous as string[] | undefined) ?? []), t];
    },
  },
];

/** Options that only make sense with --slurm. */
const SLURM_ONLY = ["submit", "slurmTasks", "slurmParallel", "slurmMem", "slurmTime", "slurmPartition", "slurmSbatch"];

/** Refuses combinations of the common options that cannot mean what they say (before anything runs). */
function checkCombinations(opts: Record<string, unknown>): void {
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (opts.slurm === undefined) {
    const stray = SLURM_ONLY.find((k) => opts[k] !== undefined);
    if (stray) throw new GanrlError(`${flag(stray)} needs --slurm <dir>`);
    return;
  }
  for (const k of ["shard", "workers", "tablesOnly", "runsOnly", "force", "removeSuperseded"]) {
    if (opts[k] !== undefined) {
      const why = k === "force" ? "every requeued task would re-run its finished runs; delete <out>/runs/<study>/ instead" : "the generated scripts choose it";
      throw new GanrlError(`--slurm writes scripts and cannot take ${flag(k)} (${why})`);
    }
  }
}

/** The study's own options as command-line words (what the array tasks and the tables job are given). */
function studyArgs(study: Study, opts: Record<string, unknown>): string[] {
  const words: string[] = [];
  for (const o of study.options) {
    const opt = new Option(o.flags);
    const v = opts[opt.attributeName()];
    if (v === undefined || v === false) continue;
    if (v === true) words.push(opt.long!);
    else words.push(opt.long!, Array.isArray(v) ? v.join(",") : String(v));
  }
  return words;
}

/** Parses a study's own options as `reproduce <study>` would (to check what the jobs will plan). */
async function parseStudyArgs(study: Study, words: string[]): Promise<Record<string, unknown>> {
  let got: Record<string, unknown> = {};
  await studyCommand(study, async (_s, o) => {
    got = o;
  }, "").parseAsync(words, { from: "user" });
  return got;
}

/** `--slurm <dir>`: writes (and with --submit submits) the job array of the sweep. */
async function slurmOne(study: Study, opts: Record<string, unknown>, line: string): Promise<void> {
  const plans = study.plan(opts);
  const runs = plans.map((p) => p.run);
  const smallest = Math.min(...runs.map((r) => r.length));
  if (plans.length === 0 || smallest === 0) throw new GanrlError(`reproduce ${study.name}: the options select no runs`);
  const args = studyArgs(study, opts);
  // critical: the tasks re-plan from these words; they must get exactly these runs
  const key = (ps: typeof plans) => canonicalJson(ps.map((p) => p.run.map((s) => `${s.id}--${runIdentity(s.params)}`)));
  if (key(study.plan(await parseStudyArgs(study, args))) !== key(plans)) throw new Error(`the options ${args.join(" ")} do not plan the same runs when parsed again`);
  const outs = [...new Set(plans.map((p) => studyOutDir(p, opts.out as string | undefined)))];
  if (outs.length !== 1) throw new GanrlError(`--slurm: the plans of this invocation go to different folders (${outs.join(", ")}); pass --out`);
  const tasks = (opts.slurmTasks as number | undefined) ?? smallest;
  if (tasks > smallest) throw new GanrlError(`--slurm-tasks ${tasks}: the smallest plan has ${smallest} runs, so some tasks would hold none; use at most ${smallest}`);
  const given = opts.slurmTime as number | undefined;
  const minutes = given ?? taskMinutes(runs, tasks, study.runSeconds ?? (() => SLURM_DEFAULT_RUN_S));
  const backend = currentBackend()?.name;
  const labels = plans.map((p) => labelSlug(p.label)).filter(Boolean);
  const name = ["ganrl", study.name, ...labels].join("-");
  const scriptDir = path.resolve(repoRoot, opts.slurm as string);
  const total = runs.reduce((a, r) => a + r.length, 0);
  const files = writeSlurmJob({
    name,
    study: study.name,
    args,
    outDir: outs[0],
    repoDir: repoRoot,
    scriptDir,
    tasks,
    parallel: Math.min((opts.slurmParallel as number | undefined) ?? tasks, tasks),
    memMb: (opts.slurmMem as number | undefined) ?? SLURM_DEFAULT_MEM_MB,
    taskMinutes: minutes,
    tablesMinutes: SLURM_TABLES_MINUTES,
    timeNote: given
      ? `--slurm-time ${given}`
      : `estimated from the budget: the slowest task's runs by the ${study.name} study's per-run estimate${study.runSeconds ? "" : ` (none: ${SLURM_DEFAULT_RUN_S} s a run)`}, plus ${SLURM_TASK_OVERHEAD_S / 60} minutes of start-up`,
    runs: total,
    partition: opts.slurmPartition as string | undefined,
    sbatch: opts.slurmSbatch as string[] | undefined,
    env: backend ? { GANRL_BACKEND: backend } : {},
    replaceTables: opts.replaceTables === true,
    command: line,
  });
  const rel = (f: string) => path.relative(process.cwd(), f) || ".";
  console.log(`${study.name}: ${total} runs as a job array of ${tasks} tasks (at most ${Math.min((opts.slurmParallel as number | undefined) ?? tasks, tasks)} at once), ${minutes} minutes each; results in ${outs[0]}`);
  console.log(`wrote ${rel(files.array)}, ${rel(files.tables)}, ${rel(files.submit)} (logs in ${rel(files.logs)})`);
  if (opts.submit === true) {
    const ids = submitSlurmJob(files);
    console.log(`submitted: array job ${ids.arrayJob} (${tasks} tasks), tables job ${ids.tablesJob} (after all of them)`);
  } else console.log(`submit with: bash ${shellWord(rel(files.submit))}`);
}

function studyCommand(study: Study, run: (study: Study, opts: Record<string, unknown>, line: string) => Promise<void>, line: string): Command {
  const cmd = new Command(study.name).description(study.summary).exitOverride().allowExcessArguments(false);
  cmd.configureOutput({ outputError: (str, write) => write(`ganrl reproduce ${study.name}: ${str.trim().replace(/\n+/g, " ")} (see --help)\n`) });
  for (const o of [...study.options, ...COMMON]) {
    if (o.parse) cmd.option(o.flags, o.help, commanderParser(o));
    else cmd.option(o.flags, o.help);
  }
  cmd.addHelpText(
    "after",
    `\nExamples:\n${study.examples.map((e) => `  ${e}`).join("\n")}\n` +
      `  npx ganrl reproduce ${study.name} --slurm /shared/jobs --out /shared/results --submit   # a Slurm job array, then the tables\n` +
      `  npx ganrl reproduce ${study.name} --out /shared/results --tables-only                   # tables from the stored runs (merged shards)\n` +
      `\nExit codes: 0 done, 2 bad input (nothing runs), 1 a failed run, missing runs (--tables-only) or a bug, 130 interrupted (finished runs kept; re-run to resume).`,
  );
  cmd.action(async (opts: Record<string, unknown>) => run(study, opts, line));
  return cmd;
}

async function runOne(study: Study, opts: Record<string, unknown>, line: string): Promise<void> {
  checkCombinations(opts);
  console.log(describeBackend(await initBackend({ quiet: true })));
  if (opts.slurm !== undefined) return slurmOne(study, opts, line);
  const tty = process.stdout.isTTY === true;
  const bar = new SingleBar({ format: "  {bar} {value}/{total} runs | {percentage}% | ETA {eta_formatted} | {last}", hideCursor: true }, Presets.shades_classic);
  let started = false;
  const t0 = Date.now();
  try {
    await runStudy(study, opts, {
      workers: opts.workers as number | undefined,
      shard: opts.shard as ReturnType<typeof parseShard> | undefined,
      out: opts.out as string | undefined,
      force: opts.force === true,
      replaceTables: opts.replaceTables === true,
      tablesOnly: opts.tablesOnly === true,
      runsOnly: opts.runsOnly === true,
      removeSuperseded: opts.removeSuperseded === true,
      command: line,
      log: (l) => {
        if (started) bar.stop();
        started = false;
        console.log(l);
      },
      onProgress: (e) => {
        if (e.kind === "rejected") {
          console.log(`  rejected a stored result: ${e.error}`);
          return;
        }
        if (!started && tty) {
          bar.start(e.total, e.done, { last: "" });
          started = true;
        }
        let last: string;
        if (e.kind === "done") last = `${e.id} (${(e.seconds ?? 0).toFixed(0)} s)`;
        else if (e.kind === "fail") last = `${e.id} FAILED: ${e.error}`;
        else return;
        if (tty) bar.update(e.done, { last });
        else console.log(`  [${e.done}/${e.total}, ${((Date.now() - t0) / 1000).toFixed(0)} s] ${last}`);
      },
    });
  } finally {
    if (started) bar.stop();
  }
}

/** Runs `reproduce` on `args` (without node and the script); resolves to the exit code. */
export async function reproduceMain(args: string[], run = runOne): Promise<number> {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const line = ["npx", "ganrl", "reproduce", ...args.map(quote)].join(" ");
  const [first, ...rest] = args;
  const names = Object.keys(STUDIES);
  let study: Study;
  let studyArgs: string[];
  if (first !== undefined && names.includes(first)) {
    study = STUDIES[first];
    studyArgs = rest;
  } else if (first === undefined || first.startsWith("-")) {
    if (first === "--help" || first === "-h") {
      console.log(`Usage: npx ganrl reproduce <study> [options]\n\nStudies:\n${names.map((n) => `  ${n.padEnd(11)} ${STUDIES[n].summary}`).join("\n")}\n\nWithout a study name the study is gail. Options of a study: npx ganrl reproduce <study> --help`);
      return 0;
    }
    study = STUDIES.gail;
    studyArgs = args;
  } else {
    process.stderr.write(`ganrl reproduce: unknown study ${JSON.stringify(first)}; valid studies: ${names.join(", ")}\n`);
    return 2;
  }
  try {
    await studyCommand(study, run, line).parseAsync(studyArgs, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof MissingRuns) {
      process.stderr.write(`ganrl reproduce ${study.name}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof SweepInterrupted) {
      process.stderr.write(`ganrl reproduce: ${e.message}\n`);
      return 130;
    }
    if (e instanceof GanrlError) {
      process.stderr.write(`ganrl reproduce ${study.name}: error: ${e.message}\n`);
      // a run that failed is not bad input: the command was fine, the run was not
      return /run\(s\) failed/.test(e.message) ? 1 : 2;
    }
    process.stderr.write(`ganrl reproduce: unexpected failure (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

/** Back-compatible entry (`npm start` prepends `--protocol quick`). */
export async function main(argv = process.argv): Promise<void> {
  process.exitCode = await reproduceMain(argv.slice(2));
}

if (require.main === module) {
  reproduceMain(process.argv.slice(2)).then((code) => process.exit(code));
}
