/**
 * A sweep worker process: receives `{ task, spec }` from its parent, runs
 * `require(task.module)[task.fn](spec)`, sends back the result and exits.
 */
import type { RunSpec, TaskRef, RunResult } from "./sweep";

process.on("message", async (msg: { task: TaskRef; spec: RunSpec }) => {
  const t0 = Date.now();
  try {
    const mod = require(msg.task.module) as Record<string, (spec: RunSpec) => Promise<RunResult>>;
    const fn = mod[msg.task.fn];
    if (typeof fn !== "function") throw new Error(`${msg.task.module} exports no function ${msg.task.fn}`);
    const result = await fn(msg.spec);
    process.send?.({ type: "done", id: msg.spec.id, result, seconds: (Date.now() - t0) / 1000 }, () => process.exit(0));
  } catch (e) {
    const error = e instanceof Error ? `${e.message}` : String(e);
    process.send?.({ type: "fail", id: msg.spec.id, error, seconds: (Date.now() - t0) / 1000 }, () => process.exit(1));
  }
});
