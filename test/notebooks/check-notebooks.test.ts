/** scripts/check-notebooks.ts: code cells saved without outputs and markdown numbers no cell produced. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { checkNotebook, numbersIn, proseOf } from "../../scripts/check-notebooks";

const md = (source: string) => ({ cell_type: "markdown", source });
const code = (source: string, outputs: unknown[] = [], tags?: string[]) => ({ cell_type: "code", source, outputs, metadata: tags ? { tags } : {} });
const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });
const markdownOut = (text: string) => ({ output_type: "display_data", data: { "text/markdown": text, "text/plain": text } });

test("a notebook whose every number is printed or in the code passes", () => {
  const nb = {
    cells: [
      md("# 12 · A title\n\nWe run 60,000 steps (notebook 08, Proposition 3.2, Ho & Ermon 2016) on CartPole-v1; see `x = 0.25` and $\\gamma = 0.99$."),
      code("const steps = 60_000;\nconsole.log(steps)", [stream("60000\n")]),
      md("The run reached −83.3 (the table above) and the notes claim \"0.7-0.8\" accuracy."),
      code("console.log(-83.3)", [markdownOut("-83.3")]),
      code("function f() {}", [], ["silent"]),
    ],
  };
  assert.deepEqual(checkNotebook(nb as any, "ok.ipynb"), []);
});

test("a code cell saved without outputs fails unless tagged silent; an error output fails", () => {
  const nb = { cells: [code("console.log(1)"), code("const a = 1;", [], ["silent"]), code("throw 1", [{ output_type: "error", ename: "Error", evalue: "1", traceback: [] }])] };
  const problems = checkNotebook(nb as any, "x.ipynb");
  assert.deepEqual(problems.map((p) => [p.cell, p.kind]), [[0, "no-output"], [2, "error-output"]]);
});

test("a hand-typed number in markdown that no cell produced fails, with its cell and context", () => {
  const nb = {
    cells: [
      md("Our 10 demonstrations average −78.2, the expert does this in ~80 steps."),
      code("console.log('average', -78.25)", [stream("average -78.25\n")]),
    ],
  };
  const problems = checkNotebook(nb as any, "bad.ipynb");
  assert.deepEqual(problems.map((p) => p.message.split(" occurs")[0]), ["markdown number 10", "markdown number 78.2", "markdown number 80"]);
  assert.ok(problems.every((p) => p.cell === 0 && p.kind === "unproduced-number"));
});

test("numbers are digit runs not glued to letters; code, maths, links and quotes are not prose", () => {
  assert.deepEqual(numbersIn("v1 CartPole-v0 1e-3 x2 12,345 3.5 and 7.").map((n) => n.value), ["12,345", "3.5", "7"]);
  const prose = proseOf("see `a 123` and $x^{456}$ and [link](https://x.org/789) and \"1000 steps\" and stats.stackexchange.com/a/487726 but 31");
  assert.deepEqual(numbersIn(prose).map((n) => n.value), ["31"]);
});
