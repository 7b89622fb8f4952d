/**
 * A section timer for profiling training loops (`npm run bench -- profile`). Off by default:
 * while `profiler.enabled` is false, `begin`/`end` return after one property read, so the
 * instrumentation left in the library costs nothing measurable.
 *
 *     profiler.begin("rollout/env"); env.step(a); profiler.end("rollout/env");
 *     profiler.time("update/value", () => fitValue(...));
 *
 * Sections nest; each is recorded under its path (`update/policy/cg`) with its inclusive time,
 * its self time (inclusive minus the children's) and its number of calls, in wall-clock and in
 * process CPU time (`process.cpuUsage`: on a shared machine the CPU time is what the run itself
 * used, while the wall time also counts the waits for other processes). TF.js work must be
 * finished inside the section to be charged to it: on the wasm and cpu backends every kernel runs
 * synchronously, and a download (`dataSync`) waits for the rest.
 */
import { performance } from "perf_hooks";
import { GanrlError } from "./validate";

/** One section's totals (milliseconds). */
export interface SectionTotals {
  /** Wall time from begin to end, children included. */
  totalMs: number;
  /** `totalMs` minus the children's `totalMs`. */
  selfMs: number;
  /** Process CPU time (user + system) from begin to end, children included. */
  cpuTotalMs: number;
  /** `cpuTotalMs` minus the children's. */
  cpuSelfMs: number;
  calls: number;
}

interface Frame {
  path: string;
  t0: number;
  c0: number;
  childMs: number;
  childCpuMs: number;
}

/** Process CPU time (user + system) in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export class Profiler {
  /** Record sections (default false: `begin`/`end` are no-ops). */
  enabled = false;
  private readonly stack: Frame[] = [];
  private readonly totals = new Map<string, SectionTotals>();

  /** Opens section `name` (nested under the open one). */
  begin(name: string): void {
    if (!this.enabled) return;
    const top = this.stack[this.stack.length - 1];
    this.stack.push({ path: top ? `${top.path}/${name}` : name, t0: performance.now(), c0: cpuMs(), childMs: 0, childCpuMs: 0 });
  }

  /** Closes section `name` (must be the innermost open one). */
  end(name: string): void {
    if (!this.enabled) return;
    const t1 = performance.now();
    const c1 = cpuMs();
    const f = this.stack.pop();
    if (!f || !(f.path === name || f.path.endsWith(`/${name}`))) {
      throw new GanrlError(`profiler: end('${name}') does not match the open section ${f ? `'${f.path}'` : "(none)"}; pair every begin with an end`);
    }
    const ms = t1 - f.t0;
    const cpu = c1 - f.c0;
    const parent = this.stack[this.stack.length - 1];
    if (parent) {
      parent.childMs += ms;
      parent.childCpuMs += cpu;
    }
    const s = this.totals.get(f.path);
    if (s) {
      s.totalMs += ms;
      s.selfMs += ms - f.childMs;
      s.cpuTotalMs += cpu;
      s.cpuSelfMs += cpu - f.childCpuMs;
      s.calls++;
    } else {
      this.totals.set(f.path, { totalMs: ms, selfMs: ms - f.childMs, cpuTotalMs: cpu, cpuSelfMs: cpu - f.childCpuMs, calls: 1 });
    }
  }

  /** Runs `fn` inside section `name` (closed on return or throw). */
  time<T>(name: string, fn: () => T): T {
    if (!this.enabled) return fn();
    this.begin(name);
    try {
      return fn();
    } finally {
      this.end(name);
    }
  }

  /** Like `time` for async functions. */
  async timeAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.enabled) return fn();
    this.begin(name);
    try {
      return await fn();
    } finally {
      this.end(name);
    }
  }

  /** The recorded sections by path (a copy). */
  sections(): Map<string, SectionTotals> {
    return new Map([...this.totals].map(([k, v]) => [k, { ...v }]));
  }

  /** Forgets every recorded section and any open ones. */
  reset(): void {
    this.totals.clear();
    this.stack.length = 0;
  }
}

/** The process-wide profiler the library's training loops report to. */
export const profiler = new Profiler();
