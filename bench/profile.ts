/**
 * Where a GAIL run's wall time goes: a fixed-budget run of each preset that matters (the paper's
 * TRPO protocol on CartPole-v0 and Acrobot-v0, the modern PPO presets on CartPole-v1 and
 * Acrobot-v1), one expert trajectory (`data/demos/<env>/traj-1.json`), seed 0, with the library's
 * section profiler (`lib/core/profile.ts`) on. Prints seconds and shares per section, environment
 * steps per second with updates and without evaluation, and a fingerprint of the result (final
 * learned weights and metrics) so that two builds can be checked to compute the same run.
 *
 * Each preset first runs one untimed iteration in a throw-away trainer (wasm kernels, optimiser
 * slots), so the figures describe the steady state of a long run.
 *
 * Sections are charged in process CPU time, which on a shared machine is what the run itself used
 * (its wall time also counts waiting for other processes); with the process pinned to one core
 * (`taskset -c 1`) and an idle machine the two agree. Both are printed, with the load average.
 *
 * Run: `npm run bench -- profile [--quick] [--sections] [--presets paperCartPole,modernAcrobot]`
 * (or `npx tsx bench/profile.ts ...`). Pin to one core for comparable figures: `taskset -c 1 ...`.
 */
import * as os from "os";
import * as path from "path";
import { initBackend, describeBackend, profiler, repoRoot, SectionTotals, cpuMs } from "../lib/core";
import { GAIL, IMITATION_PRESETS, ImitationPreset } from "../lib/imitation";
import { getFlat } from "../lib/nn";

/** The presets profiled, with their full and quick budgets (environment steps). */
export const PROFILE_PRESETS: readonly { name: string; steps: number; quickSteps: number }[] = [
  { name: "paperCartPole", steps: 20 * 5000, quickSteps: 2 * 5000 },
  { name: "paperAcrobot", steps: 20 * 5000, quickSteps: 2 * 5000 },
  { name: "modernCartPole", steps: 80 * 256, quickSteps: 16 * 256 },
  { name: "modernAcrobot", steps: 10 * 2048, quickSteps: 2 * 2048 },
];

/** Rows of the table: a label and the section paths whose self time it sums. */
export const PROFILE_ROWS: readonly { label: string; paths: readonly string[] }[] = [
  { label: "env stepping", paths: ["rollout/env"] },
  { label: "policy/value inference (rollout)", paths: ["rollout/policy", "rollout/values"] },
  { label: "rollout bookkeeping", paths: ["rollout"] },
  { label: "disc reward relabelling", paths: ["reward/relabel"] },
  { label: "disc update", paths: ["reward/disc-update"] },
  { label: "policy update: gradient", paths: ["update/policy/grad"] },
  { label: "policy update: FVP / CG", paths: ["update/policy/cg"] },
  { label: "policy update: line search", paths: ["update/policy/linesearch"] },
  { label: "policy update (PPO, joint with value)", paths: ["update/ppo", "update/policy"] },
  { label: "value fit", paths: ["update/value"] },
  { label: "GAE", paths: ["gae"] },
  { label: "evaluation", paths: ["eval"] },
];

export interface ProfileResult {
  preset: string;
  envId: string;
  steps: number;
  iterations: number;
  wallSeconds: number;
  /** Process CPU seconds of the run. */
  cpuSeconds: number;
  /** CPU seconds in evaluation. */
  evalSeconds: number;
  /** Environment steps per CPU second, updates included, evaluation excluded. */
  stepsPerSecNoEval: number;
  /** The same per wall second (evaluation's wall time excluded). */
  stepsPerWallSecNoEval: number;
  /** Load average (1 min) at the start and the end. */
  load: [number, number];
  /** CPU seconds per row label (plus "other"). */
  rows: { label: string; seconds: number }[];
  /** Every recorded section (self and total ms). */
  sections: Map<string, SectionTotals>;
  /** Result fingerprint: Σ|θ| of the policy and discriminator, final metrics. */
  fingerprint: { policyAbsSum: number; discAbsSum: number; epReturn: number; evalReturn: number; policyLoss: number };
}

