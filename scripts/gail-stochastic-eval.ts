/**
 * Trains GAIL with a named preset (as the sweep's run task does, minus the stored file) and scores
 * the final policy twice on the runs' 50 evaluation episodes (`EVAL_SEED`): greedy, as every table
 * does, and with sampled actions. It answers "is a shortfall the greedy evaluation's?" (the
 * sealsMountainCar note in `lib/imitation/presets.ts`).
 *
 *   npx tsx scripts/gail-stochastic-eval.ts <envId> <preset> <trajectories> <seed> [<seed> …]
 *   npx tsx scripts/gail-stochastic-eval.ts seals/MountainCar-v0 sealsMountainCar 1 2 1
 */
import { initBackend, GanrlError } from "../lib/core";
import { loadDemos, takeTrajectories } from "../lib/data";
import { GAIL, IMITATION_PRESETS } from "../lib/imitation";
import { demosFile, EVAL_SEED } from "../lib/experiments/gail";

async function main(): Promise<void> {
  const [envId, presetName, traj, ...seeds] = process.argv.slice(2);
  const preset = IMITATION_PRESETS[presetName ?? ""];
  if (!envId || !preset || !Number.isInteger(Number(traj)) || seeds.length === 0 || seeds.some((s) => !Number.isInteger(Number(s)))) {
    throw new GanrlError(`usage: gail-stochastic-eval <envId> <preset> <trajectories> <seed>…; presets: ${Object.keys(IMITATION_PRESETS).join(", ")}`);
  }
  await initBackend({ quiet: true });
  const demos = takeTrajectories(loadDemos(demosFile(envId, Number(traj)), envId), Number(traj));
  for (const s of seeds) {
    const g = new GAIL({ ...preset.gail, envId, demos, seed: Number(s) });
    try {
      await g.learn(preset.totalSteps);
      const greedy = g.evaluate(50, EVAL_SEED, true);
      const sampled = g.evaluate(50, EVAL_SEED, false);
      console.log(`${envId} ${presetName} ${traj} trajectories, seed ${s}: greedy ${greedy.mean.toFixed(2)}, sampled ${sampled.mean.toFixed(2)} (50 episodes each)`);
    } finally {
      g.dispose();
    }
  }
}

main().catch((e) => {
  console.error(e instanceof GanrlError ? `gail-stochastic-eval: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
