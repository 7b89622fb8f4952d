/**
 * How far the MountainCar expert is from energy pumping (push right iff v ≥ 0, else left: the
 * specs' hand-written controller), on the two things GAIL sees: the return on the runs' 50
 * evaluation episodes (seeds 100000..), beside the expert policy's and the demonstrations', and
 * the share of demonstration pairs before the flag whose action differs from pumping's. On
 * seals/MountainCar-v0 the pairs after the flag (reward 0: the state no longer moves) are counted
 * apart. Writes nothing.
 *
 *   npx tsx scripts/mountaincar-pumping.ts
 */
import * as path from "path";
import { initBackend } from "../lib/core";
import { handCodedExpert } from "../lib/imitation";
import { loadDemos } from "../lib/data";
import { getEnvSpec } from "../lib/envs";
import { evaluate } from "../lib/rl";
import { EVAL_SEED, referenceReturns } from "../lib/experiments/gail";

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  for (const env of ["MountainCar-v0", "seals/MountainCar-v0"]) {
    const ev = evaluate(handCodedExpert(env), env, { episodes: 50, seed: EVAL_SEED, deterministic: true });
    const ref = referenceReturns(env);
    const pump = getEnvSpec(env).controller; // the rule handCodedExpert acts by
    const norm = (r: number) => ((r - ref.random) / (ref.expert - ref.random)).toFixed(3);
    console.log(`${env}: energy pumping ${ev.mean.toFixed(2)} on the 50 evaluation episodes (normalised ${norm(ev.mean)}); the expert policy ${ref.expertPolicy?.toFixed(2)} (${ref.expertPolicy === undefined ? "–" : norm(ref.expertPolicy)}), the ten demonstrations ${ref.expert.toFixed(2)}, random ${ref.random.toFixed(2)}`);
    for (const n of [1, 4, 10]) {
      const set = loadDemos(path.join("data", "demos", env, `traj-${n}.json`), env);
      let moving = 0, differ = 0, after = 0;
      for (const tr of set.trajectories) {
        for (let t = 0; t < tr.actions.length; t++) {
          if (tr.rewards[t] === 0) { after++; continue; } // seals: at the flag, the state absorbs
          moving++;
          if (tr.actions[t] !== pump(tr.obs[t], 0)) differ++;
        }
      }
      console.log(`  ${n} trajectories: ${differ} of ${moving} pairs before the flag (${((100 * differ) / moving).toFixed(1)} %) differ from pumping${after ? `; ${after} pairs after it (${((100 * after) / (after + moving)).toFixed(1)} % of all)` : ""}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
