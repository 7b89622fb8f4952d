/**
 * The worked solutions (notebooks/solutions/) run top to bottom: every `check(id, answer, { strict: true })`
 * in them throws on a wrong answer, so this is the test of the exercises and of their checks.
 * Also: every exercise in lib/course has a solution, and every teaching notebook's exercise cells
 * are tagged `exercise` and followed by their check.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { listNotebooks, runNotebook, readNotebook, cellSource } from "../../scripts/notebook-runner";
import { EXERCISES } from "../../lib/course";

const solutionsDir = path.resolve(__dirname, "..", "..", "notebooks", "solutions");
const solutions = fs.existsSync(solutionsDir) ? listNotebooks(solutionsDir) : [];

test("every exercise has a solution that checks it strictly, and its notebook has the exercise cell", () => {
  const solved = solutions.map((f) => readNotebook(f).cells.map(cellSource).join("\n")).join("\n");
  const teaching = listNotebooks().map((f) => readNotebook(f));
  for (const e of EXERCISES) {
    assert.ok(new RegExp(`check\\("${e.id.replace(".", "\\.")}", [^)]*strict: true`).test(solved), `exercise ${e.id} has no strict check in notebooks/solutions/`);
    const cells = teaching.flatMap((nb) => nb.cells);
    const i = cells.findIndex((c) => cellSource(c).includes(`// Exercise ${e.id}:`));
    assert.ok(i >= 0, `exercise ${e.id} has no exercise cell in the notebooks`);
    assert.ok(((cells[i].metadata as { tags?: string[] }).tags ?? []).includes("exercise"), `exercise ${e.id}'s cell is not tagged 'exercise'`);
    assert.match(cellSource(cells[i + 1]), new RegExp(`check\\("${e.id.replace(".", "\\.")}"`), `exercise ${e.id}'s cell is not followed by its check`);
  }
});

for (const file of solutions) {
  test(`solutions ${path.basename(file)} run and pass their checks`, async () => {
    const run = await runNotebook(file, { quick: true });
    assert.ok(run.ok, `cell ${run.failedCell} failed:\n${run.cells[run.cells.length - 1]?.log.join("\n")}`);
    const verdicts = run.cells.flatMap((c) => c.displays.map((d) => d["text/markdown"] ?? "")).filter((m) => m.includes("Exercise"));
    assert.ok(verdicts.length >= 2 && verdicts.every((m) => m.includes("✓ right")), `verdicts: ${verdicts.join(" / ")}`);
  });
}
