/**
 * The GAIL reproduction from the terminal.
 *
 *   npm start                                   the main job: the quick protocol (GAIL and BC on
 *                                               CartPole-v1, 1 and 4 trajectories, 3 seeds)
 *   npm run reproduce -- --protocol v1          the modern table (CartPole-v1, Acrobot-v1)
 *   npm run reproduce -- --protocol paper       the paper-faithful table (CartPole-v0, Acrobot-v0)
 *   npm run reproduce -- --protocol ablation    the stabiliser ablation (gradient penalty, D steps, entropy)
 *   npm run reproduce -- --full                 v1, paper and ablation
 *   ... --shard 0/4 --workers 2                 one quarter of the runs, two processes at a time
 *   ... --envs Acrobot-v0 --steps 150000        one environment's runs, with its own GAIL budget
 *
 * Runs are stored in data/results/runs/<protocol>/<env>/<algo>/traj<n>/seed<k>.json; a run whose result exists is skipped,
 * so an interrupted sweep resumes, and shards from several machines merge by copying their
 * runs/ folders together. Tables go to data/results/gail-table-<protocol>.csv and the report
 * to data/results/gail-report-<protocol>.html.
 */
import * as path from "path";
import * as os from "os";
import { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { initBackend, describeBackend, repoRoot, writeFileAtomic, GanrlError, checkPositiveInt } from "../lib/core";
import { runSweep, parseShard, readResults, toCsv, StoredResult } from "../lib/experiments";
import { protocolSpecs, buildTable, buildAblationTable, buildAblationCurves, referenceReturns, TABLE_COLUMNS, ABLATION_COLUMNS, ABLATION_CURVE_COLUMNS, Protocol, GailRunParams, Reference } from "../lib/experiments/gail";
import { reportHtml } from "../lib/experiments/report";
import { tableText } from "../lib/viz/table";

const PROTOCOLS: Protocol[] = ["quick", "v1", "paper", "ablation"];

interface Args {
  protocol: string;
  full?: boolean;
  workers: string;
  shard?: string;
  seeds?: string;
  steps?: string;
  sizes?: string;
  envs?: string;
  out: string;
  force?: boolean;
}

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  checkPositiveInt(n, name);
  return n;
}

async function reproduce(protocol: Protocol, a: Args): Promise<void> {
  const outDir = path.resolve(repoRoot, a.out);
  const sizes = a.sizes?.split(",").map((x) => positive(x.trim(), "--sizes") as number);
  const allSpecs = protocolSpecs(protocol, { seeds: positive(a.seeds, "--seeds"), steps: positive(a.steps, "--steps"), sizes });
  const known = [...new Set(allSpecs.map((s) => String(s.params.envId)))];
  const envs = a.envs?.split(",").map((x) => x.trim());
  for (const e of envs ?? []) if (!known.includes(e)) throw new GanrlError(`--envs: '${e}' is not in the ${protocol} protocol; its environments are ${known.join(", ")}`);
  const specs = envs ? allSpecs.filter((s) => envs.includes(String(s.params.envId))) : allSpecs;
  const shard = a.shard ? parseShard(a.shard) : undefined;
  const workers = positive(a.workers, "--workers") ?? os.cpus().length;
  const runsDir = outDir;
  console.log(`\n${protocol}: ${specs.length} runs${shard ? ` (shard ${shard.index}/${shard.count})` : ""}, ${workers} worker process(es); results in ${path.relative(repoRoot, runsDir)}/runs`);
  // Without a terminal (CI, logs), cli-progress stays silent: print one line per finished run instead.
  const tty = process.stdout.isTTY === true;
  const bar = new SingleBar({ format: "  {bar} {value}/{total} runs | {percentage}% | ETA {eta_formatted} | {last}", hideCursor: true }, Presets.shades_classic);
  let last = "";
  let started = false;
  const t0 = Date.now();
  try {
    await runSweep(specs, {
      task: { module: path.join(__dirname, "..", "lib", "experiments", "gail.ts"), fn: "runGail" },
      outDir: runsDir,
      workers,
      shard,
      force: a.force,
      onProgress: (e) => {
        if (!started && tty) {
          bar.start(e.total, e.done, { last: "" });
          started = true;
        }
        if (e.kind === "done") {
          const r = readResults(runsDir).get(e.id);
          const mean = (r?.result as { meanReturn?: number } | undefined)?.meanReturn;
          last = `${e.id} → ${mean !== undefined ? mean.toFixed(1) : "?"} (${(e.seconds ?? 0).toFixed(0)} s)`;
        } else if (e.kind === "fail") {
          last = `${e.id} FAILED: ${e.error}`;
        } else return;
        if (tty) bar.update(e.done, { last });
        else console.log(`  [${e.done}/${e.total}, ${((Date.now() - t0) / 1000).toFixed(0)} s] ${last}`);
      },
    });
  } finally {
    if (started) bar.stop();
  }
  // the table covers every stored run of the protocol (other shards' and other --envs invocations' too)
  const ids = new Set(allSpecs.map((s) => s.id));
  const all = [...readResults(runsDir).values()].filter((r) => ids.has(r.id));
  if (all.length < allSpecs.length) console.log(`  ${all.length} of ${allSpecs.length} runs have results (other shards or environments may still be running); the table covers those.`);
  writeTables(protocol, all, outDir, (Date.now() - t0) / 1000, allSpecs.length);
}

