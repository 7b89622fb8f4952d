/**
 * `npm run test:lab [-- --all | notebook ...]`: the notebooks run in real JupyterLab, in a real
 * browser, as a reader runs them.
 *
 * Starts `jupyter lab` from the project's lab venv (scripts/python-env.sh lab) on 127.0.0.1 with
 * a random port and token, its kernelspecs, settings and runtime files in a temporary folder plus
 * the venv (where the tslab kernel of this project is registered), GANRL_QUICK=1 in the kernel's
 * environment; opens each notebook in Debian's Chromium through playwright-core, clicks
 * Run > Run All Cells, waits for the kernel to go idle, and fails on:
 *   - a code cell that did not run, or any error output (a traceback or anything on stderr);
 *   - a figure that did not render: every interactive plotly div (`.ganrl-figure`, see
 *     lib/viz/plot.ts) must hold a drawn plot, and every cell whose committed outputs have a static
 *     figure must show an interactive one;
 *   - a code cell left without output that should have one: the committed notebook has outputs
 *     for it, or its top level (outside function bodies) calls console.log, plot, table, show*
 *     or display*;
 *   - a notebook file changed on disk (autosave is off; the run must not write the notebook).
 * Saves a screenshot per notebook (scrolled to its first figure) in .lab-screenshots/.
 * Default notebooks: 00, 05 and 08; `--all` runs every one. GANRL_LAB_TIMEOUT: seconds a
 * notebook may take (default 1200).
 */
