/** Tables: cell formatting, and an undefined spread (one seed) shown as "–", kept as NaN through CSV. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { meanStd } from "../../lib/core";
import { formatCell, tableText, tableHtml } from "../../lib/viz";
import { toCsv, readCsv } from "../../lib/experiments";

test("cells: integers as is, 4 significant digits, NaN as –, infinities and strings as written", () => {
  assert.equal(formatCell(500), "500");
  assert.equal(formatCell(0.123456), "0.1235");
  assert.equal(formatCell(2 / 3, 2), "0.67");
  assert.equal(formatCell(NaN), "–");
  assert.equal(formatCell(-Infinity), "-Infinity");
  assert.equal(formatCell("x"), "x");
  assert.equal(formatCell(null), "");
});

test("the std over one seed is undefined: NaN from meanStd (ddof 1), – in tables, NaN in CSV and back; ddof 0 stays 0", () => {
  assert.deepEqual(meanStd([7], 0), { mean: 7, std: 0 });
  assert.ok(Number.isNaN(meanStd([7], 1).std));
  assert.ok(Number.isNaN(meanStd([], 1).mean) && Number.isNaN(meanStd([], 0).std));
  assert.equal(meanStd([1, 3], 1).std, Math.SQRT2);
  const rows = [2, 1].map((seeds) => {
    const per = [500, 140].slice(0, seeds);
    const s = meanStd(per, 1);
    return { env: "CartPole-v1", seeds, seedMean: s.mean, seedStd: s.std };
  });
  const text = tableText(rows).split("\n");
  assert.match(text[2], /254\.6\s*$/); // √(2·180²) = 254.56
  assert.match(text[3], /\s1\s+500\s+–$/);
  assert.match(tableHtml(rows), /<td>500<\/td><td>–<\/td><\/tr><\/tbody>/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-table-"));
  const file = path.join(dir, "t.csv");
  fs.writeFileSync(file, toCsv(rows));
  assert.equal(fs.readFileSync(file, "utf8").trim().split("\n")[2], "CartPole-v1,1,500,NaN");
  const back = readCsv(file);
  assert.ok(Number.isNaN(back[1].seedStd as number));
  assert.equal(tableText(back).split("\n")[3], text[3]);
  fs.rmSync(dir, { recursive: true });
});
