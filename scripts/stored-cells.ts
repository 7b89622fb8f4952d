/**
 * Prints the cells a GAIL protocol's stored runs fill so far, as its table would show them, without
 * writing any table: for following a sweep that is not finished (`--tables-only` refuses to replace
 * a committed table with one that lacks rows). Only runs whose identity matches the current plan
 * count (e.g. not runs made on an older demonstration set).
 *
 *   npx tsx scripts/stored-cells.ts <protocol> [env ...]
 *   npx tsx scripts/stored-cells.ts paper MountainCar-v0
 */
import * as path from "path";
import { GanrlError, repoRoot, initBackend } from "../lib/core";
import { gailStudy, PROTOCOLS } from "../lib/experiments/studies";
import { storedResults } from "../lib/experiments/sweep";
import { buildTable, referenceReturns, Reference, GailRunParams } from "../lib/experiments/gail";

async function main(): Promise<void> {
  const [protocol, ...envs] = process.argv.slice(2);
  if (!protocol || !(PROTOCOLS as string[]).includes(protocol) || protocol.startsWith("ablation")) {
    throw new GanrlError(`give a table protocol (${PROTOCOLS.filter((p) => !p.startsWith("ablation")).join(", ")}), e.g. \`npx tsx scripts/stored-cells.ts paper MountainCar-v0\`; got ${JSON.stringify(protocol ?? "")}`);
  }
  // the backend is part of every run's identity: plan with the one the sweep would use
  await initBackend({ quiet: true });
  const [plan] = gailStudy.plan({ protocol, ...(envs.length ? { envs } : {}) }); // an unknown env exits 2 naming the protocol's
  const stored = storedResults(plan.run, path.join(repoRoot, "data", "results"));
  const refs: Record<string, Reference> = {};
  for (const r of stored) refs[(r.params as GailRunParams).envId] ??= referenceReturns((r.params as GailRunParams).envId);
  const rows = buildTable(stored, refs);
  console.log(`${stored.length} of ${plan.run.length} runs stored`);
  console.log("env,algo,trajectories,runs,meanReturn,seedMin,seedMax,paperMean,paperStd");
  for (const row of rows) {
    const runs = stored.filter((r) => { const p = r.params as GailRunParams; return p.envId === row.env && p.algo === row.algo && p.trajectories === row.trajectories; });
    const means = runs.map((r) => (r.result as { meanReturn: number }).meanReturn);
    console.log([row.env, row.algo, row.trajectories, row.runs, row.meanReturn.toFixed(2), Math.min(...means).toFixed(1), Math.max(...means).toFixed(1), row.paperMean ?? "", row.paperStd ?? ""].join(","));
  }
}

main().catch((e) => {
  console.error(e instanceof GanrlError ? `stored-cells: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
