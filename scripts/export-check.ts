/**
 * `npx tsx scripts/export-check.ts [notebook.ipynb ...]`: every committed notebook's figures read
 * as static images where a reader without a kernel looks (issue 17, item 7).
 *
 * For each notebook (default: notebooks/*.ipynb and notebooks/solutions/*.ipynb):
 *   1. every display output that has an `image/svg+xml` static twin (lib/viz `plot`, `showSvg`)
 *      must also carry its `image/png` twin: Debian's nbconvert strips inline SVG from HTML;
 *   2. the saved notebook is exported to HTML with Debian's nbconvert and the project's config
 *      (`/usr/bin/python3 -m nbconvert --config jupyter_nbconvert_config.json --to html`): no
 *      kernel, it reads the saved outputs;
 *   3. the HTML is opened in headless Chromium (playwright-core, /usr/bin/chromium, every request
 *      that is not a file or data URL refused, so no network is needed), and there must be one
 *      `<img>` holding a PNG per figure output, each decoded with non-zero size;
 *   4. neither the saved PNG nor its screenshot as it shows on the page may be uniform (a blank or
 *      single-colour figure fails; the screenshot's 2-pixel edge is left out, since it can blend
 *      with the page around it). Screenshots go to .export-screenshots/.
 * Prints one line per notebook and a closing "N passed, M failed"; exits 1 if any failed, 2 on
 * bad usage or a missing tool (with the command that installs it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, Page } from "playwright-core";
import { listNotebooks, readNotebook } from "./notebook-runner";

const repo = path.resolve(__dirname, "..");
const PYTHON = "/usr/bin/python3";
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const SHOTS = path.join(repo, ".export-screenshots");

interface Output { output_type: string; data?: Record<string, unknown> }

/** The few DOM types the page functions use (this project compiles without the DOM library). */
interface ImgEl { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void>; getBoundingClientRect(): { width: number } }
interface CanvasEl { width: number; height: number; getContext(kind: "2d"): { drawImage(im: ImgEl, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null }
interface Doc { querySelectorAll(sel: string): ArrayLike<ImgEl>; createElement(tag: "canvas"): CanvasEl }
type Win = { document: Doc; Image: new () => ImgEl }

/**
 * The figure outputs of a saved notebook: how many carry a PNG, the PNGs themselves (base64, in
 * order), and which SVG twins lack one (cell index).
 */
export function figureOutputs(file: string): { png: number; pngs: string[]; svgWithoutPng: number[] } {
  const nb = readNotebook(file);
  const pngs: string[] = [];
  const svgWithoutPng: number[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of ((cell as { outputs?: Output[] }).outputs ?? [])) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const d = o.data ?? {};
      const png = d["image/png"];
      if (png !== undefined) pngs.push(Array.isArray(png) ? png.join("") : String(png).replace(/\s+/g, ""));
      else if ("image/svg+xml" in d) svgWithoutPng.push(i);
    }
  });
  return { png: pngs.length, pngs, svgWithoutPng };
}

/** Exports notebooks to HTML in `outDir` with Debian's nbconvert and the project's config (one Python start for all). */
function exportHtml(files: string[], outDir: string): void {
  const r = spawnSync(PYTHON, ["-m", "nbconvert", "--config", path.join(repo, "jupyter_nbconvert_config.json"), "--to", "html", "--output-dir", outDir, ...files], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`nbconvert failed (exit ${r.status}):\n${(r.stderr ?? "").split("\n").slice(-20).join("\n")}`);
}

/** In the page: the PNG images, whether each decoded, and its natural and shown size. */
async function pngImages(page: Page): Promise<{ ok: boolean; w: number; h: number }[]> {
  return page.evaluate(async () => {
    const doc = (globalThis as unknown as Win).document;
    const imgs = Array.from(doc.querySelectorAll("img")).filter((im) => im.src.startsWith("data:image/png"));
    const out: { ok: boolean; w: number; h: number }[] = [];
    for (const im of imgs) {
      let ok = true;
      try {
        await im.decode();
      } catch {
        ok = false;
      }
      out.push({ ok: ok && im.naturalWidth > 0 && im.naturalHeight > 0 && im.getBoundingClientRect().width > 0, w: im.naturalWidth, h: im.naturalHeight });
    }
    return out;
  });
}

/**
 * Share of pixels of a PNG (base64) that differ from its most common colour by more than 8 levels
 * in a channel, measured in the page's canvas, a 2-pixel border left out: an element screenshot
 * can start at a fractional page position, so its edge rows blend with whatever lies around the
 * image (a first-pixel reference then made a blank figure look non-uniform on another machine).
 */
