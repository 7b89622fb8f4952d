import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runSweep, parseShard, shardRuns, readResults, toCsv, readCsv, RunSpec } from "../../lib/experiments";
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
