import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { runSweep, parseShard, shardRuns, readResults, toCsv, readCsv, RunSpec, resultFile, runIdentity, storedResults, loadStored, writeTableGuarded, runStudy, Study } from "../../lib/experiments";
import { meanStd } from "../../lib/core";

const task = { module: path.join(__dirname, "fixture-task.ts"), fn: "square" };
const specs: RunSpec[] = [1, 2, 3, 4, 5].map((x) => ({ id: `sq/x${x}`, params: { x } }));

test("a sweep runs every run in worker processes and stores each result", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const results = await runSweep(specs, { task, outDir, workers: 2 });
  assert.deepEqual(results.map((r) => r.result.y), [1, 4, 9, 16, 25]);
  assert.ok(results.every((r) => r.result.pid !== process.pid));
  assert.equal(readResults(outDir).size, 5);
});

test("an interrupted sweep resumes: finished runs are skipped", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  await runSweep(specs.slice(0, 2), { task, outDir, workers: 1 });
  const started: string[] = [];
  const results = await runSweep(specs, { task, outDir, workers: 2, onProgress: (e) => e.kind === "start" && started.push(e.id) });
  assert.deepEqual(started.sort(), ["sq/x3", "sq/x4", "sq/x5"]);
  assert.equal(results.length, 5);
});

test("shards partition the runs and merge into one table", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const a = shardRuns(specs, parseShard("0/2")).map((s) => s.id);
  const b = shardRuns(specs, parseShard("1/2")).map((s) => s.id);
  assert.deepEqual([...a, ...b].sort(), specs.map((s) => s.id).sort());
  assert.equal(a.filter((id) => b.includes(id)).length, 0);
  await runSweep(specs, { task, outDir, workers: 1, shard: parseShard("0/2") });
  await runSweep(specs, { task, outDir, workers: 1, shard: parseShard("1/2") });
  assert.equal(readResults(outDir).size, 5);
  assert.throws(() => parseShard("2/2"), /0 ≤ i < n/);
  assert.throws(() => parseShard("x"), /i\/n/);
});

test("a failing run is named, leaves no result, and the others still finish", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const bad = [...specs.slice(0, 2), { id: "sq/bad", params: { x: 9, fail: true } }];
  await assert.rejects(runSweep(bad, { task, outDir, workers: 2 }), /sq\/bad: asked to fail at x=9/);
  const stored = readResults(outDir);
  assert.equal(stored.size, 2);
  assert.ok(!stored.has("sq/bad"));
});

test("unsafe or duplicate ids are rejected", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  await assert.rejects(runSweep([{ id: "../x", params: {} }], { task, outDir }), /path-safe/);
  await assert.rejects(runSweep([specs[0], specs[0]], { task, outDir }), /twice/);
  await assert.rejects(runSweep([{ id: "a--b", params: {} }], { task, outDir }), /path-safe/);
});

test("a sweep of no runs, a bad worker count or an empty shard is an error before anything runs", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  await assert.rejects(runSweep([], { task, outDir }), /no runs/);
  for (const w of [NaN, 0, -1, 1.5]) await assert.rejects(runSweep(specs, { task, outDir, workers: w }), /workers .*positive integer/);
  await assert.rejects(runSweep(specs.slice(0, 1), { task, outDir, shard: parseShard("1/2") }), /holds none/);
  assert.equal(fs.existsSync(path.join(outDir, "runs")), false);
});

test("a run's identity covers its parameters: a changed parameter is a new run, never the stored one", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const a: RunSpec = { id: "sq/x", params: { x: 2, budget: 4000 } };
  const b: RunSpec = { id: "sq/x", params: { x: 3, budget: 8000 } };
  assert.notEqual(runIdentity(a.params), runIdentity(b.params));
  assert.equal(runIdentity({ p: 1, q: { r: 2, s: 3 } }), runIdentity({ q: { s: 3, r: 2 }, p: 1 }), "key order does not matter");
  await runSweep([a], { task, outDir, workers: 1 });
  const started: string[] = [];
  const [r] = await runSweep([b], { task, outDir, workers: 1, onProgress: (e) => e.kind === "start" && started.push(e.id) });
  assert.deepEqual(started, ["sq/x"], "the run with the other budget ran");
  assert.equal(r.result.y, 9);
  assert.equal(storedResults([a], outDir)[0].result.y, 4, "both live side by side");
  assert.equal(readResults(outDir).size, 2);
  const stored = storedResults([b], outDir)[0];
  assert.equal(stored.identity, runIdentity(b.params));
  assert.equal(typeof stored.host, "string");
  assert.ok(stored.startedAt && stored.finishedAt && stored.versions?.node);
});

