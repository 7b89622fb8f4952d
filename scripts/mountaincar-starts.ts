/**
 * Where on seals/MountainCar-v0 a cloned policy loses its steps: the 50 evaluation episodes every
 * run is scored on (episode i resets with seed EVAL_SEED + i), sorted by the start position x₀,
 * each with the return of behavioural cloning on the first n demonstrations (the benchmark's BC
 * preset, seed 0), of the shipped expert and of energy pumping (push along the velocity), and the
 * x₀ of every demonstration the clone saw. Episodes where BC is more than 5 steps behind the expert
 * are marked "<<". Optionally the returns of another policy, in episode order, as printed by
 * `scripts/rerun-gail.ts --returns`, are set beside them.
 *
 *   npx tsx scripts/mountaincar-starts.ts <n trajectories> [returns …]
 *   npx tsx scripts/mountaincar-starts.ts 4
 */
import * as fs from "fs";
import { GanrlError, initBackend } from "../lib/core";
import { loadDemos, takeTrajectories } from "../lib/data";
import { trainBC, handCodedExpert } from "../lib/imitation";
import { evaluate } from "../lib/rl";
import { makeEnv } from "../lib/envs";
import { CategoricalPolicy } from "../lib/nn";
import { demosFile, EVAL_SEED, getPreset } from "../lib/experiments/gail";

const ENV = "seals/MountainCar-v0";
const EPISODES = 50;

async function main(): Promise<void> {
  const [nArg, ...other] = process.argv.slice(2);
  const n = Number(nArg);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new GanrlError(`give the number of demonstrations to clone, 1-10, e.g. \`npx tsx scripts/mountaincar-starts.ts 4\`; got ${JSON.stringify(nArg ?? "")}`);
  const theirs = other.map(Number);
  if (theirs.length && (theirs.length !== EPISODES || theirs.some((x) => !Number.isFinite(x)))) throw new GanrlError(`the other policy's returns must be ${EPISODES} numbers in episode order (rerun-gail.ts --returns prints them); got ${theirs.length}`);
  await initBackend({ quiet: true });
  const demos = takeTrajectories(loadDemos(demosFile(ENV, n), ENV), n);
  console.log(`the ${n} demonstrations start at x0 = ${demos.trajectories.map((t) => t.obs[0][0].toFixed(3)).join(", ")}`);
  const bc = trainBC(demos, { ...getPreset("sealsMountainCar").bc, envId: ENV, seed: 0 });
  const expert = CategoricalPolicy.fromJSON(JSON.parse(fs.readFileSync(`data/experts/${ENV}.json`, "utf8")));
  const b = evaluate(bc.policy, ENV, { episodes: EPISODES, seed: EVAL_SEED, deterministic: true });
  const e = evaluate(expert, ENV, { episodes: EPISODES, seed: EVAL_SEED, deterministic: true });
  // energy pumping is the specs' hand-written controller, the rule handCodedExpert acts by
  const p = evaluate(handCodedExpert(ENV), ENV, { episodes: EPISODES, seed: EVAL_SEED, deterministic: true });
  const rows = b.returns.map((r, i) => ({ i, x0: makeEnv(ENV, { seed: EVAL_SEED + i }).reset(EVAL_SEED + i)[0], bc: r, expert: e.returns[i], pump: p.returns[i], other: theirs[i] }));
  const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
  console.log(`means over the ${EPISODES} episodes: BC ${b.mean.toFixed(1)}, expert ${e.mean.toFixed(1)}, pumping ${p.mean.toFixed(1)}${theirs.length ? `, other ${mean(theirs).toFixed(1)}` : ""}`);
  console.log(`episode  x0      BC  expert  pumping${theirs.length ? "  other" : ""}`);
  for (const r of rows.sort((p, q) => p.x0 - q.x0)) {
    console.log(`${String(r.i).padStart(7)}  ${r.x0.toFixed(3)}  ${String(r.bc).padStart(4)}  ${String(r.expert).padStart(6)}  ${String(r.pump).padStart(7)}${theirs.length ? String(r.other).padStart(7) : ""}${r.bc < r.expert - 5 ? "  <<" : ""}`);
  }
  const lost = rows.filter((r) => r.bc < r.expert - 5);
  if (lost.length) console.log(`BC is > 5 steps behind the expert in ${lost.length} of ${EPISODES} episodes, x0 in [${Math.min(...lost.map((r) => r.x0)).toFixed(3)}, ${Math.max(...lost.map((r) => r.x0)).toFixed(3)}]: ${(mean(lost.map((r) => r.expert - r.bc)) * lost.length / EPISODES).toFixed(1)} steps of the mean`);
  bc.policy.dispose();
  expert.dispose();
}

main().catch((e) => {
  console.error(e instanceof GanrlError ? `mountaincar-starts: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
