/**
 * Measures how long each notebook takes at the quick budgets (GANRL_QUICK=1), in-process with
 * tslab's own executor (scripts/notebook-runner.ts), and writes notebooks/timings-quick.json,
 * which the course map (notebooks/README.ipynb) shows. Run it on a quiet machine, after `npm run build`.
 * Usage: npx tsx scripts/time-notebooks.ts [notebook.ipynb ...]   (default: every notebook)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listNotebooks, runNotebook } from "./notebook-runner";
import { writeFileAtomic } from "../lib/core/files";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.length ? args.map((f) => path.resolve(f)) : listNotebooks();
  const out = path.resolve(__dirname, "..", "notebooks", "timings-quick.json");
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as { seconds: Record<string, number> }).seconds : {};
  const seconds: Record<string, number> = { ...previous };
  let failed = 0;
  for (const f of files) {
    const run = await runNotebook(f, { quick: true });
    const name = path.basename(f);
    if (!run.ok) {
      failed++;
      console.log(`FAILED  ${name} at cell ${run.failedCell}:\n${run.cells[run.cells.length - 1]?.log.join("\n")}`);
      continue;
    }
    seconds[name] = +run.seconds.toFixed(1);
    console.log(`ok  ${name}  ${run.seconds.toFixed(1)} s`);
  }
  const how = `GANRL_QUICK=1, in-process tslab runner, ${os.cpus().length} CPU core(s) (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), load average ${os.loadavg()[0].toFixed(1)} at the end`;
  writeFileAtomic(out, JSON.stringify({ measured: new Date().toISOString().slice(0, 10), how, seconds }, null, 1) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
