/**
 * Plotly figures for notebooks and HTML reports, with no internet.
 *
 * `plot(traces, layout)` shows two outputs in Jupyter:
 *  1. a static rendering (drawn headless by Vega from a translation of the figure), which is what
 *     viewers without JavaScript (GitHub, nbviewer, an untrusted notebook) show: `image/svg+xml`
 *     and, in the same output, `image/png` rasterised from that SVG by resvg (viewers that drop
 *     inline SVG, such as nbconvert's HTML export, show the PNG: export with
 *     `--config jupyter_nbconvert_config.json`, which ranks PNG first). Legends are laid out so no
 *     label is cut, category labels are tilted rather than hidden, and `autorange: "reversed"` on
 *     an axis is honoured;
 *  2. the interactive plotly.js figure as `text/html`. plotly.js comes from the installed
 *     `plotly.js-dist-min` package (the minified build of `plotly.js-dist`) and is sent to
 *     the browser once per kernel session. When its script runs, it hides the static
 *     twin just above it, so a live reader sees one figure.
 *
 * Supported trace types: `scatter` (mode lines, markers, lines+markers; `error_y.array`),
 * `bar` (grouped), `heatmap`. The static translation covers these; anything else is
 * still drawn interactively and listed in the static figure's caption.
 */
import * as fs from "fs";
import { displayBundle, escapeHtml, MimeBundle } from "./display";

/** A plotly.js trace (the subset ganrl uses is typed; anything else passes through). */
export interface Trace {
  type?: "scatter" | "bar" | "heatmap" | string;
  name?: string;
  x?: ArrayLike<number | string>;
  y?: ArrayLike<number | string>;
  z?: ArrayLike<ArrayLike<number>>;
  mode?: string;
  error_y?: { array?: ArrayLike<number>; type?: string; visible?: boolean };
  line?: { color?: string; dash?: string; width?: number };
  marker?: { color?: string; size?: number };
  showlegend?: boolean;
  [key: string]: unknown;
}

type AxisTitle = string | { text?: string };
interface Axis {
  title?: AxisTitle;
  type?: "linear" | "log" | string;
  range?: [number, number];
  [key: string]: unknown;
}

/** A plotly.js layout (typed subset). */
export interface Layout {
  title?: string | { text?: string };
  xaxis?: Axis;
  yaxis?: Axis;
  width?: number;
  height?: number;
  barmode?: "group" | "stack" | string;
  [key: string]: unknown;
}

/** plotly.js's default colour cycle (layout.colorway), used by the static rendering too so both views agree. */
export const COLORWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const DEFAULT_WIDTH = 720;
const DEFAULT_HEIGHT = 400;

function titleText(t: AxisTitle | undefined): string | undefined {
  if (t === undefined) return undefined;
  return typeof t === "string" ? t : t.text;
}

function toArray<T>(a: ArrayLike<T> | undefined): T[] {
  return a ? Array.from(a) : [];
}

/** Approximate width in pixels of a label at Vega's default 11 px font (for layout decisions only). */
export function labelWidth(text: string, fontSize = 11): number {
  return Math.ceil(String(text).length * fontSize * 0.58);
}

/**
 * Where the static legend goes and how wide the plot may be, so that no legend label is cut:
 * to the right when the longest label is short, else below the plot in as many columns as fit.
 */
export function legendLayout(names: readonly string[], totalWidth: number, totalHeight: number): { orient: "right" | "bottom"; columns: number; width: number; height: number } {
  const entry = Math.max(0, ...names.map((n) => labelWidth(n))) + 28; // symbol, padding
  if (names.length === 0) return { orient: "right", columns: 1, width: totalWidth - 90, height: totalHeight - 90 };
  if (entry <= 190 && names.length <= 16) return { orient: "right", columns: 1, width: Math.max(200, totalWidth - 90 - entry), height: totalHeight - 90 };
  const columns = Math.max(1, Math.min(names.length, Math.floor((totalWidth - 60) / entry)));
  const rows = Math.ceil(names.length / columns);
  return { orient: "bottom", columns, width: totalWidth - 90, height: Math.max(160, totalHeight - 90 - 18 * rows) };
}

