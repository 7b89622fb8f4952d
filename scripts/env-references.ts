/**
 * Measures the reference returns of every environment spec (`lib/envs/specs.ts` REFERENCES) and
 * prints them as that table's source lines:
 *
 *   npx tsx scripts/env-references.ts
 *
 * random: uniform-random actions, 1000 episodes (seeds 0..999); controller: `EnvSpec.controller`,
 * 100 episodes (seeds 0..99); expert: `data/experts/<id>.json`, 100 deterministic episodes
 * (seeds 0..99), the figure `npx ganrl eval --policy data/experts/<id>.json --env <id> --episodes 100 --seed 0` prints.
 */
import * as fs from "fs";
import * as path from "path";
import { initBackend, repoRoot } from "../lib/core";
import { ENV_IDS, controllerRule, episodeStats, randomRule } from "../lib/envs";
import { evaluateActor, loadActorFor } from "../bin/commands/common";

const r4 = (x: number) => Number(x.toFixed(4));

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  for (const id of ENV_IDS) {
    const random = episodeStats(id, randomRule(id), 1000, 0);
    const controller = episodeStats(id, controllerRule(id), 100, 0);
    const file = path.join(repoRoot, "data", "experts", `${id}.json`);
    let expert = "ref(NaN, NaN, 100) /* no expert file */";
    if (fs.existsSync(file)) {
      const { actor } = loadActorFor(file, id);
      const s = evaluateActor(actor, id, 100, 0, true);
      actor.dispose();
      expert = `ref(${r4(s.meanReturn)}, ${r4(s.stdReturn)}, 100)`;
    }
    console.log(`  "${id}": { random: ref(${r4(random.mean)}, ${r4(random.std)}, 1000), controller: ref(${r4(controller.mean)}, ${r4(controller.std)}, 100), expert: ${expert} },`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