function writeTables(protocol: Protocol, results: StoredResult[], outDir: string, seconds: number, planned: number): void {
  const envs = [...new Set(results.map((r) => (r.params as GailRunParams).envId))];
  const refs: Record<string, Reference> = {};
  for (const env of envs) refs[env] = referenceReturns(env);
  if (protocol === "ablation") {
    const ab = buildAblationTable(results, refs);
    const file = path.join(outDir, "gail-ablation.csv");
    writeFileAtomic(file, toCsv(ab, ABLATION_COLUMNS));
    writeFileAtomic(path.join(outDir, "gail-ablation-curves.csv"), toCsv(buildAblationCurves(results, refs), ABLATION_CURVE_COLUMNS));
    console.log("\n" + tableText(ab, { caption: "Stabiliser ablation (GAIL, 1 trajectory; normalised: random 0, expert 1)", digits: 3 }));
    console.log(`\nwrote ${path.relative(repoRoot, file)} and gail-ablation-curves.csv beside it`);
    return;
  }
  const rows = buildTable(results, refs);
  const csvFile = path.join(outDir, `gail-table-${protocol}.csv`);
  writeFileAtomic(csvFile, toCsv(rows, TABLE_COLUMNS));
  console.log("\n" + tableText(rows, { caption: `GAIL and BC, ${protocol} protocol (mean ± std over pooled evaluation episodes)`, digits: 4 }));
  const command = protocol === "quick" ? "npm start" : `npm run reproduce -- --protocol ${protocol}`;
  const intro =
    `Protocol <b>${protocol}</b>: ${results.length} of ${planned} planned runs. Command: <code>${command}</code>. ` +
    `This invocation took ${seconds.toFixed(0)} s on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "cpu"}). ` +
    `Environments ${envs.join(", ")}; random and expert references measured as in <code>lib/experiments/gail.ts</code>.`;
  const htmlFile = path.join(outDir, `gail-report-${protocol}.html`);
  writeFileAtomic(htmlFile, reportHtml({ title: `ganrl: GAIL reproduction (${protocol})`, intro, rows, results, refs }));
  console.log(`\nwrote ${path.relative(repoRoot, csvFile)} and ${path.relative(repoRoot, htmlFile)} (open it in a browser; it works offline)`);
}

export async function main(argv = process.argv): Promise<void> {
  const program = new Command()
    .name("reproduce")
    .description("Reproduce the GAIL paper's classic-control table (GAIL vs behavioural cloning) and write tables and an HTML report.")
    .option("--protocol <name>", `which table: ${PROTOCOLS.join(", ")}`, "quick")
    .option("--full", "run the v1, paper and ablation protocols")
    .option("--workers <n>", "parallel worker processes (default: CPU cores)", String(os.cpus().length))
    .option("--shard <i/n>", "run only shard i of n (e.g. 0/4) so several machines share a sweep")
    .option("--seeds <n>", "seeds per cell (default: 3 quick, 5 v1, 7 paper)")
    .option("--steps <n>", "GAIL environment steps per run (default: the preset's)")
    .option("--sizes <list>", "dataset sizes to run, e.g. 1,4 (default: the protocol's; the paper's are 1,4,7,10)")
    .option("--envs <list>", "environments to run, e.g. Acrobot-v0 (default: the protocol's); the table still covers every stored run")
    .option("--out <dir>", "results folder", "data/results")
    .option("--force", "re-run runs whose results exist")
    .parse(argv);
  const a = program.opts<Args>();
  const protocols: Protocol[] = a.full ? ["v1", "paper", "ablation"] : [a.protocol as Protocol];
  for (const p of protocols) {
    if (!PROTOCOLS.includes(p)) throw new GanrlError(`unknown protocol '${p}'; valid: ${PROTOCOLS.join(", ")}`);
  }
  console.log(describeBackend(await initBackend({ quiet: true })));
  for (const p of protocols) await reproduce(p, a);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof GanrlError ? `error: ${e.message}` : e);
    process.exit(e instanceof GanrlError ? 2 : 1);
  });
}
