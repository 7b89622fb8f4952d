/**
 * Copies an executed notebook over the committed one, dropping the interactive plotly
 * outputs (they carry plotly.js itself and need JavaScript); the static SVG twin of each
 * figure, the tables and the printed numbers stay.
 * Usage: npx tsx scripts/save-notebook.ts executed.ipynb notebooks/target.ipynb
 */
import * as fs from "fs";
import { writeFileAtomic } from "../lib/core/files";

interface Output {
  output_type: string;
  metadata?: { ganrl?: string };
}

const [src, dst] = process.argv.slice(2);
if (!src || !dst) {
  console.error("usage: save-notebook.ts executed.ipynb target.ipynb");
  process.exit(2);
}
const nb = JSON.parse(fs.readFileSync(src, "utf8"));
for (const cell of nb.cells) {
  if (cell.cell_type !== "code") continue;
  cell.outputs = (cell.outputs as Output[]).filter((o) => o.metadata?.ganrl !== "interactive-figure");
}
writeFileAtomic(dst, JSON.stringify(nb, null, 1) + "\n");
