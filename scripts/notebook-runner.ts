/**
 * Executes a tslab notebook in this process with tslab's own compiler and executor
 * (TypeScript 5.0, the same cell semantics as the Jupyter kernel), collecting outputs.
 * `npm test` uses it to run every notebook on a small budget (GANRL_QUICK=1);
 * `npm run notebooks` runs them through real Jupyter instead.
 */
import * as fs from "fs";
import * as path from "path";

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  outputs?: unknown[];
  metadata?: object;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string }; [k: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

export interface CellRun {
  index: number;
  ok: boolean;
  seconds: number;
  /** MIME bundles displayed by the cell. */
  displays: Record<string, string>[];
  /** What the cell logged to the console through tslab. */
  log: string[];
}

export interface NotebookRun {
  file: string;
  ok: boolean;
  cells: CellRun[];
  /** Index of the first failing code cell, or -1. */
  failedCell: number;
  seconds: number;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

export function readNotebook(file: string): Notebook {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  if (!Array.isArray(nb.cells)) throw new Error(`${file} is not an nbformat 4 notebook (no cells array)`);
  const kernel = nb.metadata?.kernelspec?.name;
  if (kernel !== "tslab") throw new Error(`${file}: kernelspec is '${kernel}', expected 'tslab'`);
  return nb;
}

/**
 * Runs every code cell in order; stops at the first failing cell. The working directory is
 * the notebook's folder while it runs (as in Jupyter), and GANRL_QUICK is set unless `quick` is false.
 */
export async function runNotebook(file: string, opts: { quick?: boolean; echo?: boolean } = {}): Promise<NotebookRun> {
  const abs = path.resolve(file);
  const nb = readNotebook(abs);
  const dir = path.dirname(abs);
  // tslab internals: the converter (TypeScript 5.0), the executor and the display hook.
  const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const viz = require("../lib/viz/plot") as typeof import("../lib/viz/plot");

  const oldCwd = process.cwd();
  const oldQuick = process.env.GANRL_QUICK;
  if (opts.quick ?? true) process.env.GANRL_QUICK = "1";
  process.chdir(dir);
  viz.resetPlotlySession();

  let node: ReturnType<typeof createConverter> | null = null;
  let browser: ReturnType<typeof createConverter> | null = null;
  const convs = {
    get node() {
      return (node ??= createConverter({ isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
  let current: CellRun | null = null;
  const say = (kind: "log" | "error") => (...args: unknown[]) => {
    const line = args.map((a) => (typeof a === "string" ? a : require("util").inspect(a))).join(" ");
    current?.log.push(line);
    if (opts.echo || kind === "error") (kind === "error" ? console.error : console.log)(line);
  };
  const executor = createExecutor(dir, convs, { log: say("log"), error: say("error") });
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, string> }) => current?.displays.push(msg.data);

  const start = Date.now();
  const cells: CellRun[] = [];
  let failedCell = -1;
  try {
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== "code") continue;
      const src = cellSource(cell);
      if (src.trim() === "") continue;
      current = { index: i, ok: false, seconds: 0, displays: [], log: [] };
      const t0 = Date.now();
      current.ok = await executor.execute(src);
      current.seconds = (Date.now() - t0) / 1000;
      cells.push(current);
      if (!current.ok) {
        failedCell = i;
        break;
      }
    }
  } finally {
    current = null;
    jupyter.lastWriteDisplayData = null;
    executor.close();
    process.chdir(oldCwd);
    if (oldQuick === undefined) delete process.env.GANRL_QUICK;
    else process.env.GANRL_QUICK = oldQuick;
  }
  return { file: abs, ok: failedCell === -1, cells, failedCell, seconds: (Date.now() - start) / 1000 };
}

/** The notebooks of the project, in order. */
export function listNotebooks(dir = path.resolve(__dirname, "..", "notebooks")): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .sort()
    .map((f) => path.join(dir, f));
}
