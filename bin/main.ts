/**
 * `npm start`: the main job. A short GAIL reproduction on the shipped demonstrations: GAIL and
 * behavioural cloning on CartPole-v1 with 1 and 4 expert trajectories, 3 seeds each, run in
 * parallel over the CPU cores; prints the table and writes data/results/gail-table-quick.csv
 * and the offline HTML report data/results/gail-report-quick.html.
 * Options are those of `npx ganrl reproduce gail` (e.g. `npm start -- --seeds 5`, which, being
 * a non-default budget, writes to runs/scratch/ instead).
 */
import { reproduceMain } from "./reproduce";

reproduceMain(["gail", "--protocol", "quick", ...process.argv.slice(2)]).then((code) => process.exit(code));