import { spawn, spawnSync, ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { chromium, BrowserContext, Page } from "playwright-core";
import { listNotebooks, readNotebook, cellSource, Notebook } from "./notebook-runner";

const repo = path.resolve(__dirname, "..");
const DEFAULT_NOTEBOOKS = ["00", "05", "08"];
const SHOTS = path.join(repo, ".lab-screenshots");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

class UsageError extends Error {}

function pickNotebooks(args: string[]): string[] {
  const all = listNotebooks();
  if (args.includes("--all")) return all;
  const wanted = args.filter((a) => !a.startsWith("--"));
  const keys = wanted.length ? wanted : DEFAULT_NOTEBOOKS;
  return keys.map((k) => {
    const hit = all.filter((f) => path.basename(f) === path.basename(k) || path.basename(f).startsWith(`${k}_`));
    if (hit.length !== 1) {
      throw new UsageError(`no single notebook matches '${k}'; give a number such as 05 or a file name (${all.map((f) => path.basename(f)).join(", ")})`);
    }
    return hit[0];
  });
}

/** A port that was free a moment ago (the server is told not to try others). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Progress, on stderr (the results go to stdout). */
const say = (msg: string) => console.error(`test:lab: ${msg}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ what each cell must show

const OUTPUT_CALL = /^(console\.(log|info|table)|plot|table|show\w*|display\w*)$/;

/** Whether the cell's top level (not inside a function body) calls an output function. */
export function callsOutputAtTopLevel(src: string): boolean {
  const sf = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n) && OUTPUT_CALL.test(n.expression.getText(sf))) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

interface CellExpectation {
  index: number;
  needsOutput: boolean;
  needsFigure: boolean;
}

function expectations(nb: Notebook): CellExpectation[] {
  const out: CellExpectation[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cellSource(cell).trim() === "") return;
    const outputs = (cell.outputs ?? []) as { metadata?: { ganrl?: string } }[];
    out.push({
      index,
      needsOutput: outputs.length > 0 || callsOutputAtTopLevel(cellSource(cell)),
      needsFigure: outputs.some((o) => o.metadata?.ganrl === "static-figure"),
    });
  });
  return out;
}

// ------------------------------------------------------------------ Jupyter server

interface Server {
  url: string;
  token: string;
  proc: ChildProcess;
  log: string;
}

function labPython(): string {
  const r = spawnSync("bash", [path.join(repo, "scripts", "python-env.sh"), "lab"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error("scripts/python-env.sh lab failed (see its message above)");
  return r.stdout.trim().split("\n").pop()!;
}

async function startServer(python: string, home: string): Promise<Server> {
  // The tslab kernel of this project, registered inside the venv (not the user's home).
  const reg = spawnSync(path.join(repo, "node_modules", ".bin", "tslab"), ["install", `--python=${python}`, "--sys-prefix", `--binary=${path.join(repo, "node_modules", ".bin", "tslab")}`], {
    encoding: "utf8",
  });
  if (reg.status !== 0) throw new Error(`tslab install failed: ${reg.stderr}`);
  const settings = path.join(home, "lab-settings");
  // All cells in the DOM (no windowing), and never write the notebooks back.
  fs.mkdirSync(path.join(settings, "@jupyterlab", "notebook-extension"), { recursive: true });
  fs.writeFileSync(path.join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"), JSON.stringify({ windowingMode: "none" }));
  fs.mkdirSync(path.join(settings, "@jupyterlab", "docmanager-extension"), { recursive: true });
  fs.writeFileSync(path.join(settings, "@jupyterlab", "docmanager-extension", "plugin.jupyterlab-settings"), JSON.stringify({ autosave: false }));
  fs.mkdirSync(path.join(settings, "@jupyterlab", "apputils-extension"), { recursive: true });
  fs.writeFileSync(path.join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));

  const port = await freePort();
  const token = crypto.randomBytes(24).toString("hex");
  const log = path.join(home, "jupyter.log");
  const logFd = fs.openSync(log, "w");
  const env = {
    ...process.env,
    GANRL_QUICK: "1",
    PATH: `${path.join(repo, "node_modules", ".bin")}:${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_DATA_DIR: path.join(home, "data"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: settings,
    JUPYTERLAB_WORKSPACES_DIR: path.join(home, "workspaces"),
    IPYTHONDIR: path.join(home, "ipython"),
    JUPYTER_PLATFORM_DIRS: "1",
  };
  const proc = spawn(
    python,
    [
      "-m",
      "jupyterlab",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${repo}`,
      "--LabApp.news_url=",
      "--LabApp.extension_manager=readonly",
      // CI runs as root; the server listens on loopback only, behind a random token.
      "--allow-root",
    ],
    { cwd: repo, env, stdio: ["ignore", logFd, logFd] },
  );
  fs.closeSync(logFd);
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter lab exited with ${proc.exitCode}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 120_000) throw new Error(`jupyter lab did not answer on ${url} within 120 s:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    await sleep(250);
  }
  return { url, token, proc, log };
}

async function api<T>(srv: Server, route: string, method = "GET"): Promise<T> {
  const r = await fetch(`${srv.url}${route}`, { method, headers: { Authorization: `token ${srv.token}` } });
  if (!r.ok) throw new Error(`${method} ${route}: HTTP ${r.status}`);
  return (method === "DELETE" ? null : await r.json()) as T;
}

/** Waits until the notebook's session has a kernel that reports idle. */
async function waitForIdleKernel(srv: Server, rel: string, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const sessions = await api<{ path: string; kernel: { execution_state: string } | null }[]>(srv, "/api/sessions");
    if (sessions.some((s) => s.path === rel && s.kernel?.execution_state === "idle")) return;
    if (Date.now() > deadline) throw new Error(`no idle kernel for ${rel} within ${timeoutS} s (sessions: ${JSON.stringify(sessions)})`);
    await sleep(500);
  }
}

async function shutdownKernels(srv: Server): Promise<void> {
  for (const s of await api<{ id: string }[]>(srv, "/api/sessions")) await api(srv, `/api/sessions/${s.id}`, "DELETE");
  for (const k of await api<{ id: string }[]>(srv, "/api/kernels")) await api(srv, `/api/kernels/${k.id}`, "DELETE");
}

// ------------------------------------------------------------------ one notebook in the browser

interface CellSeen {
  index: number;
  prompt: string;
  outputs: number;
  errors: string[];
  figures: number;
  figuresDrawn: number;
  /** What each figure div holds, for the failure message. */
  figureStates: string[];
}

/** The few DOM calls readCells makes (the project's TypeScript has no DOM library). */
interface El {
  className: string;
  classList: { contains(c: string): boolean };
  textContent: string | null;
  innerHTML: string;
  querySelector(sel: string): El | null;
  querySelectorAll(sel: string): ArrayLike<El>;
  getBoundingClientRect(): { width: number; height: number };
}

/** Reads every cell of the open notebook from the page. */
function readCells(page: Page): Promise<CellSeen[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: El }).document;
    const cells = Array.from(doc.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"));
    return cells.map((c, index) => {
      const figs = Array.from(c.querySelectorAll(".ganrl-figure"));
      return {
        index,
        prompt: (c.querySelector(".jp-InputPrompt")?.textContent ?? "").trim(),
        outputs: c.querySelectorAll(".jp-OutputArea-child").length,
        errors: Array.from(c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map((e) =>
          (e.textContent ?? "").slice(0, 600),
        ),
        figures: figs.length,
        figureStates: figs.map((f) => `class '${f.className}', ${f.querySelectorAll("svg").length} svg, ${f.querySelectorAll(".trace").length} traces, ${f.innerHTML.length} chars`),
        figuresDrawn: figs.filter((f) => {
          const svg = f.querySelector("svg.main-svg");
          const box = f.getBoundingClientRect();
          return f.classList.contains("js-plotly-plot") && svg !== null && box.width > 0 && box.height > 0 && f.querySelectorAll(".trace, .hm, .imagelayer image").length > 0;
        }).length,
      };
    });
  });
}

