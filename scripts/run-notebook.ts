/**
 * Runs notebooks in-process through tslab's executor (GANRL_QUICK=1 unless --full).
 * Usage: npx tsx scripts/run-notebook.ts [--full] [--echo] notebooks/00_environments.ipynb ...
 * With no file, runs every notebook. Exits non-zero on the first failing cell.
 */
import { runNotebook, listNotebooks } from "./notebook-runner";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const full = args.includes("--full");
  const echo = args.includes("--echo");
  const files = args.filter((a) => !a.startsWith("--"));
  let failed = 0;
  for (const f of files.length ? files : listNotebooks()) {
    const run = await runNotebook(f, { quick: !full, echo });
    const status = run.ok ? "ok" : `FAILED at cell ${run.failedCell}`;
    console.log(`${status}  ${f}  (${run.cells.length} code cells, ${run.seconds.toFixed(1)} s)`);
    if (!run.ok) {
      failed++;
      const log = run.cells[run.cells.length - 1]?.log.join("\n") ?? "";
      if (log.includes("is not under 'rootDir'")) {
        console.log("hint: tslab only compiles .ts files under the notebook's folder; notebooks import the compiled library, e.g. `from \"../dist/envs\"` (built by `npm run build`), not `../lib/...`");
      }
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
