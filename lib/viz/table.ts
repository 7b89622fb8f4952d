/**
 * Tables for notebooks and reports: an HTML table (readable on GitHub too) with a text
 * fallback. Accepts an array of plain row objects or a danfo.js DataFrame.
 */
import { displayBundle, escapeHtml } from "./display";

export type Row = Record<string, unknown>;

export interface TableOptions {
  /** Caption shown above the table. */
  caption?: string;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
}

/** What tables need of a danfo.js DataFrame (its `values` is 2-D, or 1-D for one column). */
export interface DataFrameLike {
  columns: string[];
  values: readonly unknown[];
}

function isDataFrame(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null && Array.isArray((x as DataFrameLike).columns) && Array.isArray((x as DataFrameLike).values);
}

/** Rows and column names from rows or a danfo DataFrame. */
export function tableRows(data: Row[] | DataFrameLike): { columns: string[]; rows: unknown[][] } {
  if (isDataFrame(data)) return { columns: data.columns.map(String), rows: data.values.map((r) => (Array.isArray(r) ? r : [r])) };
  const columns: string[] = [];
  for (const r of data) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: data.map((r) => columns.map((c) => r[c])) };
}

/** Shown for NaN: an undefined value (a correlation of a constant, a spread over one seed). */
export const UNDEFINED_CELL = "–";

/** Formats one cell: integers as is, other numbers to `digits` significant digits, NaN as "–". */
export function formatCell(v: unknown, digits = 4): string {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (Number.isNaN(v)) return UNDEFINED_CELL;
    if (!Number.isFinite(v)) return String(v);
    return Number(v.toPrecision(digits)).toString();
  }
  if (v === null || v === undefined) return "";
  return String(v);
}

/** The table as an HTML string. */
export function tableHtml(data: Row[] | DataFrameLike, opts: TableOptions = {}): string {
  const { columns, rows } = tableRows(data);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(formatCell(v, opts.digits))}</td>`).join("")}</tr>`).join("");
  const caption = opts.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(opts.caption)}</caption>` : "";
  return `<table class="ganrl-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The table as aligned plain text. */
export function tableText(data: Row[] | DataFrameLike, opts: TableOptions = {}): string {
  const { columns, rows } = tableRows(data);
  const cells = [columns, ...rows.map((r) => r.map((v) => formatCell(v, opts.digits)))];
  const widths = columns.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? "").length)));
  const line = (r: unknown[]) => r.map((v, j) => String(v ?? "").padStart(widths[j])).join("  ");
  const out = [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)];
  return (opts.caption ? opts.caption + "\n" : "") + out.join("\n");
}

/** Shows a table in the notebook (HTML with a text fallback); prints it outside a kernel. */
export async function table(data: Row[] | DataFrameLike, opts: TableOptions = {}): Promise<void> {
  displayBundle({ "text/html": tableHtml(data, opts), "text/plain": tableText(data, opts) });
}