async function runInLab(ctx: BrowserContext, srv: Server, file: string, timeoutS: number): Promise<{ problems: string[]; seconds: number; shot: string; cells: number; figures: number }> {
  const rel = path.relative(repo, file);
  const nb = readNotebook(file);
  const before = fs.readFileSync(file);
  const page = await ctx.newPage();
  const problems: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const t0 = Date.now();
  try {
    await page.goto(`${srv.url}/lab/tree/${rel.split(path.sep).map(encodeURIComponent).join("/")}?reset&token=${srv.token}`);
    await page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first().waitFor({ timeout: 120_000 });
    await waitForIdleKernel(srv, rel, 180);
    say(`${path.basename(file)}: kernel idle after ${((Date.now() - t0) / 1000).toFixed(0)} s; Run > Run All Cells`);
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

    // Done: no cell queued or running, and the kernel idle, for two polls in a row.
    const deadline = Date.now() + timeoutS * 1000;
    let calm = 0;
    let started = false;
    while (calm < 2) {
      if (Date.now() > deadline) {
        problems.push(`did not finish within ${timeoutS} s (GANRL_LAB_TIMEOUT)`);
        break;
      }
      await sleep(1000);
      const cells = await readCells(page);
      const busy = cells.some((c) => c.prompt === "[*]:");
      started ||= busy || cells.some((c) => /^\[\d+\]:$/.test(c.prompt));
      const kernels = await api<{ execution_state: string }[]>(srv, "/api/kernels");
      calm = started && !busy && kernels.every((k) => k.execution_state === "idle") ? calm + 1 : 0;
    }
    const seconds = (Date.now() - t0) / 1000;

    const seen = await readCells(page);
    if (seen.length !== nb.cells.length) problems.push(`the page shows ${seen.length} cells, the file has ${nb.cells.length}`);
    let figures = 0;
    for (const want of expectations(nb)) {
      const c = seen[want.index];
      if (!c) continue;
      const at = `cell ${want.index}`;
      if (!/^\[\d+\]:$/.test(c.prompt)) problems.push(`${at} did not run (prompt '${c.prompt}')`);
      for (const e of c.errors) problems.push(`${at} error output: ${e}`);
      if (want.needsOutput && c.outputs === 0) problems.push(`${at} shows no output`);
      if (want.needsFigure && c.figures === 0) problems.push(`${at} shows no interactive figure (its committed outputs have one)`);
    }
    for (const c of seen) {
      figures += c.figures;
      if (c.figuresDrawn < c.figures) problems.push(`cell ${c.index}: ${c.figures - c.figuresDrawn} of ${c.figures} interactive figure(s) empty (plotly did not draw): ${c.figureStates.join("; ")}`);
    }
    for (const e of consoleErrors) problems.push(`page error: ${e.slice(0, 300)}`);

    // The screenshot: the first figure, or the end of the notebook.
    const fig = page.locator(".jp-NotebookPanel .ganrl-figure").first();
    if ((await fig.count()) > 0) await fig.scrollIntoViewIfNeeded();
    else await page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").last().scrollIntoViewIfNeeded();
    await sleep(500);
    const shot = path.join(SHOTS, `${path.basename(file, ".ipynb")}.png`);
    await page.screenshot({ path: shot });
    if (!fs.readFileSync(file).equals(before)) problems.push(`${rel} was modified on disk by the run`);
    return { problems, seconds, shot, cells: seen.length, figures };
  } catch (e) {
    // What the page showed when the run broke off, for the report.
    await page.screenshot({ path: path.join(SHOTS, `${path.basename(file, ".ipynb")}-broken.png`) }).catch(() => undefined);
    throw e;
  } finally {
    await page.close();
    await shutdownKernels(srv);
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = pickNotebooks(args);
  if (!fs.existsSync(CHROMIUM)) throw new UsageError(`${CHROMIUM} not found; install Debian's Chromium: apt-get install chromium`);
  const timeoutS = Number(process.env.GANRL_LAB_TIMEOUT ?? 1200);
  if (!(timeoutS > 0)) throw new UsageError(`GANRL_LAB_TIMEOUT must be a positive number of seconds, got '${process.env.GANRL_LAB_TIMEOUT}'`);
  const python = labPython();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-lab-"));
  fs.mkdirSync(SHOTS, { recursive: true });
  let srv: Server | null = null;
  let ctx: BrowserContext | null = null;
  let failed = 0;
  try {
    srv = await startServer(python, home);
    const server = srv.proc;
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.once(sig, () => {
        server.kill("SIGTERM");
        fs.rmSync(home, { recursive: true, force: true });
        process.exit(1);
      });
    }
    console.log(`test:lab: JupyterLab ${spawnSync(python, ["-c", "import jupyterlab; print(jupyterlab.__version__)"], { encoding: "utf8" }).stdout.trim()} on ${srv.url}, ${files.length} notebook(s), GANRL_QUICK=1`);
    ctx = await chromium.launchPersistentContext(path.join(home, "chromium"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    console.log(`test:lab: Chromium ${ctx.browser()?.version() ?? "(version unknown)"}`);
    for (const f of files) {
      say(`${path.basename(f)}: opening`);
      let res;
      try {
        res = await runInLab(ctx, srv, f, timeoutS);
      } catch (e) {
        res = { problems: [`the run broke off: ${(e as Error).message.split("\n")[0]}`], seconds: 0, shot: "", cells: 0, figures: 0 };
      }
      const name = path.basename(f);
      if (res.problems.length === 0) {
        console.log(`ok      ${name}  (${res.cells} cells, ${res.figures} interactive figures, ${res.seconds.toFixed(0)} s; ${path.relative(repo, res.shot)})`);
      } else {
        failed++;
        console.log(`FAILED  ${name}  (${res.seconds.toFixed(0)} s)`);
        for (const p of res.problems) console.log(`    ${p.trimEnd().replace(/\n/g, "\n      ")}`);
      }
    }
  } finally {
    await ctx?.close();
    if (srv) {
      srv.proc.kill("SIGTERM");
      await new Promise((r) => (srv!.proc.exitCode !== null ? r(null) : srv!.proc.once("exit", r)));
      if (failed) console.log(`test:lab: server log:\n${fs.readFileSync(srv.log, "utf8").slice(-2000)}`);
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
  console.log(`test:lab: ${files.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`test:lab: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
