/**
 * The HTML report of a GAIL reproduction: tables, learning curves (true return and
 * discriminator accuracy against environment steps, mean over seeds) and a bar chart against
 * the paper or the expert. It is one self-contained file (plotly.js inlined) that opens offline.
 */
import { htmlPage, figureDiv, tableHtml, Trace, escapeHtml } from "../viz";
import { StoredResult } from "./sweep";
import { GailRunParams, GailRunResult, TableRow, Reference, TABLE_COLUMNS } from "./gail";

/** Mean curve over the runs of one cell, on the union of evaluation steps (no interpolation). */
function meanCurve(runs: StoredResult[], pick: (p: GailRunResult["curve"][number]) => number | null): { x: number[]; y: number[] } {
  const byStep = new Map<number, number[]>();
  for (const r of runs) {
    for (const pt of (r.result as GailRunResult).curve) {
      const v = pick(pt);
      if (v === null || !Number.isFinite(v)) continue;
      byStep.set(pt.step, [...(byStep.get(pt.step) ?? []), v]);
    }
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return { x: steps, y: steps.map((s) => byStep.get(s)!.reduce((a, b) => a + b, 0) / byStep.get(s)!.length) };
}

function gailCells(results: StoredResult[]): Map<string, StoredResult[]> {
  const cells = new Map<string, StoredResult[]>();
  for (const r of results) {
    const p = r.params as GailRunParams;
    if (p.algo === "BC") continue;
    const extra = p.overrides && Object.keys(p.overrides).length ? ` ${Object.entries(p.overrides).map(([k, v]) => `${k}=${v}`).join(",")}` : "";
    const key = `${p.envId} · ${p.trajectories} traj${extra}${p.algo === "GAIL" ? "" : ` · ${p.algo}`}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  return cells;
}

/** Learning-curve traces: mean evaluation return per cell. */
export function returnCurves(results: StoredResult[]): Trace[] {
  return [...gailCells(results)].map(([name, runs]) => ({ type: "scatter", mode: "lines+markers", name, ...meanCurve(runs, (pt) => pt.evalReturn) }));
}

/** Discriminator accuracy traces (expert and policy samples) per cell. */
export function accuracyCurves(results: StoredResult[]): Trace[] {
  const out: Trace[] = [];
  for (const [name, runs] of gailCells(results)) {
    // the controls never train a discriminator: no accuracy to show
    if (runs.some((r) => (r.params as GailRunParams).algo !== "GAIL")) continue;
    out.push({ type: "scatter", mode: "lines", name: `${name}: on expert`, ...meanCurve(runs, (pt) => pt.accExpert) });
    out.push({ type: "scatter", mode: "lines", name: `${name}: on policy`, line: { dash: "dot" }, ...meanCurve(runs, (pt) => pt.accGen) });
  }
  return out;
}

/** Bars: our mean return per cell, beside the paper's where it has one. */
export function barTraces(rows: TableRow[]): Trace[] {
  const label = (r: TableRow) => `${r.env} ${r.trajectories}`;
  const traces: Trace[] = [];
  for (const algo of ["BC", "FEM", "GTAL", "GAIL", "control-const", "control-randomD"] as const) {
    if (!rows.some((r) => r.algo === algo)) continue;
    const rs = rows.filter((r) => r.algo === algo);
    traces.push({ type: "bar", name: `${algo} (ours)`, x: rs.map(label), y: rs.map((r) => r.meanReturn), error_y: { type: "data", array: rs.map((r) => r.stdReturn) } });
    const withPaper = rs.filter((r) => r.paperMean !== undefined);
    if (withPaper.length) {
      traces.push({ type: "bar", name: `${algo} (paper)`, x: withPaper.map(label), y: withPaper.map((r) => r.paperMean as number), error_y: { type: "data", array: withPaper.map((r) => r.paperStd as number) } });
    }
  }
  return traces;
}

export interface ReportInput {
  title: string;
  /** Markdown-free HTML paragraph(s) introducing the run: protocol, command, machine. */
  intro: string;
  rows: TableRow[];
  results: StoredResult[];
  refs: Record<string, Reference>;
}

/** The whole report page. */
export function reportHtml(input: ReportInput): string {
  const refRows = Object.entries(input.refs).map(([env, r]) => ({ env, randomReturn: r.random, expertReturn: r.expert }));
  const sections = [
    `<p>${input.intro}</p>`,
    `<h2>Results</h2>`,
    tableHtml(input.rows.map((r) => Object.fromEntries(TABLE_COLUMNS.filter((c) => c in r).map((c) => [c, r[c]])))),
    `<p>Cells pool the deterministic evaluation episodes of all runs: mean ± standard deviation over episodes. ` +
      `<code>seedMean ± seedStd</code> is the spread of the per-run means. <code>normalizedMean</code> maps the random policy to 0 and our expert to 1:</p>`,
    tableHtml(refRows),
    `<h2>Against the paper and the expert</h2>`,
    figureDiv(barTraces(input.rows), { barmode: "group", yaxis: { title: "mean return" }, height: 420 }),
    `<h2>Imitation or the reward's sign?</h2>`,
    `<p>Each GAIL cell is run beside two controls with the same generator, budget, seeds and demonstrations: <b>control-const</b> pays a constant reward of the reward form's sign ` +
      `(+1 for −log(1 − D), −1 for log D), and <b>control-randomD</b> pays the reward of a randomly initialised discriminator that is never trained. ` +
      `On CartPole a positive per-step reward pays for surviving, which is the task itself; on Acrobot a negative one pays for ending the episode, which is the task too. ` +
      `So GAIL shows imitation only by its margin over the best control (<code>gailMinusBestControl</code>, in normalised units); a margin near 0 means the sign alone explains the cell.</p>`,
    tableHtml(input.rows.filter((r) => r.algo === "GAIL" && r.gailMinusBestControl !== undefined).map((r) => ({ env: r.env, trajectories: r.trajectories, gail: r.normalizedMean, bestControl: r.bestControl, gailMinusBestControl: r.gailMinusBestControl }))),
    `<h2>Learning curves (GAIL and its controls)</h2>`,
    figureDiv(returnCurves(input.results), { xaxis: { title: "environment steps" }, yaxis: { title: "deterministic evaluation return (true reward)" }, height: 420 }),
    `<h2>Discriminator accuracy (GAIL)</h2>`,
    figureDiv(accuracyCurves(input.results), { xaxis: { title: "environment steps" }, yaxis: { title: "accuracy", range: [0, 1] }, height: 420 }),
    `<p style="color:#666">Generated by ganrl on ${escapeHtml(new Date().toISOString())}.</p>`,
  ];
  return htmlPage(input.title, sections.join("\n"));
}