function demosFor(envId: string): string {
  return path.join(repoRoot, "data", "demos", envId, "traj-1.json");
}

function absSum(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

/** One profiled run of `preset` for `steps` environment steps (seed 0). */
export async function profilePreset(preset: ImitationPreset, steps: number): Promise<ProfileResult> {
  const envId = preset.gail.envId as string;
  const demos = demosFor(envId);
  // warm-up: one iteration in a throw-away trainer, not recorded
  {
    const w = new GAIL({ ...preset.gail, demos, seed: 0, evalEvery: 1 });
    await w.learn(1);
    w.dispose();
  }
  const gail = new GAIL({ ...preset.gail, demos, seed: 0 });
  const load0 = os.loadavg()[0];
  profiler.reset();
  profiler.enabled = true;
  const t0 = performance.now();
  const c0 = cpuMs();
  let res;
  try {
    res = await gail.learn(steps);
  } finally {
    profiler.enabled = false;
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpuMs() - c0) / 1000;
  const sections = profiler.sections();
  profiler.reset();
  const self = (p: string) => (sections.get(p)?.cpuSelfMs ?? 0) / 1000;
  const rows = PROFILE_ROWS.map((r) => ({ label: r.label, seconds: r.paths.reduce((s, p) => s + self(p), 0) }));
  const counted = [...sections.values()].reduce((s, v) => s + v.cpuSelfMs, 0) / 1000;
  rows.push({ label: "other", seconds: Math.max(0, cpuSeconds - counted) });
  const evalSeconds = (sections.get("eval")?.cpuTotalMs ?? 0) / 1000;
  const evalWall = (sections.get("eval")?.totalMs ?? 0) / 1000;
  const m = res.metrics;
  const out: ProfileResult = {
    preset: preset.name,
    envId,
    steps: res.step,
    iterations: res.iteration,
    wallSeconds,
    cpuSeconds,
    evalSeconds,
    stepsPerSecNoEval: res.step / (cpuSeconds - evalSeconds),
    stepsPerWallSecNoEval: res.step / (wallSeconds - evalWall),
    load: [load0, os.loadavg()[0]],
    rows,
    sections,
    fingerprint: {
      policyAbsSum: absSum(getFlat(gail.policy.trainableVariables)),
      discAbsSum: absSum(getFlat(gail.discVariables())),
      epReturn: m["gen/epReturn"] ?? NaN,
      evalReturn: m["eval/return"] ?? NaN,
      policyLoss: m["losses/policy"] ?? NaN,
    },
  };
  gail.dispose();
  return out;
}

/** Profiles the named presets (default: all four of `PROFILE_PRESETS`). */
export async function benchProfile(opts: { quick?: boolean; presets?: readonly string[] } = {}): Promise<ProfileResult[]> {
  await initBackend({ quiet: true });
  const chosen = opts.presets && opts.presets.length ? PROFILE_PRESETS.filter((p) => opts.presets!.includes(p.name)) : PROFILE_PRESETS;
  const out: ProfileResult[] = [];
  for (const p of chosen) out.push(await profilePreset(IMITATION_PRESETS[p.name], opts.quick ? p.quickSteps : p.steps));
  return out;
}

/** The results as one table (seconds and shares per preset), the throughput line and the fingerprints. */
export function formatProfile(results: readonly ProfileResult[], opts: { sections?: boolean } = {}): string {
  const labelW = 40;
  const colW = 16;
  const head = `${"section".padEnd(labelW)}${results.map((r) => r.preset.padStart(colW)).join("")}`;
  const lines = [head, `${"".padEnd(labelW)}${results.map((r) => `${r.envId}`.padStart(colW)).join("")}`, "-".repeat(labelW + colW * results.length)];
  const labels = results[0]?.rows.map((r) => r.label) ?? [];
  for (const label of labels) {
    const cells = results.map((r) => {
      const s = r.rows.find((x) => x.label === label)!.seconds;
      return s === 0 ? "—".padStart(colW) : `${s.toFixed(2)} s ${((100 * s) / r.cpuSeconds).toFixed(0).padStart(3)}%`.padStart(colW);
    });
    lines.push(`${label.padEnd(labelW)}${cells.join("")}`);
  }
  lines.push("-".repeat(labelW + colW * results.length));
  lines.push(`${"CPU time (the shares' total)".padEnd(labelW)}${results.map((r) => `${r.cpuSeconds.toFixed(2)} s`.padStart(colW)).join("")}`);
  lines.push(`${"wall time".padEnd(labelW)}${results.map((r) => `${r.wallSeconds.toFixed(2)} s`.padStart(colW)).join("")}`);
  lines.push(`${"load average at start, end".padEnd(labelW)}${results.map((r) => `${r.load[0].toFixed(1)}, ${r.load[1].toFixed(1)}`.padStart(colW)).join("")}`);
  lines.push(`${"env steps (iterations)".padEnd(labelW)}${results.map((r) => `${r.steps} (${r.iterations})`.padStart(colW)).join("")}`);
  lines.push(`${"env steps per CPU s, eval out".padEnd(labelW)}${results.map((r) => `${Math.round(r.stepsPerSecNoEval)}`.padStart(colW)).join("")}`);
  lines.push(`${"env steps per wall s, eval out".padEnd(labelW)}${results.map((r) => `${Math.round(r.stepsPerWallSecNoEval)}`.padStart(colW)).join("")}`);
  lines.push("", "fingerprints (same seed and maths: identical across builds):");
  for (const r of results) {
    const f = r.fingerprint;
    lines.push(`  ${r.preset.padEnd(16)} Σ|θ_π| ${f.policyAbsSum.toFixed(6)}  Σ|θ_D| ${f.discAbsSum.toFixed(6)}  epReturn ${f.epReturn.toFixed(3)}  eval ${Number.isNaN(f.evalReturn) ? "—" : f.evalReturn.toFixed(3)}  loss/policy ${f.policyLoss.toExponential(6)}`);
  }
  if (opts.sections) {
    lines.push("", "sections (CPU self ms / CPU total ms / wall total ms / calls):");
    for (const r of results) {
      lines.push(`  ${r.preset}`);
      for (const [p, s] of [...r.sections].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`    ${p.padEnd(28)} ${s.cpuSelfMs.toFixed(1).padStart(10)} ${s.cpuTotalMs.toFixed(1).padStart(10)} ${s.totalMs.toFixed(1).padStart(10)} ${String(s.calls).padStart(7)}`);
    }
  }
  return lines.join("\n");
}

/** Parses `--quick`, `--sections`, `--presets a,b` from argv. */
export function profileArgs(argv: readonly string[]): { quick: boolean; sections: boolean; presets: string[] } {
  const i = argv.indexOf("--presets");
  const presets = i >= 0 && argv[i + 1] ? argv[i + 1].split(",").filter(Boolean) : [];
  for (const p of presets) {
    if (!PROFILE_PRESETS.some((q) => q.name === p)) {
      console.error(`unknown preset '${p}' for --presets; valid: ${PROFILE_PRESETS.map((q) => q.name).join(", ")}`);
      process.exit(2);
    }
  }
  return { quick: argv.includes("--quick"), sections: argv.includes("--sections"), presets };
}

if (require.main === module) {
  (async () => {
    const a = profileArgs(process.argv.slice(2));
    const b = await initBackend({ quiet: true });
    console.log(`${describeBackend(b)}; node ${process.version}; load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    console.log(formatProfile(await benchProfile(a), a));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