async function nonUniformShare(page: Page, pngBase64: string): Promise<number> {
  return page.evaluate(async (b64) => {
    const w = globalThis as unknown as Win;
    const im = new w.Image();
    im.src = `data:image/png;base64,${b64}`;
    await im.decode();
    const c = w.document.createElement("canvas");
    c.width = im.naturalWidth;
    c.height = im.naturalHeight;
    const ctx = c.getContext("2d")!;
    ctx.drawImage(im, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const b = c.width > 8 && c.height > 8 ? 2 : 0;
    const inner: number[] = [];
    for (let y = b; y < c.height - b; y++) for (let x = b; x < c.width - b; x++) inner.push(4 * (y * c.width + x));
    if (!inner.length) return 0;
    const counts = new Map<number, number>();
    for (const i of inner) { const k = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2]; counts.set(k, (counts.get(k) ?? 0) + 1); }
    let mode = 0, most = -1;
    for (const [k, n] of counts) if (n > most) { most = n; mode = k; }
    const m = [(mode >> 16) & 255, (mode >> 8) & 255, mode & 255];
    let differ = 0;
    for (const i of inner) if (Math.abs(px[i] - m[0]) > 8 || Math.abs(px[i + 1] - m[1]) > 8 || Math.abs(px[i + 2] - m[2]) > 8) differ++;
    return differ / inner.length;
  }, pngBase64);
}

/** Checks the notebooks; returns the problems per notebook (empty: passed). */
export async function exportCheck(files: string[], log: (line: string) => void = console.log): Promise<Map<string, string[]>> {
  const problems = new Map<string, string[]>(files.map((f) => [f, []]));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-export-"));
  // distinct HTML names: solutions share their notebook's stem
  const copies = files.map((f, i) => {
    const copy = path.join(tmp, `${String(i).padStart(2, "0")}-${path.basename(f)}`);
    fs.copyFileSync(f, copy);
    return copy;
  });
  try {
    exportHtml(copies, tmp);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      await context.route("**/*", (route) => (/^(file|data):/.test(route.request().url()) ? route.continue() : route.abort()));
      for (const [i, file] of files.entries()) {
        const bad = problems.get(file)!;
        const figs = figureOutputs(file);
        for (const cell of figs.svgWithoutPng) bad.push(`cell ${cell}: a static figure (image/svg+xml) without its image/png twin; nbconvert's HTML shows nothing there (re-run the notebook with npm run notebooks -- --save)`);
        const html = copies[i].replace(/\.ipynb$/, ".html");
        const page = await context.newPage();
        await page.goto(`file://${html}`, { waitUntil: "load", timeout: 60_000 });
        const imgs = await pngImages(page);
        if (imgs.length !== figs.png) bad.push(`${figs.png} PNG figure output(s) in the notebook, ${imgs.length} PNG image(s) in its HTML export`);
        imgs.forEach((im, k) => { if (!im.ok) bad.push(`image ${k + 1}: did not decode or has zero size (${im.w}×${im.h})`); });
        const dir = path.join(SHOTS, path.basename(file, ".ipynb"));
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        // the saved PNG itself: a blank figure is blank before any page shows it
        for (const [k, b64] of figs.pngs.entries()) {
          const share = await nonUniformShare(page, b64);
          if (share < 0.001) bad.push(`figure ${k + 1}: its saved PNG is uniform (${(share * 100).toFixed(3)} % of pixels differ from the most common colour): a blank figure`);
        }
        const handles = await page.$$("img[src^='data:image/png']");
        for (const [k, h] of handles.entries()) {
          await h.scrollIntoViewIfNeeded();
          const shot = await h.screenshot({ path: path.join(dir, `figure-${String(k + 1).padStart(2, "0")}.png`) });
          const share = await nonUniformShare(page, shot.toString("base64"));
          if (share < 0.001) bad.push(`image ${k + 1}: its screenshot is uniform (${(share * 100).toFixed(3)} % of pixels differ from the most common colour): a blank figure`);
        }
        await page.close();
        log(`${bad.length ? "FAILED" : "ok    "}  ${path.relative(repo, file)}: ${figs.png} figure(s)${bad.length ? "\n" + bad.map((b) => `    ${b}`).join("\n") : ", each a decoded PNG with a non-uniform screenshot"}`);
      }
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return problems;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = args.length ? args.map((a) => path.resolve(a)) : [...listNotebooks(), ...listNotebooks(path.join(repo, "notebooks", "solutions"))];
  for (const f of files) if (!fs.existsSync(f)) { console.error(`export-check: no notebook ${f}`); return 2; }
  if (!fs.existsSync(CHROMIUM)) { console.error(`export-check: ${CHROMIUM} not found; install Debian's Chromium: apt-get install chromium`); return 2; }
  if (spawnSync(PYTHON, ["-c", "import nbconvert"]).status !== 0) { console.error(`export-check: ${PYTHON} has no nbconvert; install Debian's: apt-get install python3-nbconvert`); return 2; }
  const t0 = Date.now();
  const problems = await exportCheck(files);
  const failed = [...problems.values()].filter((p) => p.length).length;
  console.log(`export-check: ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${path.relative(repo, SHOTS)}/`);
  console.log(`${files.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e) => {
    console.error(`export-check: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
