/**
 * A sweep worker process: receives `{ task, spec }` from its parent, runs
 * `require(task.module)[task.fn](spec)`, sends back the result and exits. It exits at once when
 * its parent goes (the IPC channel closes, also after `kill -9` of the parent), so no orphan
 * keeps training.
 */
import type { RunSpec, TaskRef, RunResult } from "./sweep";

process.on("disconnect", () => process.exit(0));

/** The TF.js backend the task ran on, if it loaded TF.js (recorded in the run file). */
function backendName(): string | null {
  if (!Object.keys(require.cache).some((k) => k.includes("@tensorflow/tfjs-core"))) return null;
  try {
    return (require("@tensorflow/tfjs-core") as { getBackend(): string }).getBackend() ?? null;
  } catch {
    return null;
  }
}

process.on("message", async (msg: { task: TaskRef; spec: RunSpec }) => {
  const t0 = Date.now();
  try {
    const mod = require(msg.task.module) as Record<string, (spec: RunSpec) => Promise<RunResult>>;
    const fn = mod[msg.task.fn];
    if (typeof fn !== "function") throw new Error(`${msg.task.module} exports no function ${msg.task.fn}`);
    const result = await fn(msg.spec);
    process.send?.({ type: "done", id: msg.spec.id, result, seconds: (Date.now() - t0) / 1000, backend: backendName() }, () => process.exit(0));
  } catch (e) {
    const error = e instanceof Error ? `${e.message}` : String(e);
    process.send?.({ type: "fail", id: msg.spec.id, error, seconds: (Date.now() - t0) / 1000 }, () => process.exit(1));
  }
});
