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
 *
 * Every study goes through `runStudy` (lib/experiments/study.ts): options checked before anything
 * runs, runs stored in `<out>/runs/<study>/…--<identity>.json` (resumable, mergeable), tables
 * rebuilt from every stored run and never shrunk silently.
 *
 * Exit codes: 0 done; 2 bad input (an unknown study, option or value, a value out of range, a
 * stray argument, a table that would shrink) — nothing runs and nothing is written; 1 a run
 * failed or a bug (finished runs are kept); 130 interrupted (Ctrl-C or SIGTERM: finished runs are
 * kept; run the same command to resume).
 */
import * as os from "os";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { initBackend, describeBackend, GanrlError, parseIntegerText } from "../lib/core";
import { parseShard, SweepInterrupted } from "../lib/experiments";
import { runStudy, Study, StudyOption } from "../lib/experiments/study";
import { STUDIES } from "../lib/experiments/studies";

/** Wraps a study parser for commander (its errors become usage errors that name the option). */
function commanderParser(o: StudyOption): (text: string) => unknown {
  return (text: string) => {
    try {
      return o.parse!(text);
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
];

function studyCommand(study: Study, run: (study: Study, opts: Record<string, unknown>, line: string) => Promise<void>, line: string): Command {
  const cmd = new Command(study.name).description(study.summary).exitOverride().allowExcessArguments(false);
  cmd.configureOutput({ outputError: (str, write) => write(`ganrl reproduce ${study.name}: ${str.trim().replace(/\n+/g, " ")} (see --help)\n`) });
  for (const o of [...study.options, ...COMMON]) {
    if (o.parse) cmd.option(o.flags, o.help, commanderParser(o));
    else cmd.option(o.flags, o.help);
  }
  cmd.addHelpText("after", `\nExamples:\n${study.examples.map((e) => `  ${e}`).join("\n")}\n\nExit codes: 0 done, 2 bad input (nothing runs), 1 a failed run or a bug, 130 interrupted (finished runs kept; re-run to resume).`);
  cmd.action(async (opts: Record<string, unknown>) => run(study, opts, line));
  return cmd;
}

async function runOne(study: Study, opts: Record<string, unknown>, line: string): Promise<void> {
  console.log(describeBackend(await initBackend({ quiet: true })));
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