/** Vega's stroke dash for plotly's `line.dash` ("dash", "dot", "dashdot", "longdash", "solid" or a px list). */
export function strokeDashOf(dash: string | undefined): number[] {
  switch (dash) {
    case "dash":
      return [6, 4];
    case "dot":
      return [2, 3];
    case "dashdot":
      return [6, 3, 2, 3];
    case "longdash":
      return [12, 4];
    case undefined:
    case "solid":
      return [];
    default: {
      const px = dash.split(/[ ,]+/).map((v) => parseFloat(v)).filter((v) => Number.isFinite(v) && v >= 0);
      return px.length ? px : [];
    }
  }
}

/** The plotly figure as a Vega-Lite spec, for the static SVG. */
export function toVegaLite(traces: Trace[], layout: Layout = {}): { spec: Record<string, unknown>; unsupported: string[] } {
  const totalWidth = layout.width ?? DEFAULT_WIDTH;
  const totalHeight = layout.height ?? DEFAULT_HEIGHT;
  let width = totalWidth - 90;
  let height = totalHeight - 90;
  const xTitle = titleText(layout.xaxis?.title) ?? "";
  const yTitle = titleText(layout.yaxis?.title) ?? "";
  const names: string[] = [];
  const colors: string[] = [];
  /** Per series, the stroke dash of its line ([] = solid), from plotly's `line.dash`. */
  const dashes: number[][] = [];
  /** Series shown in the legend (plotly's `showlegend: false` hides a trace from it). */
  const legendNames: string[] = [];
  const unsupported: string[] = [];
  const layers: Record<string, unknown>[] = [];
  const lineRows: Record<string, unknown>[] = [];
  const pointRows: Record<string, unknown>[] = [];
  const barRows: Record<string, unknown>[] = [];
  const errRows: Record<string, unknown>[] = [];
  /** Shaded bands: plotly's `fill: "tonexty"` between a trace and the one before it (see `seedBand`). */
  const bandRows: Record<string, unknown>[] = [];
  let previous: { xs: unknown[]; ys: unknown[] } | null = null;
  let xIsText = false;
  let heatmap = false;
  // plotly's `autorange: "reversed"` (e.g. a grid drawn with row 0 at the top) is honoured here too.
  const yReversed = layout.yaxis?.autorange === "reversed";
  const xReversed = layout.xaxis?.autorange === "reversed";

  traces.forEach((tr, i) => {
    if (tr.visible === false || tr.visible === "legendonly") return;
    const type = tr.type ?? "scatter";
    const name = tr.name ?? `trace ${i}`;
    if (type === "heatmap") {
      const z = toArray(tr.z).map((row) => toArray(row));
      const xs = tr.x ? toArray(tr.x) : z[0]?.map((_, j) => j) ?? [];
      const ys = tr.y ? toArray(tr.y) : z.map((_, k) => k);
      const rows: Record<string, unknown>[] = [];
      z.forEach((row, r) => row.forEach((v, c) => rows.push({ x: xs[c], y: ys[r], z: v })));
      const fmt = (v: unknown) => (typeof v === "number" ? Number(v.toPrecision(3)) : v);
      rows.forEach((row) => {
        row.x = fmt(row.x);
        row.y = fmt(row.y);
      });
      heatmap = true;
      layers.push({
        data: { values: rows },
        mark: "rect",
        encoding: {
          x: { field: "x", type: "ordinal", title: xTitle, sort: xReversed ? "descending" : null, axis: { labelOverlap: "greedy", labelAngle: 0, grid: false } },
          // critical: an ordinal y axis lists its first value at the top, so plotly's default (y up) is "descending".
          y: { field: "y", type: "ordinal", title: yTitle, sort: yReversed ? "ascending" : "descending", axis: { labelOverlap: "greedy", grid: false } },
          color: { field: "z", type: "quantitative", title: tr.colorbar && typeof tr.colorbar === "object" ? titleText((tr.colorbar as { title?: AxisTitle }).title) ?? "" : "", scale: { scheme: "viridis" } },
        },
      });
      return;
    }
    if (type !== "scatter" && type !== "bar" && type !== "scattergl") {
      unsupported.push(`${type} trace '${name}'`);
      return;
    }
    const xsAll = tr.x ? toArray(tr.x) : toArray(tr.y).map((_, k) => k);
    const ysAll = toArray(tr.y);
    const prev = previous;
    previous = { xs: xsAll, ys: ysAll };
    const invisible = tr.line?.width === 0 && !(tr.mode ?? "").includes("markers");
    if (invisible && tr.fill !== "tonexty") return; // a band's lower edge: drawn by the fill of the trace after it
    const color = tr.line?.color ?? tr.marker?.color ?? COLORWAY[names.length % COLORWAY.length];
    if (tr.fill === "tonexty" && prev) {
      // critical: the band joins this trace to the previous one point by point (same x), as plotly fills "tonexty".
      for (let k = 0; k < Math.min(ysAll.length, prev.ys.length); k++) {
        const hi = ysAll[k], lo = prev.ys[k];
        if (typeof hi === "number" && typeof lo === "number" && Number.isFinite(hi) && Number.isFinite(lo)) bandRows.push({ x: xsAll[k], lo, hi, band: name });
      }
      if (invisible) {
        names.push(name);
        colors.push(typeof color === "string" ? color : COLORWAY[(names.length - 1) % COLORWAY.length]);
        dashes.push([]);
        if (tr.showlegend !== false) legendNames.push(name);
        return;
      }
    }
    names.push(name);
    if (tr.showlegend !== false) legendNames.push(name);
    colors.push(typeof color === "string" ? color : COLORWAY[(names.length - 1) % COLORWAY.length]);
    dashes.push(strokeDashOf(tr.line?.dash));
    const xs = tr.x ? toArray(tr.x) : toArray(tr.y).map((_, k) => k);
    const ys = toArray(tr.y);
    const err = tr.error_y?.array && tr.error_y.visible !== false ? toArray(tr.error_y.array) : null;
    if (xs.some((v) => typeof v === "string")) xIsText = true;
    const mode = tr.mode ?? (type === "scatter" && xs.length > 20 ? "lines" : "lines+markers");
    for (let k = 0; k < ys.length; k++) {
      const y = ys[k];
      if (typeof y !== "number" || !Number.isFinite(y)) continue;
      const row = { x: xs[k], y, series: name };
      if (type === "bar") barRows.push(row);
      else {
        // critical: `order` keeps the trace's point order; Vega-Lite sorts a line's points by x otherwise (a phase portrait would zigzag).
        if (mode.includes("lines")) lineRows.push({ ...row, order: k });
        if (mode.includes("markers")) pointRows.push(row);
      }
      if (err && typeof err[k] === "number") errRows.push({ x: xs[k], lo: y - (err[k] as number), hi: y + (err[k] as number), series: name });
    }
  });

  const showLegend = names.length > 1 && legendNames.length > 0;
  const legendBox = legendLayout(showLegend ? legendNames : [], totalWidth, totalHeight);
  if (heatmap) width = totalWidth - 160; // room for the colour bar
  else {
    width = legendBox.width;
    height = legendBox.height;
  }
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: names, range: colors },
    // critical: labelLimit 0 — Vega's default cuts labels at 160 px with an ellipsis.
    legend: showLegend ? { orient: legendBox.orient, columns: legendBox.columns, values: legendNames, labelLimit: 0, symbolLimit: 0 } : null,
  };
  const xType = xIsText || barRows.length > 0 ? "ordinal" : "quantitative";
  const xScale: Record<string, unknown> = {};
  if (layout.xaxis?.type === "log") xScale.type = "log";
  if (layout.xaxis?.range && xType === "quantitative") xScale.domain = layout.xaxis.range;
  if (xReversed && xType === "quantitative") xScale.reverse = true;
  // critical: `zero` is meaningless on a log scale (Vega warns), so set it only for linear axes.
  const yScale: Record<string, unknown> = layout.yaxis?.type === "log" ? { type: "log" } : { zero: false };
  if (layout.yaxis?.range) yScale.domain = layout.yaxis.range;
  if (yReversed) yScale.reverse = true;
  // Category labels (bar charts, text x values) are all shown: tilted when they do not fit side by side.
  const categories = xType === "ordinal" ? [...new Set([...barRows, ...lineRows, ...pointRows].map((r) => String(r.x)))] : [];
  const tilt = categories.length > 0 && categories.reduce((u, c) => u + labelWidth(c) + 6, 0) > width;
  const xAxis = xType === "ordinal" ? { labelAngle: tilt ? -35 : 0, labelAlign: tilt ? "right" : "center", labelOverlap: false, labelLimit: 0 } : { labelAngle: 0, labelOverlap: "greedy" };
  const x = { field: "x", type: xType, title: xTitle, scale: xScale, sort: xReversed && xType === "ordinal" ? "descending" : null, axis: xAxis };
  const y = { field: "y", type: "quantitative", title: yTitle, scale: yScale };
  // Bands are drawn first, under the lines, one area layer each in its run's colour (a fixed mark
  // colour: no scale, so no legend entry); y2 joins the band's two edges.
  for (const band of [...new Set(bandRows.map((r) => String(r.band)))]) {
    const fill = colors[names.indexOf(band)];
    layers.push({ data: { values: bandRows.filter((r) => r.band === band) }, mark: { type: "area", color: fill, opacity: 0.2, clip: true }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle, scale: yScale, stack: null }, y2: { field: "hi" } } });
  }
  if (barRows.length) {
    layers.push({ data: { values: barRows }, mark: "bar", encoding: { x, y, color, xOffset: { field: "series", sort: names } } });
  }
  if (lineRows.length) {
    // Lines join their points in the order given (a phase portrait is not sorted by x); dashed
    // lines (plotly's line.dash) keep their dash, so two series of one colour stay apart.
    const order = { field: "order", type: "quantitative" };
    const dashed = dashes.some((d) => d.length > 0);
    const strokeDash = { field: "series", type: "nominal", title: null, scale: { domain: names, range: dashes }, legend: color.legend };
    layers.push({ data: { values: lineRows }, mark: { type: "line", strokeWidth: 2, clip: true }, encoding: dashed ? { x, y, color, strokeDash, order } : { x, y, color, order } });
  }
  if (pointRows.length) {
    layers.push({ data: { values: pointRows }, mark: { type: "point", filled: true, size: 40, clip: true }, encoding: { x, y, color } });
  }
  if (errRows.length) {
    const e = { x, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" }, color };
    if (barRows.length) Object.assign(e, { xOffset: { field: "series", sort: names } });
    layers.push({ data: { values: errRows }, mark: { type: "rule", strokeWidth: 1.5 }, encoding: e });
  }
  const title = titleText(layout.title);
  const spec: Record<string, unknown> = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width,
    height,
    background: "white",
    padding: 10,
    layer: layers.length ? layers : [{ mark: "text", data: { values: [{ t: "(no data)" }] }, encoding: { text: { field: "t" } } }],
    config: { font: "Helvetica, Arial, sans-serif", axis: { grid: true, gridColor: "#e5ecf6" }, view: { stroke: null } },
  };
  if (title) spec.title = title;
  return { spec, unsupported };
}

