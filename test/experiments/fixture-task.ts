/** A tiny sweep task for the tests: squares a number, fails on request, sleeps or hangs on request. */
import * as fs from "fs";
import type { RunSpec } from "../../lib/experiments";

export async function square(spec: RunSpec): Promise<Record<string, unknown>> {
  const x = spec.params.x as number;
  if (spec.params.fail) throw new Error(`asked to fail at x=${x}`);
  if (typeof spec.params.pidFile === "string") fs.writeFileSync(spec.params.pidFile, String(process.pid));
  if (spec.params.hang) await new Promise((r) => setTimeout(r, 60_000));
  if (spec.params.selfKill) process.kill(process.pid, "SIGKILL");
  await new Promise((r) => setTimeout(r, 20));
  return { y: x * x, pid: process.pid };
}