test("a stored result whose id or params do not match its path is rejected, moved aside and re-run", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const a: RunSpec = { id: "sq/a", params: { x: 2 } };
  const b: RunSpec = { id: "sq/b", params: { x: 3 } };
  await runSweep([a], { task, outDir, workers: 1 });
  // a file copied in from another run: b's path, a's content
  fs.mkdirSync(path.dirname(resultFile(outDir, b)), { recursive: true });
  fs.copyFileSync(resultFile(outDir, a), resultFile(outDir, b));
  assert.match(loadStored(outDir, b).rejected ?? "", /holds run "sq\/a"/);
  // an edited file: params changed in place
  const edited = JSON.parse(fs.readFileSync(resultFile(outDir, a), "utf8"));
  edited.params.x = 5;
  fs.writeFileSync(resultFile(outDir, a), JSON.stringify(edited));
  assert.match(loadStored(outDir, a).rejected ?? "", /do not hash/);
  const rejected: string[] = [];
  assert.equal(readResults(outDir, rejected).size, 0);
  assert.equal(rejected.length, 2);
  const events: string[] = [];
  const res = await runSweep([a, b], { task, outDir, workers: 1, onProgress: (e) => events.push(`${e.kind} ${e.id}`) });
  assert.deepEqual(res.map((r) => r.result.y), [4, 9]);
  assert.ok(events.includes("rejected sq/a") && events.includes("rejected sq/b") && events.includes("start sq/b"));
  assert.equal(fs.readdirSync(path.dirname(resultFile(outDir, b))).filter((f) => f.includes(".rejected-")).length, 2);
});

test("a worker killed by a signal is reported by the signal's name", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  await assert.rejects(runSweep([{ id: "sq/killed", params: { x: 1, selfKill: true } }], { task, outDir, workers: 1 }), /worker killed by SIGKILL/);
});

/** Starts fixture-parent.ts with one hanging run; resolves once its worker is running. */
async function startHangingSweep(): Promise<{ parent: ReturnType<typeof spawn>; worker: number; outDir: string; output: () => string }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-sweep-"));
  const pidFile = path.join(outDir, "worker.pid");
  const parent = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(__dirname, "fixture-parent.ts"), outDir, pidFile], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  parent.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, "utf8") === "") {
    if (Date.now() - t0 > 60_000) throw new Error("the worker never started");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { parent, worker: Number(fs.readFileSync(pidFile, "utf8")), outDir, output: () => out };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitGone(pid: number): Promise<boolean> {
  const t1 = Date.now();
  while (alive(pid) && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 100));
  const gone = !alive(pid);
  if (!gone) process.kill(pid, "SIGKILL");
  return gone;
}

test("workers exit when their parent is killed with SIGKILL", async () => {
  const { parent, worker } = await startHangingSweep();
  assert.ok(alive(worker));
  parent.kill("SIGKILL");
  assert.ok(await waitGone(worker), "the worker outlived its parent");
});

test("Ctrl-C (SIGINT) stops a sweep: workers stop, SweepInterrupted says how to resume, exit 130", async () => {
  const { parent, worker, outDir, output } = await startHangingSweep();
  const code = new Promise<number | null>((r) => parent.on("exit", (c) => r(c)));
  parent.kill("SIGINT");
  assert.equal(await code, 130);
  assert.match(output(), /interrupted: interrupted by SIGINT: 0 of 1 runs have results \(saved\); run the same command again to resume/);
  assert.ok(await waitGone(worker), "the worker outlived the interrupted sweep");
  assert.equal(readResults(outDir).size, 0);
});

test("a table is never replaced by one with fewer rows unless asked; an empty table is never written", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-table-"));
  const file = path.join(dir, "t.csv");
  const t = (n: number) => ({ file: "t.csv", text: toCsv(Array.from({ length: n }, (_, i) => ({ i }))), rows: n });
  writeTableGuarded(file, t(3), { missing: 0, planned: 3 });
  assert.throws(() => writeTableGuarded(file, t(2), { missing: 1, planned: 3 }), /refusing to replace .*3 rows.* 2 rows: 1 of the 3 runs/);
  assert.equal(readCsv(file).length, 3);
  assert.throws(() => writeTableGuarded(file, t(0), { missing: 3, planned: 3, replace: true }), /no stored run/);
  writeTableGuarded(file, t(4), { missing: 0, planned: 4 });
  writeTableGuarded(file, t(2), { missing: 2, planned: 4, replace: true });
  assert.equal(readCsv(file).length, 2);
});

