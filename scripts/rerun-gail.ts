/**
 * Re-runs stored GAIL runs with one change, through the reproduction's own run task (`runGail`:
 * train, then the run's deterministic evaluation episodes), and prints the stored return beside the
 * new one. Nothing is written: each variant is the run's own params with extra `overrides` (GAIL
 * options) and optionally another budget, so it answers "what would this stored run have scored
 * with X" (the pilots in the neutral presets' `measured` notes, `lib/imitation/presets.ts`).
 *
 *   npx tsx scripts/rerun-gail.ts [--overrides '{"absorbingScale":10}'] [--steps 150000] [--current-data] [--returns] <run.json> ...
 *
 * `--returns` also prints every evaluation episode's return, in episode order (episode i starts from
 * the reset of seed EVAL_SEED + i). `--current-data` trains on the demonstration set shipped now instead of refusing when it is not
 * the one the run recorded (its SHA-256): "what would this run score on the new data".
 *
 * e.g. the stored neutral CartPole-v1 runs with 4 trajectories:
 *   npx tsx scripts/rerun-gail.ts --overrides '{"discSteps":5}' data/results/runs/gail/neutral/CartPole-v1/GAIL/traj4/seed*.json
 */
import * as fs from "fs";
import { GanrlError } from "../lib/core";
import { runGail, GailRunParams } from "../lib/experiments/gail";

function parseArgs(argv: string[]): { overrides: Record<string, unknown>; steps: number | null; currentData: boolean; returns: boolean; files: string[] } {
  let overrides: Record<string, unknown> = {};
  let steps: number | null = null;
  let currentData = false;
  let returns = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--overrides") {
      let v: unknown;
      try {
        v = JSON.parse(argv[++i] ?? "");
      } catch {
        throw new GanrlError(`--overrides must be a JSON object of GAIL options, e.g. '{"absorbingScale":10}', got ${JSON.stringify(argv[i])}`);
      }
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new GanrlError(`--overrides must be a JSON object of GAIL options, e.g. '{"absorbingScale":10}'`);
      overrides = v as Record<string, unknown>;
    } else if (a === "--steps") {
      steps = Number(argv[++i]);
      if (!Number.isSafeInteger(steps) || steps <= 0) throw new GanrlError(`--steps must be a positive integer (environment steps), got ${JSON.stringify(argv[i])}`);
    } else if (a === "--current-data") currentData = true;
    else if (a === "--returns") returns = true;
    else if (a.startsWith("--")) throw new GanrlError(`unknown option ${a}; valid: --overrides <json>, --steps <n>, --current-data, --returns`);
    else files.push(a);
  }
  if (!files.length) throw new GanrlError("give at least one stored run file, e.g. data/results/runs/gail/neutral/CartPole-v1/GAIL/traj4/seed4--….json");
  return { overrides, steps, currentData, returns, files };
}

async function main(): Promise<void> {
  const { overrides, steps, currentData, returns, files } = parseArgs(process.argv.slice(2));
  for (const file of files) {
    if (!fs.existsSync(file)) throw new GanrlError(`${file}: no such run file`);
    const d = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!d?.params || !d?.result || typeof d.result.meanReturn !== "number") throw new GanrlError(`${file}: not a stored GAIL run (ganrl-run/2 with params and result.meanReturn)`);
    const params: GailRunParams = { ...d.params, overrides: { ...(d.params.overrides ?? {}), ...overrides }, ...(steps ? { steps } : {}) };
    if (currentData) delete params.demosSha256;
    const t0 = Date.now();
    const r = await runGail({ id: d.id, params });
    const curve = r.curve.filter((p) => p.evalReturn !== null).map((p) => Math.round(p.evalReturn!));
    const sorted = [...r.returns].sort((a, b) => a - b);
    const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))].toFixed(0);
    console.log(`${d.id} ${JSON.stringify(overrides)}${currentData ? " (current data)" : ""} steps ${params.steps}: stored ${d.result.meanReturn.toFixed(1)} now ${r.meanReturn.toFixed(1)} (${((Date.now() - t0) / 1000).toFixed(0)} s); its ${sorted.length} episodes: min ${q(0)}, 10 % ${q(0.1)}, median ${q(0.5)}, max ${q(1)}; evaluations, every 4th: ${curve.filter((_, i) => i % 4 === 0).join(" ")}`);
    if (returns) console.log(`  returns of evaluation episodes 0..${r.returns.length - 1}: ${r.returns.join(" ")}`);
  }
}

main().catch((e) => {
  console.error(e instanceof GanrlError ? `rerun-gail: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
