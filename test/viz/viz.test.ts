/** Static figures: the SVG twin and its PNG rendering in one display bundle, legends, heatmap orientation, bar labels. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as zlib from "zlib";
import { plot, staticSvg, staticBundle, svgSize, toVegaLite, PNG_SCALE, resetPlotlySession, Trace } from "../../lib/viz/plot";
import { showSvg } from "../../lib/viz";

/** The rasteriser is a dependency; only a checkout installed without it (no `npm ci` since it was added) skips the PNG checks. */
const resvgMissing = (() => {
  try {
    require.resolve("@resvg/resvg-js");
    return false;
  } catch {
    return "@resvg/resvg-js is not installed: run npm ci";
  }
})();

/** Width, height and whether any pixel is not white, from a PNG (8-bit RGB or RGBA, non-interlaced). */
function decodePng(png: Buffer): { width: number; height: number; nonWhite: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "not a PNG signature");
  let off = 8;
  let width = 0, height = 0, colorType = -1, bitDepth = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString("ascii", off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      assert.equal(data[12], 0, "interlaced PNG");
    } else if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  assert.equal(bitDepth, 8);
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : NaN;
  assert.ok(Number.isFinite(channels), `unexpected PNG colour type ${colorType}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), "PNG data does not match its declared size");
  // Undo the per-row filters (PNG spec §9) to read the pixels.
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels] : 0;
      let v: number;
      if (f === 0) v = x;
      else if (f === 1) v = x + a;
      else if (f === 2) v = x + b;
      else if (f === 3) v = x + ((a + b) >> 1);
      else {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[y * stride + i] = v & 255;
    }
  }
  let nonWhite = 0;
  for (let p = 0; p < width * height; p++) if (out[p * channels] < 200 || out[p * channels + 1] < 200 || out[p * channels + 2] < 200) nonWhite++;
  return { width, height, nonWhite };
}

/** Captures what `plot` sends to the kernel's display hook. */
async function captureDisplays(fn: () => Promise<void> | void): Promise<{ data: Record<string, string>; metadata: Record<string, unknown> }[]> {
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const seen: { data: Record<string, string>; metadata: Record<string, unknown> }[] = [];
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, string>; metadata: Record<string, unknown> }) => seen.push(msg);
  try {
    await fn();
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
  return seen;
}

const lines: Trace[] = [
  { type: "scatter", mode: "lines", name: "a", x: [0, 1, 2], y: [0, 1, 4] },
  { type: "scatter", mode: "lines", name: "b", x: [0, 1, 2], y: [1, 2, 3] },
];

test("a figure's static display bundle carries the SVG and a PNG of it, which decodes at the SVG's size", { skip: resvgMissing }, async () => {
  resetPlotlySession();
  const shown = await captureDisplays(() => plot(lines, { title: "two lines", width: 500, height: 300 }));
  const stat = shown.find((d) => (d.metadata as { ganrl?: string }).ganrl === "static-figure");
  assert.ok(stat, "no static-figure output");
  assert.ok(stat.data["image/svg+xml"].startsWith("<svg"), "no SVG in the static bundle");
  assert.ok(stat.data["image/png"], "no PNG in the same bundle as the SVG");
  assert.ok(stat.data["text/plain"].includes("two lines"));
  const { width, height } = svgSize(stat.data["image/svg+xml"]);
  const png = decodePng(Buffer.from(stat.data["image/png"], "base64"));
  assert.equal(png.width, Math.round(width * PNG_SCALE));
  assert.equal(png.height, Math.round(height * PNG_SCALE));
  assert.ok(png.nonWhite > 0.005 * png.width * png.height, `the PNG is (nearly) blank: ${png.nonWhite} non-white pixels`);
  assert.deepEqual(stat.metadata["image/png"], { width: Math.round(width), height: Math.round(height) });
  // The interactive figure is a separate output, the one `save-notebook` strips.
  assert.ok(shown.some((d) => (d.metadata as { ganrl?: string }).ganrl === "interactive-figure" && d.data["text/html"]));
});

test("showSvg (environment frames) also sends a PNG twin", { skip: resvgMissing }, async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="0" y="0" width="40" height="20" fill="#123456"/></svg>';
  const [shown] = await captureDisplays(() => showSvg(svg, "a box"));
  const png = decodePng(Buffer.from(shown.data["image/png"], "base64"));
  assert.deepEqual([png.width, png.height], [40 * PNG_SCALE, 20 * PNG_SCALE]);
  assert.equal(png.nonWhite, png.width * png.height);
  assert.equal(staticBundle(svg, "x").data["image/svg+xml"], svg);
});

test("legend labels are never cut: long names move the legend below the plot, in full", async () => {
  const long = Array.from({ length: 6 }, (_, i) => ({ type: "scatter", mode: "lines", name: `GAIL + PPO, discriminator steps ${i}, gradient penalty 10`, x: [0, 1], y: [i, i + 1] }));
  const svg = await staticSvg(long, { width: 720, height: 400 });
  for (const t of long) assert.ok(svg.includes(`>${t.name}</text>`), `legend label '${t.name}' missing or cut`);
  assert.ok(!svg.includes("…"), "an ellipsis in the figure: a label was truncated");
  const legend = (toVegaLite(long, { width: 720 }).spec.layer as { encoding: { color: { legend: { orient: string } } } }[])[0].encoding.color.legend;
  assert.equal(legend.orient, "bottom");
  const short = (toVegaLite(lines, { width: 720 }).spec.layer as { encoding: { color: { legend: { orient: string } } } }[])[0].encoding.color.legend;
  assert.equal(short.orient, "right");
});

test("bar charts show every category label", async () => {
  const cats = Array.from({ length: 10 }, (_, i) => `setting number ${i}`);
  const svg = await staticSvg([{ type: "bar", name: "score", x: cats, y: cats.map((_, i) => i + 1) }], { width: 600, height: 350 });
  for (const c of cats) {
    const label = new RegExp(`<text[^>]*>${c}</text>`).exec(svg)?.[0];
    assert.ok(label, `bar label '${c}' missing`);
    assert.ok(!label.includes('opacity="0"'), `bar label '${c}' hidden (Vega's label overlap removal)`);
  }
});

