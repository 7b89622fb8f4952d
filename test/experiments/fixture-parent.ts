/** A sweep parent for the orphan test: runs one hanging run; the test kills this process with SIGKILL. */
import * as path from "path";
import { runSweep } from "../../lib/experiments";

const [outDir, pidFile] = process.argv.slice(2);
runSweep([{ id: "hang/x1", params: { x: 1, hang: true, pidFile } }], { task: { module: path.join(__dirname, "fixture-task.ts"), fn: "square" }, outDir, workers: 1 }).catch(() => undefined);
