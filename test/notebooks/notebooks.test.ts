/**
 * Every notebook, executed in-process with tslab's compiler and executor on a small budget
 * (GANRL_QUICK=1). The real-Jupyter run is `npm run notebooks` (and CI's .ci/run).
 * Notebooks import the compiled library in dist/, which `npm test` builds first (pretest).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { listNotebooks, runNotebook, readNotebook, cellSource } from "../../scripts/notebook-runner";

const notebooks = listNotebooks();

test("there are notebooks, each a tslab notebook that imports the library by relative path", () => {
  assert.ok(notebooks.length > 0, "no notebooks found in notebooks/");
  for (const f of notebooks) {
    const nb = readNotebook(f);
    const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");
    assert.ok(/from "\.\.\/dist\//.test(code), `${path.basename(f)} does not import the library from ../dist/`);
    assert.ok(!/from "\.\.\/lib\//.test(code), `${path.basename(f)} imports ../lib/ (tslab cannot compile files outside the notebook folder; use ../dist/)`);
  }
});

for (const file of notebooks) {
  test(`notebook ${path.basename(file)} runs top to bottom (GANRL_QUICK=1)`, async () => {
    const run = await runNotebook(file, { quick: true });
    const last = run.cells[run.cells.length - 1];
    assert.ok(run.ok, `cell ${run.failedCell} failed:\n${last?.log.join("\n")}`);
    assert.ok(run.cells.length > 0);
  });
}