test("with key columns, a table that drops a row of the existing one is refused even when it has as many rows", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-table-"));
  const file = path.join(dir, "t.csv");
  const rows = (cells: [string, string][]) => cells.map(([env, algo]) => ({ env, algo, claim: "a, \"quoted\" cell" }));
  const t = (cells: [string, string][]) => ({ file: "t.csv", text: toCsv(rows(cells)), rows: cells.length, keyColumns: ["env", "algo"] });
  // the committed table: two environments without control rows
  writeTableGuarded(file, t([["A", "GAIL"], ["B", "GAIL"]]), { missing: 0, planned: 2 });
  // a partial sweep: environment A with its control, B's runs missing: same row count, B dropped
  assert.throws(() => writeTableGuarded(file, t([["A", "GAIL"], ["A", "control-const"]]), { missing: 2, planned: 4 }), /refusing to replace .*no row for B \/ GAIL \(env, algo\)\. 2 of the 4 runs/);
  assert.deepEqual(readCsv(file).map((r) => r.env), ["A", "B"]);
  // the whole sweep: more rows, every old row kept
  writeTableGuarded(file, t([["A", "GAIL"], ["A", "control-const"], ["B", "GAIL"], ["B", "control-const"]]), { missing: 0, planned: 4 });
  assert.equal(readCsv(file).length, 4);
  writeTableGuarded(file, t([["A", "GAIL"]]), { missing: 3, planned: 4, replace: true });
  assert.equal(readCsv(file).length, 1);
});

test("runStudy: tables cover every stored run of the plan, partial sweeps cannot shrink them, non-default budgets go elsewhere", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-study-"));
  const cover = (budget: number): RunSpec[] => [1, 2, 3].map((x) => ({ id: `sq/x${x}`, params: { x, budget } }));
  const study: Study = {
    name: "sq",
    summary: "squares",
    examples: [],
    options: [],
    task,
    plan: (o) => [{ label: "", cover: cover((o.budget as number) ?? 1), run: cover((o.budget as number) ?? 1).filter((s) => !o.only || s.params.x === o.only), defaults: o.budget === undefined }],
    tables: (results) => [{ file: "sq.csv", text: toCsv(results.map((r) => ({ y: r.result.y }))), rows: results.length }],
  };
  const quiet = { log: () => undefined, out: outDir };
  await runStudy(study, {}, quiet);
  assert.deepEqual(readCsv(path.join(outDir, "sq.csv")).map((r) => r.y), [1, 4, 9]);
  // one run at another budget: its table (1 row) would shrink the 3-row table
  await assert.rejects(runStudy(study, { budget: 2, only: 1 }, quiet), /refusing to replace/);
  assert.equal(readCsv(path.join(outDir, "sq.csv")).length, 3);
  // selecting one environment of a complete sweep keeps the others' rows
  await runStudy(study, { only: 2 }, quiet);
  assert.equal(readCsv(path.join(outDir, "sq.csv")).length, 3);
  await assert.rejects(runStudy({ ...study, plan: () => [{ label: "", cover: [], run: [], defaults: true }] }, {}, quiet), /select no runs/);
});

test("toCsv quotes where needed; meanStd gives population (ddof 0) or sample (ddof 1) std", () => {
  assert.equal(toCsv([{ a: 1, b: "x,y" }, { a: 2.5 }]), 'a,b\n1,"x,y"\n2.5,\n');
  assert.deepEqual(meanStd([1, 2, 3], 1), { mean: 2, std: 1 });
  assert.deepEqual(meanStd([1, 3]), { mean: 2, std: 1 });
  assert.deepEqual(meanStd([5], 1), { mean: 5, std: NaN }); // one seed: no spread to speak of (test/viz/table.test.ts)
});

test("readCsv reads what toCsv writes: quoted commas, quotes and newlines, numbers, NaN, empty cells; a missing file is a clear error", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-csv-"));
  const file = path.join(dir, "t.csv");
  fs.writeFileSync(file, toCsv([{ a: 1.5, b: 'say "hi", twice', c: NaN }, { a: -2, b: "two\nlines", c: "" }]));
  assert.deepEqual(readCsv(file), [{ a: 1.5, b: 'say "hi", twice', c: NaN }, { a: -2, b: "two\nlines", c: "" }]);
  assert.throws(() => readCsv(path.join(dir, "none.csv")), /readCsv: no file .*none\.csv/);
});