/** Renders the static twin of a figure as an SVG string (Vega's headless SVG renderer). */
export async function staticSvg(traces: Trace[], layout: Layout = {}): Promise<string> {
  // Loaded lazily: vega is only needed when a figure is drawn.
  const vega = require("vega") as typeof import("vega");
  const vl = require("vega-lite") as typeof import("vega-lite");
  const { spec, unsupported } = toVegaLite(traces, layout);
  // Quiet loggers: compiler and renderer warnings would otherwise land in the notebook's output.
  const quiet = vega.logger(vega.Error);
  const compiled = vl.compile(spec as never, { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  let svg = await view.toSVG();
  view.finalize();
  if (unsupported.length) {
    svg = svg.replace("</svg>", `<text x="10" y="14" font-size="11" fill="#a00">static view omits: ${escapeHtml(unsupported.join(", "))}</text></svg>`);
  }
  return svg;
}

/** Pixels per SVG unit of the PNG twin (2: sharp on high-density screens; shown at the SVG's size). */
export const PNG_SCALE = 2;

type ResvgModule = { Resvg: new (svg: string, opts: object) => { render(): { asPng(): Buffer; width: number; height: number } } };
let resvg: ResvgModule | null | undefined;

/** The optional rasteriser (`@resvg/resvg-js`), or null when it is not installed. */
function loadResvg(): ResvgModule | null {
  if (resvg === undefined) {
    try {
      resvg = require("@resvg/resvg-js") as ResvgModule;
    } catch {
      resvg = null;
    }
  }
  return resvg;
}

/** True when PNG twins can be drawn (the optional `@resvg/resvg-js` package loads). */
export function canRasterise(): boolean {
  return loadResvg() !== null;
}

/** The width and height an SVG declares on its root element (Vega writes both, in pixels). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const num = (name: string) => Number(new RegExp(`\\s${name}="([0-9.]+)`).exec(root)?.[1] ?? NaN);
  return { width: num("width"), height: num("height") };
}

/**
 * Rasterises an SVG to PNG headless (resvg, system fonts with DejaVu Sans for generic
 * sans-serif), at `scale` pixels per SVG unit on a white background. Returns null when the
 * rasteriser is not installed; the SVG alone is then shown.
 */
export function svgToPng(svg: string, scale = PNG_SCALE): { png: Buffer; width: number; height: number } | null {
  const mod = loadResvg();
  if (!mod) return null;
  const { width } = svgSize(svg);
  const opts: Record<string, unknown> = {
    background: "white",
    font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans", defaultFontFamily: "DejaVu Sans" },
  };
  if (Number.isFinite(width)) opts.fitTo = { mode: "width", value: Math.round(width * scale) };
  const img = new mod.Resvg(svg, opts).render();
  return { png: img.asPng(), width: img.width, height: img.height };
}

/**
 * The static twin's display bundle: `image/svg+xml`, and, where the rasteriser is installed, the
 * same figure as `image/png` (base64), for viewers that drop inline SVG (nbconvert's HTML export
 * strips it), with a `text/plain` fallback. The metadata gives the PNG its logical (SVG) size.
 */
export function staticBundle(svg: string, text: string): { data: MimeBundle; metadata: Record<string, unknown> } {
  const data: MimeBundle = { "image/svg+xml": svg, "text/plain": text };
  const metadata: Record<string, unknown> = {};
  const png = svgToPng(svg);
  if (png) {
    data["image/png"] = png.png.toString("base64");
    metadata["image/png"] = { width: Math.round(png.width / PNG_SCALE), height: Math.round(png.height / PNG_SCALE) };
  }
  return { data, metadata };
}

let plotlySource: string | null = null;

/** The plotly.js library source, from the installed package. */
export function plotlyJs(): string {
  if (plotlySource === null) {
    plotlySource = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/**
 * A `<script>` that defines `window.Plotly` from the inlined library. The UMD wrapper would
 * register with RequireJS in classic Notebook (and not set `window.Plotly`), so `define`,
 * `module` and `exports` are shadowed inside a function scope.
 */
export function plotlyLoaderScript(): string {
  return `<script type="text/javascript">(function(){if(window.Plotly){return;}var define=undefined,module=undefined,exports=undefined;\n${plotlyJs()}\n}).call(window);</script>`;
}

let figureCounter = 0;
let libraryShown = false;

function figureId(): string {
  figureCounter += 1;
  return `ganrl-fig-${Date.now().toString(36)}-${figureCounter}`;
}

const PLOT_CONFIG = { responsive: true, displaylogo: false };

/**
 * plotly.js 3+ dropped string titles (`title: "..."`); accept them here and pass `{ text }` on,
 * so figure code can use either form.
 */
export function normaliseLayout(layout: Layout): Layout {
  const fix = (t: unknown) => (typeof t === "string" ? { text: t } : t);
  const out: Layout = { ...layout, title: fix(layout.title) as Layout["title"] };
  for (const key of Object.keys(layout)) {
    const axis = layout[key];
    if (/^[xy]axis\d*$/.test(key) && axis && typeof axis === "object") out[key] = { ...(axis as Axis), title: fix((axis as Axis).title) };
  }
  if (out.title === undefined) delete out.title;
  return out;
}

/** The HTML `<div>` + `<script>` that draws a figure once `window.Plotly` exists. */
export function figureDiv(traces: Trace[], layout: Layout = {}, opts: { id?: string; hideStaticTwin?: boolean } = {}): string {
  const id = opts.id ?? figureId();
  const height = layout.height ?? DEFAULT_HEIGHT;
  const fullLayout = { margin: { t: layout.title ? 50 : 20, r: 20, b: 50, l: 60 }, ...normaliseLayout(layout), height };
  const json = (v: unknown) => JSON.stringify(v, (_k, val) => (ArrayBuffer.isView(val) && !(val instanceof DataView) ? Array.from(val as unknown as ArrayLike<number>) : val)).replace(/</g, "\\u003c");
  const hide = opts.hideStaticTwin
    ? `var box=el.closest('.jp-OutputArea-child, .output_area');var prev=box&&box.previousElementSibling;if(prev&&prev.querySelector('img, svg')&&!prev.querySelector('.js-plotly-plot')){prev.style.display='none';}`
    : "";
  return (
    `<div id="${id}" class="ganrl-figure" style="width:100%;max-width:${layout.width ?? DEFAULT_WIDTH}px;height:${height}px;"></div>` +
    `<script type="text/javascript">(function(){var tries=0;function draw(){var el=document.getElementById('${id}');` +
    `if(!el||!window.Plotly){if(++tries<100){setTimeout(draw,50);}return;}` +
    `window.Plotly.newPlot(el,${json(traces)},${json(fullLayout)},${json(PLOT_CONFIG)});${hide}}draw();})();</script>`
  );
}

/** A short text description of a figure, for `text/plain` fallbacks and logs. */
export function describeFigure(traces: Trace[], layout: Layout = {}): string {
  const title = titleText(layout.title) ?? "figure";
  const parts = traces.map((t) => `${t.name ?? t.type ?? "trace"}${t.y ? ` (${(t.y as ArrayLike<unknown>).length} points)` : ""}`);
  return `[${title}: ${parts.join(", ")}]`;
}

/**
 * A learning curve over several seeds as plotly traces of one colour: a shaded band from the
 * lowest to the highest seed at each x (`spread: "minmax"`, the default) or mean ± one standard
 * deviation (`"std"`, ddof 1), then the mean line, named `name` (the band is left out of the
 * legend). `runs[i][k]` is seed i's value at `x[k]`; non-finite values are skipped, and a point is
 * kept where at least one seed has a value. Both views draw it: plotly fills "tonexty", the static
 * twin draws the same band as a Vega area.
 */
export function seedBand(name: string, x: ArrayLike<number>, runs: ArrayLike<number>[], opts: { color: string; spread?: "minmax" | "std"; dash?: string; mode?: string } ): Trace[] {
  const xs: number[] = [], lo: number[] = [], hi: number[] = [], mid: number[] = [];
  for (let k = 0; k < x.length; k++) {
    const v = runs.map((r) => r[k]).filter((y): y is number => typeof y === "number" && Number.isFinite(y));
    if (!v.length) continue;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / (v.length - 1)) : 0;
    xs.push(x[k]);
    mid.push(m);
    lo.push(opts.spread === "std" ? m - sd : Math.min(...v));
    hi.push(opts.spread === "std" ? m + sd : Math.max(...v));
  }
  const band = opts.spread === "std" ? "mean ± std" : "min–max";
  return [
    { type: "scatter", mode: "lines", name: `${name}: ${band} (lower)`, x: xs, y: lo, line: { color: opts.color, width: 0 }, showlegend: false, hoverinfo: "skip" },
    { type: "scatter", mode: "lines", name: `${name}: ${band} over ${runs.length} seeds`, x: xs, y: hi, fill: "tonexty", fillcolor: hexWithAlpha(opts.color, 0.2), line: { color: opts.color, width: 0 }, showlegend: false, hoverinfo: "skip" },
    { type: "scatter", mode: opts.mode ?? "lines", name, x: xs, y: mid, line: { color: opts.color, ...(opts.dash ? { dash: opts.dash } : {}) }, marker: { color: opts.color } },
  ];
}

/** `#rrggbb` as `rgba(r,g,b,alpha)` (plotly's fill colour); other colours are returned as they are. */
function hexWithAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return m ? `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})` : color;
}

export interface PlotOptions {
  /** Also draw the static SVG twin (default true). */
  static?: boolean;
}

/**
 * Shows a plotly figure in the notebook: a static SVG for JavaScript-free viewers, then the
 * interactive figure (which hides the static one when it draws).
 */
export async function plot(traces: Trace[], layout: Layout = {}, opts: PlotOptions = {}): Promise<void> {
  const text = describeFigure(traces, layout);
  const withStatic = opts.static ?? true;
  if (withStatic) {
    const { data, metadata } = staticBundle(await staticSvg(traces, layout), text);
    displayBundle(data, { ...metadata, ganrl: "static-figure" });
  }
  const lib = libraryShown ? "" : plotlyLoaderScript();
  libraryShown = true;
  displayBundle({ "text/html": lib + figureDiv(traces, layout, { hideStaticTwin: withStatic }), "text/plain": text }, { ganrl: "interactive-figure" });
}

/** Forget that plotly.js was sent (a fresh page needs it again; used by the notebook runner). */
export function resetPlotlySession(): void {
  libraryShown = false;
}

/** A standalone HTML page with the given sections (figures and HTML snippets), plotly.js inlined. */
export function htmlPage(title: string, body: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}` +
    `table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f5fa}` +
    `h1,h2{font-weight:600}</style>${plotlyLoaderScript()}</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}
