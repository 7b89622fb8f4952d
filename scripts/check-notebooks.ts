/**
 * Checks committed notebooks for two things a reader must never meet (issue 17):
 *
 * 1. **Empty outputs.** Every code cell has at least one output, unless its metadata tags hold
 *    `silent` (a cell that only imports or defines things and prints nothing on purpose) or
 *    `exercise` (a cell the student fills in; its check cell below it has the output). A cell
 *    with an `error` output fails too.
 * 2. **Numbers the page does not show.** A number written in a markdown cell must also occur in
 *    the notebook's code (a constant the reader can see) or in one of its cells' outputs. The
 *    heuristic, stated so that it can be argued with:
 *    - markdown is read without fenced code blocks, inline code spans, `$…$` / `$$…$$` maths,
 *      link targets `](…)` and addresses (`host.tld/path`), HTML tags and text in double quotes (`"…"`, `“…”`: quotations of
 *      the notes' claims, which are checked against data elsewhere);
 *    - a number is a run of digits with an optional decimal part, not glued to a letter, `_`,
 *      `.`, another digit or an exponent's `e-` (so `v1`, `CartPole-v1`, `1e-3`, `x2` are not numbers);
 *    - ignored: single digits, numbers with a leading zero (notebook names such as `05`, the
 *      notes' file numbers), years 1900–2099, a number that opens a heading (`# 12 · …`), and
 *      numbers right after `Proposition`, `Algorithm`, `Table`,
 *      `Section`, `§`, `Figure`, `Example`, `Exercise`, `Chapter`, `Eq.`, `notebook(s)`, `cell(s)`, `step`, `item`, `part`;
 *    - a number counts as produced when the same digits (sign, thousands separators `,` and `_`
 *      and a thin space ignored) occur as a number in any code cell's source or output text
 *      (`text/plain`, `text/markdown`, `text/html`, streams).
 *    So a hand-typed result such as "−78.2" fails unless a cell prints 78.2; a number that is a
 *    definition belongs in the maths or in a code constant.
 *
 * Usage: npx tsx scripts/check-notebooks.ts [notebook.ipynb ...]   (default: notebooks/*.ipynb
 * and notebooks/solutions/*.ipynb). Prints one line per problem; exits 1 if there is any, 0 if none.
 */
import * as fs from "fs";
import * as path from "path";

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  metadata?: { tags?: string[] };
}

/** One problem found in a notebook: cell index (0-based, as nbformat counts) and what is wrong. */
export interface Problem {
  file: string;
  cell: number;
  kind: "no-output" | "error-output" | "unproduced-number";
  message: string;
}

const TEXT_MIMES = ["text/plain", "text/markdown", "text/html"];
const CONTEXT_WORDS = /(?:proposition|algorithm|table|section|figure|example|exercise|chapter|eq\.?|notebooks?|cells?|step|item|part|§)\s*$/i;

function joined(x: string | string[] | undefined): string {
  return x === undefined ? "" : Array.isArray(x) ? x.join("") : x;
}

/** The digits of a number as compared: no sign, no separators, no trailing `.0…` zeros after a point kept as written. */
export function normaliseNumber(s: string): string {
  return s.replace(/[−\-+,_\u2009\u202f]/g, "");
}

/** Numbers (as written) in plain text: digit runs with an optional decimal part and thousands separators. */
export function numbersIn(text: string): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  const re = /(?<![\w.\d]|[eE][−\-+])\d{1,3}(?:[,_\u2009\u202f]\d{3})+(?:\.\d+)?(?![\w\d])|(?<![\w.\d]|[eE][−\-+])\d+(?:\.\d+)?(?![\w\d]|\.\d)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ value: m[0], index: m.index });
  return out;
}

/** Markdown with code, maths, link targets, HTML tags and double-quoted text blanked out. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`]*`/g, " ")
    .replace(/\$\$[\s\S]*?\$\$/g, " ")
    .replace(/\$[^$]*\$/g, " ")
    .replace(/\]\([^)]*\)/g, "] ")
    .replace(/(?:https?:\/\/)?\b[\w-]+(?:\.[\w-]+)+\/\S*/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/"[^"\n]*"/g, " ")
    .replace(/“[^”]*”/g, " ");
}

function ignoredNumber(value: string, before: string): boolean {
  const digits = normaliseNumber(value);
  if (/^\d$/.test(digits)) return true;
  if (/^0\d+$/.test(digits)) return true;
  if (/^(19|20)\d\d$/.test(digits)) return true;
  if (/(^|\n)#+\s*$/.test(before)) return true;
  return CONTEXT_WORDS.test(before);
}

/** Checks one parsed notebook; `file` only labels the problems. */
export function checkNotebook(nb: { cells: Cell[] }, file: string): Problem[] {
  const problems: Problem[] = [];
  const produced = new Set<string>();
  const addNumbers = (text: string) => {
    for (const n of numbersIn(text)) produced.add(normaliseNumber(n.value));
  };
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    addNumbers(joined(cell.source));
    const outputs = cell.outputs ?? [];
    const silent = cell.metadata?.tags?.some((t) => t === "silent" || t === "exercise") ?? false;
    if (outputs.length === 0 && !silent && joined(cell.source).trim() !== "") {
      problems.push({ file, cell: i, kind: "no-output", message: "code cell saved without outputs (execute and save the notebook, or tag the cell `silent` if it prints nothing on purpose)" });
    }
    for (const o of outputs) {
      if (o.output_type === "error") problems.push({ file, cell: i, kind: "error-output", message: "code cell saved with an error output" });
      if (o.output_type === "stream") addNumbers(joined(o.text));
      for (const mime of TEXT_MIMES) if (o.data?.[mime] !== undefined) addNumbers(joined(o.data[mime]));
    }
  });
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "markdown") return;
    const prose = proseOf(joined(cell.source));
    for (const n of numbersIn(prose)) {
      const before = prose.slice(Math.max(0, n.index - 14), n.index);
      if (ignoredNumber(n.value, before)) continue;
      if (!produced.has(normaliseNumber(n.value))) {
        const context = prose.slice(Math.max(0, n.index - 40), n.index + n.value.length + 20).replace(/\s+/g, " ").trim();
        problems.push({ file, cell: i, kind: "unproduced-number", message: `markdown number ${n.value} occurs in no code cell or output ("…${context}…"): generate the sentence with showMarkdown, or print the number` });
      }
    }
  });
  return problems;
}

/** Reads and checks notebook files. */
export function checkFiles(files: string[]): Problem[] {
  return files.flatMap((f) => checkNotebook(JSON.parse(fs.readFileSync(f, "utf8")) as { cells: Cell[] }, f));
}

/** The committed notebooks: notebooks/*.ipynb and notebooks/solutions/*.ipynb. */
export function defaultFiles(root = path.resolve(__dirname, "..")): string[] {
  const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f)) : []);
  return [...list(path.join(root, "notebooks")), ...list(path.join(root, "notebooks", "solutions"))];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const files = args.length ? args : defaultFiles();
  const problems = checkFiles(files);
  for (const p of problems) console.log(`${path.relative(process.cwd(), p.file)}: cell ${p.cell}: ${p.kind}: ${p.message}`);
  console.log(`check-notebooks: ${files.length} notebook(s), ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
}
