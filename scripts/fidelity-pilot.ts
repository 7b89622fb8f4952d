/**
 * Pilot runs for the paper protocol's fidelity options (issue 15 item 4): the paper presets
 * (`paperCartPole`, `paperAcrobot`, `paperMountainCar`) with and without each opt-in option, the
 * same seeds and demonstrations, at a reduced budget, through the reproduction's own run task
 * (`runGail`: train, then 50 deterministic evaluation episodes). Nothing here changes a preset or
 * a stored run: each variant is the preset's options with one field changed, passed as the run's
 * `presetOptions`.
 *
 *   npx tsx scripts/fidelity-pilot.ts [--out file.json] [--seeds 3] [--trajectories 4] [--only GAIL|BC] [--envs CartPole-v0,...] [--variants base,vfTrustRegion,...]
 *
 * Results are appended to the output file (default /tmp/fidelity-pilot.json) after every run, so an
 * interrupted pilot resumes where it stopped; `--table` prints the table from that file.
 */
import * as fs from "fs";
import { writeJsonAtomic, meanStd } from "../lib/core";
import { runGail, getPreset, referenceReturns, GailRunParams, GailRunResult } from "../lib/experiments/gail";

const args = process.argv.slice(2);
const arg = (k: string, d: string) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const out = arg("--out", "/tmp/fidelity-pilot.json");
const seeds = Number(arg("--seeds", "3"));
const trajectories = Number(arg("--trajectories", "4"));
const only = arg("--only", "");
const ENVS: [string, string, number][] = [
  ["CartPole-v0", "paperCartPole", 100_000],
  ["Acrobot-v0", "paperAcrobot", 150_000],
  ["MountainCar-v0", "paperMountainCar", 300_000],
];
const envs = arg("--envs", ENVS.map((e) => e[0]).join(",")).split(",");

type Variant = { name: string; algo: "GAIL" | "BC"; what: string; gen?: Record<string, unknown>; gail?: (seed: number) => Record<string, unknown>; bc?: (seed: number) => Record<string, unknown> };
const VARIANTS: Variant[] = [
  { name: "base", algo: "GAIL", what: "the paper preset as stored" },
  { name: "vfTrustRegion", algo: "GAIL", what: "value function by one trust-region step (vfFit trustRegion, δ_V 0.01, β_V 0.1)", gen: { vfFit: "trustRegion" } },
  { name: "wholeEpisodes", algo: "GAIL", what: "complete episodes only, ≥ 5,000 pairs a batch, one environment (the paper's sequential sampler)", gen: { numEnvs: 1, nSteps: 5000, wholeEpisodes: true } },
  { name: "offsets", algo: "GAIL", what: "subsampling offsets from their own stream, demoOffsetSeed = seed (BC's)", gail: (seed) => ({ demoOffsetSeed: seed }) },
  { name: "allThree", algo: "GAIL", what: "all three together", gen: { vfFit: "trustRegion", numEnvs: 1, nSteps: 5000, wholeEpisodes: true }, gail: (seed) => ({ demoOffsetSeed: seed }) },
  { name: "base", algo: "BC", what: "the paper preset as stored" },
  { name: "normAll", algo: "BC", what: "input statistics of every kept pair (normalizeFrom all)", bc: () => ({ normalizeFrom: "all" }) },
  { name: "offsets", algo: "BC", what: "subsampling offsets from their own stream, demoOffsetSeed = seed", bc: (seed) => ({ demoOffsetSeed: seed }) },
  { name: "paperSelect", algo: "BC", what: "snapshot by validation loss every 100 steps (the paper's valacc = −loss, bclone_eval_freq 100)", bc: () => ({ selectBy: "loss", evalEvery: 100 }) },
  { name: "allBC", algo: "BC", what: "normAll + offsets + paperSelect", bc: (seed) => ({ normalizeFrom: "all", demoOffsetSeed: seed, selectBy: "loss", evalEvery: 100 }) },
];
const chosen = arg("--variants", "").split(",").filter(Boolean);

interface Row { env: string; algo: string; variant: string; seed: number; trajectories: number; steps: number; meanReturn: number; envSteps: number; wallSeconds: number }

function load(): Row[] {
  return fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as Row[]) : [];
}

function table(rows: Row[]): void {
  const refs: Record<string, { random: number; expert: number }> = {};
  console.log("| env | algo | variant | runs | mean return per seed | mean | normalised | Δ vs base (normalised) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [env] of ENVS) {
    refs[env] ??= referenceReturns(env);
    const r = refs[env];
    const norm = (x: number) => (x - r.random) / (r.expert - r.random);
    for (const algo of ["BC", "GAIL"]) {
      const base = rows.filter((x) => x.env === env && x.algo === algo && x.variant === "base");
      const baseMean = base.length ? meanStd(base.map((x) => x.meanReturn)).mean : NaN;
      for (const v of VARIANTS.filter((v) => v.algo === algo)) {
        const rs = rows.filter((x) => x.env === env && x.algo === algo && x.variant === v.name).sort((a, b) => a.seed - b.seed);
        if (!rs.length) continue;
        const m = meanStd(rs.map((x) => x.meanReturn), 1);
        console.log(`| ${env} | ${algo} | ${v.name} | ${rs.length} | ${rs.map((x) => x.meanReturn.toFixed(1)).join(", ")} | ${m.mean.toFixed(1)} ± ${m.std.toFixed(1)} | ${norm(m.mean).toFixed(2)} | ${v.name === "base" ? "—" : (norm(m.mean) - norm(baseMean)).toFixed(2)} |`);
      }
    }
  }
}

async function main(): Promise<void> {
  if (args.includes("--table")) return table(load());
  const rows = load();
  for (const [env, presetName, steps] of envs.map((id) => ENVS.find((e) => e[0] === id)).filter((e): e is [string, string, number] => e !== undefined)) {
    const preset = getPreset(presetName);
    for (let seed = 0; seed < seeds; seed++) {
      for (const v of VARIANTS.filter((v) => (!only || v.algo === only) && (!chosen.length || chosen.includes(v.name)))) {
        if (rows.some((r) => r.env === env && r.algo === v.algo && r.variant === v.name && r.seed === seed && r.trajectories === trajectories && (v.algo === "BC" || r.steps === steps))) continue;
        const gail = { ...preset.gail, ...(v.gen ? { generatorOptions: { ...(preset.gail.generatorOptions as Record<string, unknown>), ...v.gen } } : {}), ...(v.gail ? v.gail(seed) : {}) };
        const bc = { ...preset.bc, ...(v.bc ? v.bc(seed) : {}) };
        const params: GailRunParams = { protocol: "paper", envId: env, algo: v.algo, trajectories, seed, preset: presetName, steps, evalEpisodes: 50, presetOptions: v.algo === "GAIL" ? { gail } : { bc } };
        const t0 = Date.now();
        const res: GailRunResult = await runGail({ id: `pilot/${env}/${v.algo}/${v.name}/seed${seed}`, params });
        rows.push({ env, algo: v.algo, variant: v.name, seed, trajectories, steps, meanReturn: res.meanReturn, envSteps: res.envSteps, wallSeconds: (Date.now() - t0) / 1000 });
        writeJsonAtomic(out, rows);
        console.log(`${env} ${v.algo} ${v.name} seed ${seed}: ${res.meanReturn.toFixed(1)} (${res.envSteps} steps, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  }
  table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
