import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Rng, GanrlError, writeJsonAtomic, writeFileAtomic, readJson, initBackend, tf, checkSeed, parseIntegerText, parseListText } from "../../lib/core";

test("Rng: one seed gives one stream; different seeds differ", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  const xb = Array.from({ length: 5 }, () => b.uniform());
  const xc = Array.from({ length: 5 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("Rng: uniform, int and normal have the right moments", () => {
  const r = new Rng(1);
  const n = 200000;
  let s = 0, s2 = 0, zs = 0, zs2 = 0;
  const counts = new Array(3).fill(0);
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u; s2 += u * u;
    const z = r.normal();
    zs += z; zs2 += z * z;
    counts[r.int(3)]++;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(zs / n) < 0.01);
  assert.ok(Math.abs(zs2 / n - 1) < 0.02);
  for (const c of counts) assert.ok(Math.abs(c / n - 1 / 3) < 0.01);
});

test("Rng: forks are independent and reproducible; state round-trips", () => {
  const a = new Rng(3), b = new Rng(3);
  const fa = a.fork(), fb = b.fork();
  assert.equal(fa.uniform(), fb.uniform());
  assert.notEqual(a.uniform(), fa.uniform());
  const st = a.getState();
  const next = a.uniform();
  const c = new Rng(0);
  c.setState(st);
  assert.equal(c.uniform(), next);
});

test("Rng: permutation is a permutation; categorical follows weights", () => {
  const r = new Rng(5);
  const p = Array.from(r.permutation(10)).sort((x, y) => x - y);
  assert.deepEqual(p, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = [1, 0, 3];
  const counts = [0, 0, 0];
  for (let i = 0; i < 40000; i++) counts[r.categorical(w)]++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2] / 40000 - 0.75) < 0.01);
});

test("bad seeds are rejected with a clear error", () => {
  for (const s of [-1, 1.5, NaN, "3", Infinity]) {
    assert.throws(() => checkSeed(s), GanrlError);
    assert.throws(() => new Rng(s as number), /non-negative integer/);
  }
});

test("writeJsonAtomic writes whole files and readJson names a bad file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-"));
  const f = path.join(dir, "sub", "x.json");
  writeJsonAtomic(f, { a: [1, 2] });
  assert.deepEqual(readJson(f), { a: [1, 2] });
  assert.deepEqual(fs.readdirSync(path.dirname(f)), ["x.json"]);
  fs.writeFileSync(f, "{ not json");
  assert.throws(() => readJson(f), (e: Error) => e instanceof GanrlError && e.message.includes(f));
});

test("backend selection picks a working backend, honours overrides and rejects unknown names", async () => {
  const info = await initBackend({ quiet: true });
  assert.ok(["node-gpu", "node", "wasm", "cpu"].includes(info.name));
  assert.equal(tf.getBackend(), info.tfName);
  const cpu = await initBackend({ backend: "cpu", quiet: true });
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(cpu.name, "cpu");
  await assert.rejects(initBackend({ backend: "tpu" as never, quiet: true }), /unknown backend 'tpu'.*node-gpu, node, wasm, cpu/);
});

test("writeFileAtomic fsyncs the data before the rename and the folder after it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-atomic-"));
  const file = path.join(dir, "r.json");
  const calls: string[] = [];
  const mod = require("fs") as typeof fs;
  const orig = { fsyncSync: mod.fsyncSync, renameSync: mod.renameSync, openSync: mod.openSync };
  const kinds = new Map<number, string>();
  mod.openSync = ((p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    const fd = orig.openSync(p, flags ?? "r", mode);
    kinds.set(fd, String(p) === dir ? "dir" : "file");
    return fd;
  }) as typeof fs.openSync;
  mod.fsyncSync = ((fd: number) => {
    calls.push(`fsync ${kinds.get(fd)}`);
    orig.fsyncSync(fd);
  }) as typeof fs.fsyncSync;
  mod.renameSync = ((a: fs.PathLike, b: fs.PathLike) => {
    calls.push("rename");
    orig.renameSync(a, b);
  }) as typeof fs.renameSync;
  try {
    writeFileAtomic(file, "{}\n");
  } finally {
    Object.assign(mod, orig);
  }
  assert.deepEqual(calls, ["fsync file", "rename", "fsync dir"]);
  assert.equal(fs.readFileSync(file, "utf8"), "{}\n");
  assert.deepEqual(fs.readdirSync(dir), ["r.json"], "no temporary file left");
});

test("parseIntegerText: decimal integers in range only; the message names the option and the range", () => {
  assert.equal(parseIntegerText("42", "--seeds", 1, 100), 42);
  assert.equal(parseIntegerText("1e5", "--steps", 1), 100000);
  assert.equal(parseIntegerText("1_000", "--steps", 1), 1000);
  for (const bad of ["abc", "", "0x10", "0o7", "0b1", "1.5", "-1", "NaN", "Infinity", " ", "1e400"]) {
    assert.throws(() => parseIntegerText(bad, "--seeds", 0), /--seeds must be an integer ≥ 0 written in decimal/, bad);
  }
  assert.throws(() => parseIntegerText("0", "--seeds", 1, 1000), /--seeds must be an integer in \[1, 1000\].*got "0"/);
  assert.deepEqual(parseListText("1,4", "--sizes", (x) => parseIntegerText(x, "--sizes entry", 1, 10)), [1, 4]);
  assert.throws(() => parseListText("1,99", "--sizes", (x) => parseIntegerText(x, "--sizes entry", 1, 10)), /--sizes entry must be an integer in \[1, 10\]/);
  assert.throws(() => parseListText("1,,4", "--sizes", (x) => x), /empty entry/);
  assert.throws(() => parseListText("1,1", "--sizes", (x) => x), /twice/);
});
