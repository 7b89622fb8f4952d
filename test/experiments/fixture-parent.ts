/**
 * A sweep parent for the interruption tests: runs one hanging run; the tests kill it with SIGKILL
 * (its worker must exit too) or interrupt it with SIGINT (it must stop, say so and exit 130).
 */
import * as path from "path";
import { runSweep, SweepInterrupted } from "../../lib/experiments";

const [outDir, pidFile] = process.argv.slice(2);
runSweep([{ id: "hang/x1", params: { x: 1, hang: true, pidFile } }], { task: { module: path.join(__dirname, "fixture-task.ts"), fn: "square" }, outDir, workers: 1 }).then(
  () => process.exit(0),
  (e) => {
    console.log(e instanceof SweepInterrupted ? `interrupted: ${e.message}` : `failed: ${e}`);
    process.exit(e instanceof SweepInterrupted ? 130 : 1);
  },
);
