/**
 * Sweeps on Slurm without Slurm: the job array `reproduce <study> --slurm` writes (array size,
 * shard arguments, resources, the dependent tables job), `--submit` against a stand-in sbatch,
 * the options it refuses, and `--tables-only` / `--runs-only` on a results folder with missing
 * runs. The real cluster is `npm run test:slurm` (scripts/test-slurm.sh).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toCsv, readCsv, readResults, RunSpec, resultFile, runStudy, Study, MissingRuns, missingRunsFile, taskMinutes, slurmTime, SLURM_TASK_OVERHEAD_S } from "../../lib/experiments";
import { gailStudy } from "../../lib/experiments/studies";
import { reproduceMain } from "../../bin/reproduce";
import { repoRoot } from "../../lib/core";

const task = { module: path.join(__dirname, "fixture-task.ts"), fn: "square" };

/** Runs `reproduce` in-process; returns the exit code and what it printed. */
async function reproduce(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await reproduceMain(args);
    return { code, out: out.join("\n"), err: err.join("") };
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

const tmp = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `ganrl-${what}-`));
const SWEEP = ["gail", "--protocol", "quick", "--seeds", "2", "--sizes", "1,4", "--steps", "3000"];
const NAME = "ganrl-gail-protocol-quick";

test("--slurm writes a job array: one task per run, shard $SLURM_ARRAY_TASK_ID/n, 1 CPU, memory, time from the budget, a tables job after it", async () => {
  const dir = tmp("slurm");
  const out = tmp("slurm-out");
  const r = await reproduce([...SWEEP, "--slurm", dir, "--out", out, "--slurm-parallel", "3", "--slurm-mem", "1500", "--slurm-partition", "short", "--slurm-sbatch", "--account=abc", "--slurm-sbatch", "--qos=long"]);
  assert.equal(r.code, 0, r.err);
  const array = fs.readFileSync(path.join(dir, `${NAME}-array.sbatch`), "utf8");
  const tables = fs.readFileSync(path.join(dir, `${NAME}-tables.sbatch`), "utf8");
  const submit = fs.readFileSync(path.join(dir, `${NAME}-submit.sh`), "utf8");
  // 2 environments × 2 sizes × 2 seeds × (BC, GAIL, control-const) = 24 runs, one task each, at most 3 at once
  assert.match(array, /^#SBATCH --array=0-23%3$/m);
  for (const line of ["--ntasks=1", "--cpus-per-task=1", "--mem=1500M", "--partition=short", "--account=abc", "--qos=long", `--chdir=${repoRoot}`, "--requeue", `--output=${dir}/logs/%x-%A_%a.out`]) {
    assert.ok(array.split("\n").includes(`#SBATCH ${line}`), `array script lacks #SBATCH ${line}`);
  }
  // the slowest task holds one BC run (300 s) + start-up: 15 minutes
  assert.match(array, /^#SBATCH --time=0-00:15:00$/m);
  assert.match(array, /^export GANRL_BACKEND=\w+$/m);
  const exec = array.split("\n").find((l) => l.startsWith("exec "));
  assert.equal(exec, `exec npx ganrl reproduce gail --protocol quick --seeds 2 --steps 3000 --sizes 1,4 --out ${out} --shard "\${SLURM_ARRAY_TASK_ID}/24" --workers 1 --runs-only`);
  // every #SBATCH line comes before the first command (sbatch stops reading at it)
  const lines = array.split("\n");
  assert.ok(lines.findIndex((l) => l.startsWith("set ")) > Math.max(...lines.map((l, i) => (l.startsWith("#SBATCH") ? i : -1))));
  assert.ok(tables.split("\n").includes(`exec npx ganrl reproduce gail --protocol quick --seeds 2 --steps 3000 --sizes 1,4 --out ${out} --tables-only`));
  assert.doesNotMatch(tables, /--array|--shard/);
  assert.match(tables, /^#SBATCH --mem=1500M$/m);
  assert.match(submit, /sbatch --parsable --dependency=afterany:\$array .*-tables\.sbatch/);
  assert.ok(fs.statSync(path.join(dir, "logs")).isDirectory());
  assert.match(r.out, /24 runs as a job array of 24 tasks/);
  assert.equal(fs.readdirSync(out).length, 0, "--slurm ran something");
});

test("--slurm-tasks groups runs per task and the time limit follows the slowest task's budget; --slurm-time overrides it", async () => {
  const runs = gailStudy.plan({ protocol: "quick", seeds: 2, sizes: [1, 4], steps: 3000 })[0].run;
  // sorted ids: per environment BC×4, GAIL×4, control-const×4; shard 0/3 holds BC, BC, GAIL, control of each: 2 × (300 + 300 + 2 × (120 + 3000/500)) s
  assert.equal(taskMinutes([runs], 3, gailStudy.runSeconds!), Math.ceil((1704 + SLURM_TASK_OVERHEAD_S) / 60));
  // the limit is the slowest task's, whichever it is: shard 1/2 holds b and d (600 s each)
  const abcd: RunSpec[] = ["a", "b", "c", "d"].map((id) => ({ id, params: {} }));
  assert.equal(taskMinutes([abcd], 2, (s) => (s.id === "b" || s.id === "d" ? 600 : 60)), Math.ceil((1200 + SLURM_TASK_OVERHEAD_S) / 60));
  assert.equal(slurmTime(23), "0-00:23:00");
  assert.equal(slurmTime(1441 + 120), "1-02:01:00");
  const dir = tmp("slurm");
  const r = await reproduce([...SWEEP, "--slurm", dir, "--out", tmp("slurm-out"), "--slurm-tasks", "3"]);
  assert.equal(r.code, 0, r.err);
  const array = fs.readFileSync(path.join(dir, `${NAME}-array.sbatch`), "utf8");
  assert.match(array, /^#SBATCH --array=0-2%3$/m);
  assert.match(array, /^#SBATCH --time=0-00:39:00$/m); // ceil((1704 + overhead) / 60), as above
  assert.match(array, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/3"/);
  const r2 = await reproduce([...SWEEP, "--slurm", dir, "--out", tmp("slurm-out"), "--slurm-time", "90"]);
  assert.equal(r2.code, 0, r2.err);
  assert.match(fs.readFileSync(path.join(dir, `${NAME}-array.sbatch`), "utf8"), /^#SBATCH --time=0-01:30:00$/m);
});

test("--submit submits the array, then the tables job with --dependency=afterany:<array id>, and prints both ids", async () => {
  const bin = tmp("fake-sbatch");
  const calls = path.join(bin, "calls");
  fs.writeFileSync(path.join(bin, "sbatch"), `#!/bin/sh\necho "$@" >> ${calls}\nn=$(wc -l < ${calls})\necho "$((4240 + n));testcluster"\n`, { mode: 0o755 });
  const dir = tmp("slurm");
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    const r = await reproduce([...SWEEP, "--slurm", dir, "--out", tmp("slurm-out"), "--submit"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /submitted: array job 4241 \(24 tasks\), tables job 4242/);
  } finally {
    process.env.PATH = saved;
  }
  assert.deepEqual(fs.readFileSync(calls, "utf8").trim().split("\n"), [
    `--parsable ${path.join(dir, `${NAME}-array.sbatch`)}`,
    `--parsable --dependency=afterany:4241 ${path.join(dir, `${NAME}-tables.sbatch`)}`,
  ]);
});

test("--slurm refuses options the scripts choose, and the --slurm-* options need --slurm (exit 2, nothing written)", async () => {
  const dir = path.join(tmp("slurm"), "jobs");
  for (const [extra, why] of [
    [["--slurm", dir, "--shard", "0/2"], /cannot take --shard/],
    [["--slurm", dir, "--workers", "2"], /cannot take --workers/],
    [["--slurm", dir, "--force"], /cannot take --force .*re-run its finished runs/],
    [["--slurm", dir, "--tables-only"], /cannot take --tables-only/],
    [["--slurm", dir, "--slurm-tasks", "25"], /--slurm-tasks 25: the smallest plan has 24 runs/],
    [["--submit"], /--submit needs --slurm/],
    [["--slurm-mem", "4000"], /--slurm-mem needs --slurm/],
    [["--slurm", dir, "--slurm-sbatch", "account=abc"], /--slurm-sbatch takes one sbatch option/],
  ] as [string[], RegExp][]) {
    const r = await reproduce([...SWEEP, ...extra]);
    assert.equal(r.code, 2, `${extra.join(" ")}: exit ${r.code}`);
    assert.match(r.err, why);
  }
  assert.ok(!fs.existsSync(dir), "a refused --slurm wrote scripts");
});

/** A tiny study on the fixture task: 3 runs, one table row per stored run. */
function squares(): Study {
  const cover: RunSpec[] = [1, 2, 3].map((x) => ({ id: `sq/x${x}`, params: { x } }));
  return {
    name: "sq",
    summary: "squares",
    examples: [],
    options: [],
    task,
    plan: () => [{ label: "", cover, run: cover, defaults: false }],
    tables: (results) => [{ file: "sq.csv", text: toCsv(results.map((r) => ({ x: r.params.x, y: r.result.y }))), rows: results.length }],
  };
}

test("--runs-only writes runs and no table; --tables-only runs nothing, writes the tables of what is there and lists the missing runs (MissingRuns)", async () => {
  const study = squares();
  const outDir = tmp("tables-only");
  const quiet = { log: () => undefined, out: outDir };
  const shard = (i: number) => ({ index: i, count: 2 });
  await runStudy(study, {}, { ...quiet, runsOnly: true, shard: shard(0) });
  assert.equal(readResults(outDir).size, 2);
  assert.ok(!fs.existsSync(path.join(outDir, "sq.csv")), "--runs-only wrote a table");
  const missingFile = missingRunsFile("sq", study.plan({})[0], outDir);
  assert.equal(missingFile, path.join(outDir, "sq-missing.txt"));

  // shard 1 (x2) has not run; a damaged x3 is listed with the reason, and left where it is
  const x3 = resultFile(outDir, study.plan({})[0].run[2]);
  fs.writeFileSync(x3, "{ not json");
  const err = await runStudy(study, {}, { ...quiet, tablesOnly: true }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof MissingRuns, `expected MissingRuns, got ${err}`);
  assert.equal(err.missing, 2);
  assert.match(err.message, /2 of the 3 planned runs have no result .*sq-missing\.txt/);
  const listed = fs.readFileSync(missingFile, "utf8").trim().split("\n");
  assert.match(listed[0], /^# 2 of the 3 runs planned by/);
  assert.match(listed[1], /^sq\/x2--[0-9a-f]{12}\.json {2}no result$/);
  assert.match(listed[2], /^sq\/x3--[0-9a-f]{12}\.json {2}rejected: .*not valid JSON/);
  assert.equal(fs.readFileSync(x3, "utf8"), "{ not json", "--tables-only touched a stored run");
  assert.deepEqual(readCsv(path.join(outDir, "sq.csv")).map((r) => r.y), [1]);
  assert.equal(readResults(outDir).size, 1, "--tables-only ran something");

  // the missing runs run (the damaged one is set aside and re-run); the list goes away
  const said: string[] = [];
  await runStudy(study, {}, { ...quiet, runsOnly: true, shard: shard(1) });
  await runStudy(study, {}, { ...quiet, log: (l) => void said.push(l), runsOnly: true, shard: shard(0) });
  assert.ok(said.some((l) => /2 runs have results: 1 run now, 1 found stored/.test(l)), said.join("\n"));
  await runStudy(study, {}, { ...quiet, tablesOnly: true });
  assert.deepEqual(readCsv(path.join(outDir, "sq.csv")).map((r) => r.y), [1, 4, 9]);
  assert.ok(!fs.existsSync(missingFile), "the missing-runs list outlived the missing runs");
  await assert.rejects(runStudy(study, {}, { ...quiet, tablesOnly: true, force: true }), /--tables-only runs nothing; drop --force/);
  await assert.rejects(runStudy(study, {}, { ...quiet, tablesOnly: true, runsOnly: true }), /exclude each other/);
});

test("--tables-only lists the stored files of its runs made with other parameters (superseded), and --remove-superseded deletes only those", async () => {
  const study = squares();
  const outDir = tmp("superseded");
  const quiet = { log: () => undefined, out: outDir };
  await runStudy(study, {}, { ...quiet, runsOnly: true });
  const [x1, x2, x3] = study.plan({})[0].run;
  const old1 = resultFile(outDir, x1);
  // the same study after a change of x1's parameters (new code, data or budget): x1's file is superseded
  const changed = { ...x1, params: { x: 1, budget: 2 } };
  const v2: Study = { ...study, plan: () => [{ label: "", cover: [changed, x2, x3], run: [changed, x2, x3], defaults: false }] };
  // a run whose id extends x1's (sq/x10) and a file without an identity are not x1's
  const other = resultFile(outDir, { id: "sq/x10", params: { x: 10 } });
  fs.copyFileSync(resultFile(outDir, x2), other);
  const stray = path.join(path.dirname(old1), "x1--by-hand.json");
  fs.writeFileSync(stray, "{}");
  const said: string[] = [];
  await assert.rejects(runStudy(v2, {}, { ...quiet, log: (l) => void said.push(l), tablesOnly: true }), MissingRuns);
  const list = path.join(outDir, "sq-superseded.txt");
  const lines = fs.readFileSync(list, "utf8").trim().split("\n");
  assert.match(lines[0], /^# 1 stored files of the runs planned by .* --remove-superseded deletes them$/);
  assert.deepEqual(lines.slice(1), [path.relative(path.join(outDir, "runs"), old1)]);
  assert.ok(said.some((l) => /1 stored run files are superseded/.test(l)), said.join("\n"));
  assert.ok(fs.existsSync(old1), "listing deleted a file");
  // the unchanged study reads that file: nothing of its own is superseded, and the list goes away
  await runStudy(study, {}, { ...quiet, tablesOnly: true });
  assert.ok(!fs.existsSync(list), "a stale superseded list survived");
  await assert.rejects(runStudy(v2, {}, { ...quiet, removeSuperseded: true }), /--remove-superseded needs --tables-only/);
  await assert.rejects(runStudy(v2, {}, { ...quiet, tablesOnly: true, removeSuperseded: true, replaceTables: true }), MissingRuns);
  assert.ok(!fs.existsSync(old1), "--remove-superseded kept the superseded file");
  for (const f of [resultFile(outDir, x2), resultFile(outDir, x3), other, stray]) assert.ok(fs.existsSync(f), `--remove-superseded deleted ${f}`);
  assert.ok(!fs.existsSync(list));
});

test("reproduce --tables-only exits 1 when planned runs are missing (after writing what it can)", async () => {
  const out = tmp("tables-only-cli");
  // no run of this sweep is stored: the missing list is written, no table can be (exit 2 names it)
  const none = await reproduce([...SWEEP, "--out", out, "--tables-only"]);
  assert.equal(none.code, 2, none.err);
  assert.match(none.err, /no stored run covers/);
  const listed = fs.readFileSync(path.join(out, "gail-protocol-quick-missing.txt"), "utf8").trim().split("\n");
  assert.equal(listed.length, 1 + 24);
  const code = await reproduceMain(["irl"], async () => {
    throw new MissingRuns(1, 2, [path.join(out, "x-missing.txt")]);
  });
  assert.equal(code, 1);
});
