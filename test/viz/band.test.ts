/** seedBand: the mean ± spread of several seeds' curves, shaded, in both the interactive and the static figure. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { seedBand, toVegaLite, staticSvg, COLORWAY } from "../../lib/viz";

const x = [0, 1, 2, 3];
const runs = [[1, 2, 3, NaN], [3, 4, 5, 6], [2, 3, NaN, 9]];

test("seedBand: min–max (default) and mean ± std bands around the mean, non-finite values skipped, one colour", () => {
  const [lo, hi, mean] = seedBand("GAIL", x, runs, { color: COLORWAY[1] });
  assert.deepEqual(Array.from(mean.y as number[]), [2, 3, 4, 7.5]);
  assert.deepEqual(Array.from(lo.y as number[]), [1, 2, 3, 6]);
  assert.deepEqual(Array.from(hi.y as number[]), [3, 4, 5, 9]);
  assert.equal(hi.fill, "tonexty");
  assert.equal(hi.fillcolor, "rgba(255,127,14,0.2)");
  for (const t of [lo, hi, mean]) assert.equal(t.line?.color, COLORWAY[1]);
  assert.equal(lo.showlegend, false);
  assert.equal(hi.showlegend, false);
  assert.equal(mean.name, "GAIL");
  const sd = seedBand("GAIL", x, runs, { color: "#000000", spread: "std" });
  const s0 = Math.sqrt(((1 - 2) ** 2 + (3 - 2) ** 2 + 0) / 2); // seeds 1, 3, 2 at x = 0
  assert.ok(Math.abs((sd[0].y as number[])[0] - (2 - s0)) < 1e-12 && Math.abs((sd[1].y as number[])[0] - (2 + s0)) < 1e-12);
  assert.ok(Math.abs((sd[0].y as number[])[3] - (7.5 - Math.sqrt(4.5))) < 1e-12, "two seeds at x = 3 (6 and 9), the NaN skipped");
});

test("the static twin draws the band as a shaded area between the edges, under the mean line, and keeps it out of the legend", async () => {
  const traces = [...seedBand("GAIL", x, runs, { color: COLORWAY[0] }), ...seedBand("control", x, [[0, 0, 0, 0], [1, 1, 1, 1]], { color: COLORWAY[1] })];
  const { spec } = toVegaLite(traces, { title: "bands" });
  const layers = spec.layer as { mark: { type: string }; data: { values: Record<string, unknown>[] }; encoding: Record<string, any> }[];
  const area = layers.find((l) => l.mark.type === "area");
  assert.ok(area, "an area layer");
  assert.equal(layers.indexOf(area!), 0, "the band is drawn first, under the lines");
  const gail = area!.data.values.filter((r) => String(r.band).startsWith("GAIL"));
  assert.deepEqual(gail.map((r) => [r.lo, r.hi]), [[1, 3], [2, 4], [3, 5], [6, 9]]);
  assert.equal(area!.encoding.color ?? area!.encoding.fill, undefined, "the band has no colour scale, so no legend entry");
  const lineLayer = layers.find((l) => l.mark.type === "line")!;
  assert.deepEqual(lineLayer.encoding.color.legend.values, ["GAIL", "control"], "only the mean lines are in the legend");
  assert.equal((area!.mark as { color?: string }).color, COLORWAY[0], "the band has its run's colour");
  assert.equal(layers.filter((l) => l.mark.type === "area").length, 2, "one band per run");
  const svg = await staticSvg(traces, { title: "bands" });
  assert.match(svg, /mark-area/);
  const line = layers.find((l) => l.mark.type === "line")!;
  assert.deepEqual([...new Set(line.data.values.map((r) => r.series))], ["GAIL", "control"], "only the means are drawn as lines; the band edges draw none");
});
