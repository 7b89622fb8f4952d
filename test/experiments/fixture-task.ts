/** A tiny sweep task for the tests: squares a number, fails on request, sleeps a little. */
import type { RunSpec } from "../../lib/experiments";

export async function square(spec: RunSpec): Promise<Record<string, unknown>> {
  const x = spec.params.x as number;
  if (spec.params.fail) throw new Error(`asked to fail at x=${x}`);
  await new Promise((r) => setTimeout(r, 20));
  return { y: x * x, pid: process.pid };
}
