/**
 * `npm start`: the main job. Imitation or the reward's sign? BC, GAIL and GAIL's constant-reward
 * control (same generator, budget and seeds, a constant +1 per step instead of −log(1 − D)) with
 * 1 and 4 expert trajectories, 3 seeds each, on two tasks: the GAIL paper's CartPole-v0 protocol
 * (TRPO, demonstrations subsampled every 10th pair, 50k steps), where the constant alone is
 * CartPole's true reward, and seals/CartPole-v0 (fixed 500-step horizon, PPO, 200k steps), where
 * no constant can pay for surviving. Runs in parallel over the CPU cores; prints the table and
 * writes data/results/gail-table-quick.csv and the offline HTML report
 * data/results/gail-report-quick.html (the control beside GAIL on every chart).
 * Options are those of `npx ganrl reproduce gail` (e.g. `npm start -- --seeds 5`, which, being
 * a non-default budget, writes to runs/scratch/ instead).
 */
import { reproduceMain } from "./reproduce";

reproduceMain(["gail", "--protocol", "quick", ...process.argv.slice(2)]).then((code) => process.exit(code));
