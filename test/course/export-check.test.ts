/**
 * scripts/export-check.ts: a notebook whose static figure lost its PNG twin, and one whose PNG is
 * blank, fail; the committed notebook passes. Needs Debian's nbconvert and Chromium (.ci/run installs
 * both); skipped where either is missing.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { exportCheck, figureOutputs } from "../../scripts/export-check";

const missing = !fs.existsSync("/usr/bin/chromium") ? "no /usr/bin/chromium (apt-get install chromium)"
  : spawnSync("/usr/bin/python3", ["-c", "import nbconvert"]).status !== 0 ? "no nbconvert for /usr/bin/python3 (apt-get install python3-nbconvert)" : false;

/** A white PNG of w × h (8-bit RGB). */
function whitePng(w: number, h: number): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => { const t = Buffer.concat([Buffer.from(type, "ascii"), data]); const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const c = Buffer.alloc(4); c.writeUInt32BE(crc(t)); return Buffer.concat([len, t, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(3 * w, 0xff)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]).toString("base64");
}

test("export-check: a figure without its PNG twin and a blank PNG fail, the committed notebook passes", { skip: missing }, async () => {
  const good = path.resolve(__dirname, "..", "..", "notebooks", "02_occupancy_measures.ipynb");
  assert.ok(figureOutputs(good).png >= 1, "notebook 02 has a figure");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-export-test-"));
  const edit = (name: string, f: (d: Record<string, unknown>) => void) => {
    const nb = JSON.parse(fs.readFileSync(good, "utf8"));
    for (const c of nb.cells) for (const o of c.outputs ?? []) if (o.data?.["image/png"]) f(o.data);
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(nb));
    return file;
  };
  const noPng = edit("no-png.ipynb", (d) => { delete d["image/png"]; });
  const blank = edit("blank.ipynb", (d) => { d["image/png"] = whitePng(200, 100); });
  try {
    const problems = await exportCheck([noPng, blank, good], () => {});
    assert.match(problems.get(noPng)!.join("\n"), /without its image\/png twin/);
    assert.match(problems.get(blank)!.join("\n"), /saved PNG is uniform/);
    assert.match(problems.get(blank)!.join("\n"), /screenshot is uniform/);
    assert.deepEqual(problems.get(good), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