/** The y positions of the left axis's labels (text-anchor end), by label. */
function yLabelPositions(svg: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of svg.matchAll(/<text text-anchor="end" transform="translate\(([-0-9.]+),([-0-9.]+)\)"[^>]*>([^<]*)<\/text>/g)) out.set(m[3], Number(m[2]));
  return out;
}

test("heatmaps: y increases upwards by default, and autorange 'reversed' puts the first row on top (as plotly does)", async () => {
  const heat: Trace[] = [{ type: "heatmap", z: [[1, 2], [3, 4], [5, 6]], x: [0, 1], y: [0, 1, 2] }];
  const up = yLabelPositions(await staticSvg(heat, { yaxis: { title: "y" } }));
  const down = yLabelPositions(await staticSvg(heat, { yaxis: { title: "y", autorange: "reversed" } }));
  assert.ok(up.get("0")! > up.get("2")!, "default: row 0 should be at the bottom");
  assert.ok(down.get("0")! < down.get("2")!, "reversed: row 0 should be at the top");
});

test("dashed lines keep their dash in the static figure, so two series of one colour stay apart", async () => {
  const traces: Trace[] = [
    { type: "scatter", mode: "lines", name: "run A: on expert", x: [0, 1, 2], y: [0.5, 0.7, 0.8], line: { color: "#1f77b4" } },
    { type: "scatter", mode: "lines", name: "run A: on policy", x: [0, 1, 2], y: [0.5, 0.4, 0.3], line: { color: "#1f77b4", dash: "dot" } },
  ];
  const layer = (toVegaLite(traces).spec.layer as { encoding: { strokeDash?: { scale: { range: number[][] } } } }[])[0];
  assert.deepEqual(layer.encoding.strokeDash?.scale.range, [[], [2, 3]]);
  const svg = await staticSvg(traces);
  assert.ok(/stroke-dasharray="2,3"/.test(svg), "the dotted series is drawn solid");
  const solid = (toVegaLite([traces[0]]).spec.layer as { encoding: Record<string, unknown> }[])[0];
  assert.equal(solid.encoding.strokeDash, undefined, "an all-solid figure needs no dash encoding");
});

test("a line keeps its points' order (a curve whose x goes back, as a phase portrait, is not sorted by x)", async () => {
  const svg = await staticSvg([{ type: "scatter", mode: "lines", name: "loop", x: [0, 2, 1], y: [0, 0, 1] }], { width: 400, height: 300 });
  const line = /class="mark-line[^"]*"[^>]*>\s*<path[^>]* d="([^"]+)"/.exec(svg);
  assert.ok(line, "no line path in the SVG");
  const xs = [...line[1].matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => Number(m[1]));
  assert.equal(xs.length, 3, line[1]);
  assert.ok(xs[0] < xs[2] && xs[2] < xs[1], `points drawn in x order, not the trace's: ${line[1]}`);
});
