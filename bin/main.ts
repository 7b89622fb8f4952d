/**
 * `npm start`: the main job. A short GAIL reproduction on the shipped demonstrations: GAIL and
 * behavioural cloning on CartPole-v1 with 1 and 4 expert trajectories, 3 seeds each, run in
 * parallel over the CPU cores; prints the table and writes data/results/gail-table-quick.csv
 * and the offline HTML report data/results/gail-report-quick.html.
 * Options are those of bin/reproduce.ts (e.g. `npm start -- --seeds 5`).
 */
import { main } from "./reproduce";
import { GanrlError } from "../lib/core";

main([...process.argv.slice(0, 2), "--protocol", "quick", ...process.argv.slice(2)]).catch((e) => {
  console.error(e instanceof GanrlError ? `error: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
