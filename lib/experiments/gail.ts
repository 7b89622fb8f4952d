/**
 * The GAIL reproduction: run specs for each protocol, the sweep task that executes one run
 * (GAIL or BC, one environment, one dataset size, one seed), and the tables built from the
 * stored results.
 *
 * Protocols (see `../shared/reference/gail-paper.md` and `lib/imitation/presets.ts`):
 * - `paper`: CartPole-v0 / Acrobot-v0 (200-step limit, Acrobot's raw 4-number observation),
 *   demonstrations subsampled every 10th / 5th pair, TRPO with the paper's hyperparameters,
 *   100-100 tanh networks, reward −log(1 − D) on CartPole and log D on Acrobot, 7 runs, each
 *   learned policy evaluated deterministically over 50 episodes;
 * - `v1`: CartPole-v1 / Acrobot-v1 (500-step limit), whole trajectories, the `modern*` presets,
 *   5 seeds, 50 evaluation episodes each;
 * - `quick`: the main job (`npm start`): GAIL, BC and the constant-reward control on CartPole-v1
 *   with 1 and 4 trajectories.
 *
 * Every GAIL cell runs beside its controls (`CONTROL_ALGOS`; the quick protocol only the constant
 * one), and its table row states GAIL's margin over the best of them (`gailMinusBestControl`).
 *
 * Table cells pool every evaluation episode of every run of a cell (as the paper's released
 * numbers do): mean ± population standard deviation over episodes. `normalizedMean` maps the
 * random policy's mean return to 0 and our expert's to 1.
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { repoRoot, meanStd, GanrlError, initBackend, Rng, BackendName } from "../core";
import { getEnvSpec, makeEnv } from "../envs";
import { loadDemos, takeTrajectories } from "../data";
import { GAIL, GAIL_DEFAULTS, FEM, GTAL, LINEAR_DEFAULTS, LinearOptions, rewardFormSign, RewardForm, trainBC, ImitationPreset, IMITATION_PRESETS } from "../imitation";
import { evaluate, Actor } from "../rl";
import { CategoricalPolicy, NetJson } from "../nn";
import { RunSpec, StoredResult } from "./sweep";

export type Protocol = "paper" | "v1" | "neutral" | "quick" | "ablation" | "ablation-neutral";
export type ImitationAlgo = "BC" | "GAIL" | "FEM" | "GTAL" | "control-const" | "control-randomD";
/** Every row algorithm of the GAIL tables. */
export const IMITATION_ALGOS: readonly ImitationAlgo[] = ["BC", "FEM", "GTAL", "GAIL", "control-const", "control-randomD"];

/**
 * The control runs beside every GAIL cell (same generator, budget, seeds and demonstrations):
 * a constant reward of the reward form's sign, and a frozen randomly initialised discriminator.
 * A GAIL number is only as strong as its margin over the best of them.
 */
export const CONTROL_ALGOS = ["control-const", "control-randomD"] as const;
const CONTROL_OF: Record<(typeof CONTROL_ALGOS)[number], "const" | "randomD"> = { "control-const": "const", "control-randomD": "randomD" };

/** Whether a run trains a generator (GAIL, its controls, FEM, GTAL) rather than BC. */
export const isAdversarialAlgo = (a: ImitationAlgo): boolean => a !== "BC";

/** Parameters of one reproduction run (what a `RunSpec` of this module carries). */
export interface GailRunParams extends Record<string, unknown> {
  protocol: Protocol;
  envId: string;
  algo: ImitationAlgo;
  trajectories: number;
  seed: number;
  /** Name of an export of `lib/imitation/presets.ts`. */
  preset: string;
  /** Environment steps for GAIL (default: the preset's). */
  steps?: number;
  /** Deterministic evaluation episodes of the final policy. */
  evalEpisodes: number;
  /** Extra GAIL options on top of the preset (ablations). */
  overrides?: Record<string, unknown>;
  /** The preset's values when the run was planned (the run uses these, not today's preset). */
  presetOptions?: { gail?: Partial<ImitationPreset["gail"]>; bc?: Partial<ImitationPreset["bc"]> };
  /** SHA-256 of the demonstration file the run trains on. */
  demosSha256?: string;
  /** TF.js backend the run is planned for (results differ slightly between backends). */
  backend?: string;
}

/** The paper's dataset sizes. */
export const DATASET_SIZES = [1, 4, 7, 10] as const;

/** Seed of the first evaluation episode of a run: disjoint from training seeds. */
export const EVAL_SEED = 100_000;

/**
 * Demonstrations shipped for `envId` that a run with `trajectories` of them reads its first `n`
 * from: the 10-trajectory set up to 10, the 50-trajectory pool beyond (its first 10 are the set).
 */
export function demosFile(envId: string, trajectories = 10): string {
  return path.join(repoRoot, "data", "demos", envId, trajectories > 10 ? "pool-50.json" : "traj-10.json");
}

export function getPreset(name: string): ImitationPreset {
  const p = IMITATION_PRESETS[name];
  if (!p) throw new GanrlError(`unknown imitation preset '${name}'; valid presets: ${Object.keys(IMITATION_PRESETS).join(", ")}`);
  return p;
}

/** SHA-256 (hex) of a file's bytes. */
function fileSha256(file: string): string {
  if (!fs.existsSync(file)) throw new GanrlError(`no demonstrations at ${path.relative(repoRoot, file)}; ship them with \`npx ganrl demos\` (data/demos/README.md)`);
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * A run's spec. Its parameters hold everything that changes the result: the protocol's choices,
 * the preset resolved to its values (so an edited preset is a new run), the demonstrations'
 * SHA-256, the GAIL budget (GAIL only: BC never steps the environment) and the TF.js backend.
 */
function spec(p: GailRunParams): RunSpec {
  const extra = p.overrides && Object.keys(p.overrides).length ? `/${Object.entries(p.overrides).map(([k, v]) => `${k}=${v}`).join(",")}` : "";
  const preset = getPreset(p.preset);
  const resolved: GailRunParams = {
    ...p,
    ...(isAdversarialAlgo(p.algo) ? { steps: p.steps ?? preset.totalSteps, presetOptions: { gail: preset.gail } } : { steps: undefined, presetOptions: { bc: preset.bc } }),
    demosSha256: fileSha256(demosFile(p.envId, p.trajectories)),
  };
  return { id: `gail/${p.protocol}/${p.envId}/${p.algo}/traj${p.trajectories}${extra}/seed${p.seed}`, params: JSON.parse(JSON.stringify(resolved)) };
}

/** The budgets a protocol uses unless told otherwise. */
export const PROTOCOL_DEFAULTS: Record<Exclude<Protocol, "ablation" | "ablation-neutral">, { envs: [string, string][]; seeds: number; sizes: readonly number[]; steps?: Readonly<Record<string, number>> }> & { ablation: { seeds: number }; "ablation-neutral": { seeds: number; envs: [string, string][] } } = {
  paper: { envs: [["CartPole-v0", "paperCartPole"], ["Acrobot-v0", "paperAcrobot"], ["MountainCar-v0", "paperMountainCar"]], seeds: 7, sizes: DATASET_SIZES },
  v1: { envs: [["CartPole-v1", "modernCartPole"], ["Acrobot-v1", "modernAcrobot"]], seeds: 5, sizes: DATASET_SIZES },
  // the bias-free benchmark: fixed-horizon tasks, and terminating ones with the sign-neutral logit
  // reward and absorbing states, so no constant reward can pay for surviving or for ending
  neutral: {
    envs: [
      ["seals/CartPole-v0", "neutralSealsCartPole"],
      ["seals/MountainCar-v0", "sealsMountainCar"],
      ["CartPole-v1", "neutralCartPole"],
      ["Acrobot-v1", "neutralAcrobot"],
      ["MountainCar-v0", "neutralMountainCar"],
    ],
    seeds: 5,
    sizes: DATASET_SIZES,
  },
  // the main job (`npm start`): the paper's CartPole-v0 protocol, where −log(1 − D) ≥ 0 pays for
  // surviving exactly as the true reward does, beside seals/CartPole-v0, where a fixed horizon
  // leaves the sign nothing to pay for; each with its constant-reward control
  quick: {
    envs: [["CartPole-v0", "paperCartPole"], ["seals/CartPole-v0", "sealsCartPole"]],
    seeds: 3,
    sizes: [1, 4],
    steps: { "CartPole-v0": 50_000, "seals/CartPole-v0": 200_000 },
  },
  ablation: { seeds: 5 },
  // the stabiliser ablation where a switch can matter: the fixed-horizon tasks, where no reward
  // sign can stand in for imitation (the v1 ablation's CartPole-v1 pays −log(1 − D) ≥ 0 for surviving)
  "ablation-neutral": { seeds: 5, envs: [["seals/CartPole-v0", "sealsCartPole"], ["seals/MountainCar-v0", "sealsMountainCar"]] },
};

/** An environment's budget from `--steps`: one for every environment, or its own entry (undefined: not given). */
function stepsFor(steps: number | Readonly<Record<string, number>> | undefined, envId: string): number | undefined {
  return typeof steps === "number" ? steps : steps?.[envId];
}

/** Every run of a protocol (GAIL and BC × environments × dataset sizes × seeds). */
export function protocolSpecs(protocol: Protocol, opts: { seeds?: number; sizes?: readonly number[]; evalEpisodes?: number; steps?: number | Readonly<Record<string, number>>; backend?: string; controls?: boolean } = {}): RunSpec[] {
  if (protocol === "ablation") return ablationSpecs(opts);
  if (protocol === "ablation-neutral") return neutralAblationSpecs(opts);
  const t = PROTOCOL_DEFAULTS[protocol];
  const out: RunSpec[] = [];
  for (const [envId, preset] of t.envs) {
    // --steps, else the protocol's budget for this environment, else the preset's
    const steps = stepsFor(opts.steps, envId) ?? t.steps?.[envId];
    for (const trajectories of opts.sizes ?? t.sizes) {
      for (let seed = 0; seed < (opts.seeds ?? t.seeds); seed++) {
        // the paper's table has the apprenticeship-learning baselines FEM and GTAL as well
        const baselines = protocol === "paper" ? (["FEM", "GTAL"] as const) : ([] as const);
        for (const algo of ["BC", ...baselines, "GAIL", ...(opts.controls === false ? [] : protocol === "quick" ? (["control-const"] as const) : CONTROL_ALGOS)] as const) {
          out.push(spec({ protocol, envId, algo, trajectories, seed, preset, evalEpisodes: opts.evalEpisodes ?? 50, ...(steps ? { steps } : {}), ...(opts.backend ? { backend: opts.backend } : {}) }));
        }
      }
    }
  }
  return out;
}

/**
 * The stabiliser ablation of the GAIL notes (`../shared/reference/gail-notes-claims.md`), each
 * switch varied alone on top of the `modern*` preset, GAIL with 1 trajectory on CartPole-v1 and
 * Acrobot-v1. `claim` is the notes' figure (share of expert performance) for that setting.
 */
/** A value an ablated option takes (numbers, spectral normalisation's on/off, no reward clip). */
export type AblationValue = number | boolean | null;

/** One switch of an ablation: the option varied alone, its values and the notes' claim for each. */
export interface Ablation {
  name: string;
  /** A GAIL option, or `trajectories` (the dataset size). */
  option: string;
  values: { value: AblationValue; claim: string }[];
}

export const ABLATIONS: Ablation[] = [
  { name: "gradient penalty", option: "gradPenalty", values: [{ value: 0, claim: "mode collapse, 60% success" }, { value: 10, claim: "stable, 90% success" }] },
  {
    name: "discriminator steps per generator iteration",
    option: "discSteps",
    values: [
      { value: 1, claim: "~70% of expert (D underfits)" },
      { value: 5, claim: "~90% of expert (optimal)" },
      { value: 20, claim: "~75% of expert (D overfits)" },
    ],
  },
  {
    name: "generator entropy coefficient",
    option: "genEntCoef",
    values: [
      { value: 0, claim: "mode collapse to a deterministic policy" },
      { value: 0.01, claim: "~90% of expert" },
      { value: 0.1, claim: "~70% of expert (too stochastic)" },
    ],
  },
];

/**
 * The ablation of the bias-free benchmark (`--protocol ablation-neutral`): the notes' three
 * switches, the ones they do not measure (spectral normalisation, label smoothing, reward
 * clipping) and their dataset-size claim (50 trajectories from the pool), on the fixed-horizon
 * seals tasks.
 */
export const NEUTRAL_ABLATIONS: Ablation[] = [
  ...ABLATIONS,
  { name: "spectral normalisation of D", option: "spectralNorm", values: [{ value: false, claim: "" }, { value: true, claim: "" }] },
  { name: "label smoothing of D's targets", option: "labelSmoothing", values: [{ value: 0, claim: "" }, { value: 0.1, claim: "" }] },
  { name: "reward clipping", option: "rewardClip", values: [{ value: null, claim: "" }, { value: 2, claim: "" }] },
  {
    name: "demonstrations (trajectories)",
    option: "trajectories",
    values: [
      { value: 1, claim: "~60% of expert" },
      { value: 4, claim: "~85% of expert" },
      { value: 10, claim: "~95% of expert" },
      { value: 50, claim: "~98% of expert" },
    ],
  },
];

/** The ablations a protocol varies. */
function ablationsOf(protocol: Protocol): Ablation[] {
  return protocol === "ablation-neutral" ? NEUTRAL_ABLATIONS : ABLATIONS;
}

/**
 * The neutral ablation's runs: one baseline per environment and seed (the preset as it is, 1
 * trajectory), and one run per value that differs from the preset's, so a switch's default is
 * the shared baseline rather than a second copy of the same computation.
 */
function neutralAblationSpecs(opts: { seeds?: number; evalEpisodes?: number; steps?: number | Readonly<Record<string, number>>; backend?: string }): RunSpec[] {
  const out: RunSpec[] = [];
  const t = PROTOCOL_DEFAULTS["ablation-neutral"];
  for (const [envId, preset] of t.envs) {
    const steps = stepsFor(opts.steps, envId);
    const settings: { trajectories: number; overrides?: Record<string, AblationValue> }[] = [{ trajectories: 1 }];
    for (const a of NEUTRAL_ABLATIONS) {
      for (const v of a.values) {
        if (a.option === "trajectories") {
          if (v.value !== 1) settings.push({ trajectories: v.value as number });
        } else if (presetOptionValue(preset, a.option) !== v.value) settings.push({ trajectories: 1, overrides: { [a.option]: v.value } });
      }
    }
    for (const st of settings) {
      for (let seed = 0; seed < (opts.seeds ?? t.seeds); seed++) {
        out.push(spec({ protocol: "ablation-neutral", envId, algo: "GAIL", seed, preset, evalEpisodes: opts.evalEpisodes ?? 50, ...st, ...(steps ? { steps } : {}), ...(opts.backend ? { backend: opts.backend } : {}) }));
      }
    }
  }
  return out;
}

function ablationSpecs(opts: { seeds?: number; evalEpisodes?: number; steps?: number | Readonly<Record<string, number>>; backend?: string }): RunSpec[] {
  const out: RunSpec[] = [];
  for (const [envId, preset] of [["CartPole-v1", "modernCartPole"], ["Acrobot-v1", "modernAcrobot"]]) {
    const steps = stepsFor(opts.steps, envId);
    for (const a of ABLATIONS) {
      for (const v of a.values) {
        for (let seed = 0; seed < (opts.seeds ?? PROTOCOL_DEFAULTS.ablation.seeds); seed++) {
          out.push(spec({ protocol: "ablation", envId, algo: "GAIL", trajectories: 1, seed, preset, evalEpisodes: opts.evalEpisodes ?? 50, overrides: { [a.option]: v.value }, ...(steps ? { steps } : {}), ...(opts.backend ? { backend: opts.backend } : {}) }));
        }
      }
    }
  }
  return out;
}

/** One row of the ablation table. */
export interface AblationRow extends Record<string, unknown> {
  env: string;
  ablation: string;
  option: string;
  /** The option's value ("none": no reward clip). */
  value: AblationValue | "none";
  runs: number;
  normalizedMean: number;
  normalizedStd: number;
  /** Share of runs whose evaluation return reached 95% of the expert's (normalised ≥ 0.95) at some evaluation. */
  reached95: number;
  /** Share of runs whose final score (the run's own evaluation episodes after training) is ≥ 0.95 normalised. */
  finalAt95: number;
  /** Discriminator accuracy on expert / policy samples, mean over runs, over the last quarter of training. */
  lateAccExpert: number;
  lateAccGen: number;
  /** Whether this value is the preset's own (so the row is the unablated baseline). */
  presetDefault: boolean;
  claim: string;
}

/** The value an option takes in a preset's GAIL (genEntCoef null resolves to the generator's entCoef, PPO's default 0). */
export function presetOptionValue(presetName: string, option: string): unknown {
  const g = getPreset(presetName).gail as Record<string, unknown>;
  const v = option in g ? g[option] : (GAIL_DEFAULTS as unknown as Record<string, unknown>)[option];
  if (option === "genEntCoef" && (v === null || v === undefined)) return (g.generatorOptions as Record<string, unknown> | undefined)?.entCoef ?? 0;
  return v;
}

/** Stored ablation runs grouped by environment × switch × value (groups without runs left out). */
function ablationGroups(results: StoredResult[]): { env: string; ablation: Ablation; value: Ablation["values"][number]; runs: StoredResult[] }[] {
  const groups = [];
  const protocol = results.length ? (results[0].params as GailRunParams).protocol : "ablation";
  for (const env of [...new Set(results.map((r) => (r.params as GailRunParams).envId))].sort()) {
    for (const a of ablationsOf(protocol)) {
      for (const v of a.values) {
        const runs = results.filter((r) => {
          const p = r.params as GailRunParams;
          if (p.envId !== env) return false;
          const plain = !p.overrides || Object.keys(p.overrides).length === 0;
          // the dataset size: runs of the preset as it is with that many trajectories
          if (a.option === "trajectories") return plain && p.trajectories === v.value;
          if (p.trajectories !== 1) return false;
          // a switch's value: the runs that set it, or the baseline when it is the preset's own
          return plain ? presetOptionValue(p.preset, a.option) === v.value : p.overrides?.[a.option] === v.value;
        });
        if (runs.length) groups.push({ env, ablation: a, value: v, runs });
      }
    }
  }
  return groups;
}

/** The ablation table from stored results. */
export function buildAblationTable(results: StoredResult[], refs: Record<string, Reference>): AblationRow[] {
  const norm = (env: string, x: number) => (x - refs[env].random) / (refs[env].expert - refs[env].random);
  return ablationGroups(results).map(({ env, ablation: a, value: v, runs: rs }) => {
    const res = rs.map((r) => r.result as GailRunResult);
    const finals = meanStd(res.map((r) => norm(env, r.meanReturn)), 1);
    const reached = res.filter((r) => r.curve.some((pt) => pt.evalReturn !== null && norm(env, pt.evalReturn) >= 0.95)).length;
    const finalAt = res.filter((r) => norm(env, r.meanReturn) >= 0.95).length;
    const late = (pick: (pt: CurvePoint) => number) =>
      meanStd(res.map((r) => meanStd(r.curve.slice(Math.floor(r.curve.length * 0.75)).map(pick).filter(Number.isFinite)).mean)).mean;
    return {
      env,
      ablation: a.name,
      option: a.option,
      value: v.value ?? "none",
      runs: rs.length,
      normalizedMean: finals.mean,
      normalizedStd: finals.std,
      reached95: reached / rs.length,
      finalAt95: finalAt / rs.length,
      lateAccExpert: late((pt) => pt.accExpert),
      lateAccGen: late((pt) => pt.accGen),
      presetDefault: a.option === "trajectories" ? v.value === 1 : presetOptionValue((rs[0].params as GailRunParams).preset, a.option) === v.value,
      claim: v.claim,
    };
  });
}

/** One point of an ablation setting's mean trajectory (`gail-ablation-curves.csv`). */
export interface AblationCurveRow extends Record<string, unknown> {
  env: string;
  option: string;
  value: AblationValue;
  /** Upper edge of the step bin (training environment steps). */
  step: number;
  /** Runs with a point in the bin. */
  runs: number;
  accExpert: number;
  accGen: number;
  /** Mean normalised training return (true reward of the generator's episodes, monitoring only). */
  trainNormalized: number;
}

/**
 * The discriminator-accuracy and return trajectories of each ablation setting: every run's curve
 * averaged within `bins` equal step bins, then over the runs of the setting.
 */
export function buildAblationCurves(results: StoredResult[], refs: Record<string, Reference>, bins = 20): AblationCurveRow[] {
  const rows: AblationCurveRow[] = [];
  for (const { env, ablation: a, value: v, runs } of ablationGroups(results)) {
    const norm = (x: number) => (x - refs[env].random) / (refs[env].expert - refs[env].random);
    const res = runs.map((r) => r.result as GailRunResult);
    const maxStep = Math.max(...res.map((r) => r.envSteps));
    const width = maxStep / bins;
    for (let b = 0; b < bins; b++) {
      const per = res.map((r) => r.curve.filter((pt) => pt.step > b * width && pt.step <= (b + 1) * width)).filter((pts) => pts.length > 0);
      if (!per.length) continue;
      const avg = (pick: (pt: CurvePoint) => number) => meanStd(per.map((pts) => meanStd(pts.map(pick).filter(Number.isFinite)).mean).filter(Number.isFinite)).mean;
      rows.push({ env, option: a.option, value: v.value, step: Math.round((b + 1) * width), runs: per.length, accExpert: avg((pt) => pt.accExpert), accGen: avg((pt) => pt.accGen), trainNormalized: avg((pt) => norm(pt.trainReturn)) });
    }
  }
  return rows;
}

export const ABLATION_CURVE_COLUMNS = ["env", "option", "value", "step", "runs", "accExpert", "accGen", "trainNormalized"];

export const ABLATION_COLUMNS = ["env", "ablation", "option", "value", "presetDefault", "runs", "normalizedMean", "normalizedStd", "reached95", "finalAt95", "lateAccExpert", "lateAccGen", "claim"];

/** One point of a learning curve. */
export interface CurvePoint {
  step: number;
  /** Mean deterministic evaluation return (null between evaluations). */
  evalReturn: number | null;
  /** Mean return of the generator's finished training episodes (true reward, monitoring only). */
  trainReturn: number;
  accExpert: number;
  accGen: number;
}

/** What one run stores. */
export interface GailRunResult extends Record<string, unknown> {
  returns: number[];
  lengths: number[];
  meanReturn: number;
  stdReturn: number;
  envSteps: number;
  wallSeconds: number;
  /** First environment step at which the evaluation mean reached the env's `rewardThreshold` (CartPole-v1: 475) — null otherwise. */
  stepsToThreshold: number | null;
  curve: CurvePoint[];
}

/** The sweep task: trains and evaluates one run. Exported for `runSweep` (module + `runGail`). */
export async function runGail(s: RunSpec): Promise<GailRunResult> {
  const p = s.params as GailRunParams;
  await initBackend({ quiet: true, ...(p.backend ? { backend: p.backend as BackendName } : {}) });
  const named = getPreset(p.preset);
  const preset = { ...named, gail: p.presetOptions?.gail ?? named.gail, bc: p.presetOptions?.bc ?? named.bc };
  const file = demosFile(p.envId, p.trajectories);
  if (p.demosSha256 !== undefined && fileSha256(file) !== p.demosSha256) {
    throw new GanrlError(`${file} changed since run ${s.id} was planned (SHA-256 differs); plan the sweep again`);
  }
  const demos = takeTrajectories(loadDemos(file, p.envId), p.trajectories);
  const t0 = Date.now();
  if (p.algo === "BC") {
    const bc = trainBC(demos, { ...preset.bc, envId: p.envId, seed: p.seed });
    const ev = evaluate(bc.policy, p.envId, { episodes: p.evalEpisodes, seed: EVAL_SEED, deterministic: true });
    bc.policy.dispose();
    return { returns: ev.returns, lengths: ev.lengths, meanReturn: ev.mean, stdReturn: ev.std, envSteps: 0, wallSeconds: (Date.now() - t0) / 1000, stepsToThreshold: null, curve: [] };
  }
  const trainer = p.algo === "FEM" || p.algo === "GTAL" ? linearRun(p.algo, { ...preset.gail, ...(p.overrides ?? {}) }, { envId: p.envId, demos, seed: p.seed }) : new GAIL({ ...preset.gail, ...(p.overrides ?? {}), ...(p.algo === "GAIL" ? {} : { control: CONTROL_OF[p.algo as (typeof CONTROL_ALGOS)[number]] }), envId: p.envId, demos, seed: p.seed });
  const curve: CurvePoint[] = [];
  const threshold = getEnvSpec(p.envId).rewardThreshold;
  let stepsToThreshold: number | null = null;
  const evalEvery = trainer.opts.evalEvery;
  const result = await trainer.learn(p.steps ?? preset.totalSteps, {
    callback: ({ step, metrics }) => {
      // critical: eval/* metrics persist between evaluations; only evaluation rounds carry a fresh one.
      const fresh = evalEvery > 0 && metrics["time/round"] % evalEvery === 0;
      const ev = metrics["eval/return"];
      const evalReturn = fresh && typeof ev === "number" && Number.isFinite(ev) ? ev : null;
      if (evalReturn !== null && threshold !== null && evalReturn >= threshold && stepsToThreshold === null) stepsToThreshold = step;
      curve.push({ step, evalReturn, trainReturn: metrics["gen/epReturn"] ?? NaN, accExpert: metrics["disc/accExpert"] ?? NaN, accGen: metrics["disc/accGen"] ?? NaN });
    },
  });
  const ev = trainer.evaluate(p.evalEpisodes, EVAL_SEED, true);
  trainer.dispose();
  return { returns: ev.returns, lengths: ev.lengths, meanReturn: ev.mean, stdReturn: ev.std, envSteps: result.step, wallSeconds: (Date.now() - t0) / 1000, stepsToThreshold, curve };
}

/**
 * FEM or GTAL with a GAIL preset's loop settings (generator, its options, subsampling, policy
 * normalisation, evaluation; the discriminator's own options dropped) and the sign of its reward
 * form (`logD`: r ≤ 0; `neglog1mD`: r ≥ 0; `logit`: the task's GAIL-paper sign).
 */
function linearRun(algo: "FEM" | "GTAL", gail: Record<string, unknown>, run: Partial<LinearOptions>): FEM | GTAL {
  const opts: Record<string, unknown> = {};
  for (const k of Object.keys(LINEAR_DEFAULTS)) if (k in gail) opts[k] = gail[k];
  const sign = typeof gail.rewardForm === "string" ? rewardFormSign(gail.rewardForm as RewardForm) : 0;
  const o: Partial<LinearOptions> = { ...opts, absorbing: false, favorZeroExpertReward: sign === 0 ? null : sign < 0, ...run };
  return algo === "FEM" ? new FEM(o) : new GTAL(o);
}

/** Reference returns for normalisation: a uniform-random policy (0) and our expert (1). */
export interface Reference {
  random: number;
  /** The shipped demonstrations' mean return (normalised score 1). */
  expert: number;
  /**
   * The shipped expert policy's mean return on the episodes every run is scored on (50
   * deterministic episodes from `EVAL_SEED`), when `data/experts/<env>.json` exists: what a
   * perfect imitator scores. It can stand below `expert` (MountainCar: the ten demonstrations
   * start easier than the evaluation episodes).
   */
  expertPolicy?: number;
}

/** The shipped expert policy's mean return on the runs' evaluation episodes (50 from `EVAL_SEED`), or undefined without one. */
export function expertPolicyReturn(envId: string, episodes = 50): number | undefined {
  const file = path.join(repoRoot, "data", "experts", `${envId}.json`);
  if (!fs.existsSync(file)) return undefined;
  const policy = CategoricalPolicy.fromJSON(JSON.parse(fs.readFileSync(file, "utf8")) as NetJson);
  try {
    return evaluate(policy, envId, { episodes, seed: EVAL_SEED, deterministic: true }).mean;
  } finally {
    policy.dispose();
  }
}

/**
 * Measures the uniform-random policy, reads the expert's return from its shipped demonstrations,
 * and scores the shipped expert policy on the evaluation episodes (`expertPolicyReturn`).
 */
export function referenceReturns(envId: string, episodes = 200): Reference {
  const env = makeEnv(envId);
  const rng = new Rng(12345);
  const randomActor: Actor = {
    obsDim: env.obsDim,
    act: (obs: Float32Array) => {
      const actions = new Int32Array(obs.length / env.obsDim);
      for (let i = 0; i < actions.length; i++) actions[i] = rng.int(env.actionSpace.n);
      return { actions };
    },
  };
  const r = evaluate(randomActor, envId, { episodes, seed: EVAL_SEED, deterministic: true });
  const set = loadDemos(demosFile(envId), envId);
  const expertPolicy = expertPolicyReturn(envId);
  return { random: r.mean, expert: set.expertStats.meanReturn, ...(expertPolicy === undefined ? {} : { expertPolicy }) };
}

/**
 * Published GAIL-paper cells (mean, std over all evaluation episodes pooled across 7 runs), from
 * the raw evaluation data released with the paper's code (`results/classic_results.h5` in the
 * openai/imitation repository: 7 runs a cell, about 53 episodes a run; numpy's population std).
 * The paper's experts there: CartPole-v0 200 ± 0, Acrobot-v0 −75.25 ± 10.94, MountainCar-v0
 * −98.75 ± 8.71 (16 trajectories each, `ex_traj_returns`).
 */
export const PAPER_TABLE: Record<string, Partial<Record<ImitationAlgo, Record<number, [number, number]>>>> = {
  "CartPole-v0": {
    BC: { 1: [72.02, 35.82], 4: [169.18, 59.81], 7: [188.6, 29.61], 10: [177.19, 52.83] },
    FEM: { 1: [200, 0], 4: [200, 0], 7: [200, 0], 10: [199.75, 3.5] },
    GTAL: { 1: [200, 0], 4: [200, 0], 7: [199.94, 1.14], 10: [200, 0] },
    GAIL: { 1: [200, 0], 4: [200, 0], 7: [200, 0], 10: [200, 0] },
  },
  "Acrobot-v0": {
    BC: { 1: [-130.6, 55.08], 4: [-93.2, 32.58], 7: [-96.92, 34.51], 10: [-95.09, 33.33] },
    FEM: { 1: [-133.14, 60.8], 4: [-94.21, 47.2], 7: [-95.08, 46.67], 10: [-77.22, 18.51] },
    GTAL: { 1: [-81.35, 22.4], 4: [-94.8, 46.08], 7: [-95.75, 46.57], 10: [-94.32, 46.51] },
    GAIL: { 1: [-77.26, 18.03], 4: [-83.12, 23.31], 7: [-82.56, 20.95], 10: [-78.91, 15.76] },
  },
  "MountainCar-v0": {
    BC: { 1: [-136.76, 34.44], 4: [-133.25, 29.97], 7: [-127.34, 29.15], 10: [-123.14, 28.26] },
    FEM: { 1: [-100.97, 12.54], 4: [-99.29, 8.33], 7: [-100.65, 9.36], 10: [-100.48, 8.14] },
    GTAL: { 1: [-115.48, 36.35], 4: [-143.58, 50.08], 7: [-128.96, 46.13], 10: [-120.05, 36.66] },
    GAIL: { 1: [-101.55, 10.32], 4: [-101.35, 10.63], 7: [-99.9, 7.97], 10: [-100.83, 11.4] },
  },
};

/** One row of a result table. */
export interface TableRow extends Record<string, unknown> {
  env: string;
  algo: ImitationAlgo;
  trajectories: number;
  runs: number;
  meanReturn: number;
  stdReturn: number;
  normalizedMean: number;
  /** Mean over runs of each run's mean, and the std of those (seed-to-seed spread). */
  seedMean: number;
  seedStd: number;
  /** Mean environment steps of a run's training (GAIL; 0 for BC, which never steps the environment). */
  envSteps: number;
  paperMean?: number;
  paperStd?: number;
  /**
   * GAIL rows: GAIL's normalised mean minus the best control's of the same cell (what imitation
   * adds beyond the reward's sign and an uninformed network); absent where no control ran.
   */
  gailMinusBestControl?: number;
  /** GAIL rows: which control was best (`control-const` or `control-randomD`). */
  bestControl?: string;
  /** Runs whose own mean return is ≥ 0.95 normalised (the neutral benchmark's target: 4 of 5); absent without a reference. */
  runsAt95?: number;
  /** The shipped expert policy's mean return on the evaluation episodes (`Reference.expertPolicy`). */
  expertEval?: number;
  /** Runs at ≥ 95 % of the way from random to `expertEval` (the fair bar where the expert policy scores below its demonstrations). */
  runsAtExpert95?: number;
}

/** Groups stored results into table rows (pooled episodes, normalised with `refs[env]`). */
export function buildTable(results: StoredResult[], refs: Record<string, Reference>): TableRow[] {
  const groups = new Map<string, StoredResult[]>();
  for (const r of results) {
    const p = r.params as GailRunParams;
    if (p.overrides && Object.keys(p.overrides).length) continue;
    const key = `${p.envId}|${p.algo}|${p.trajectories}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: TableRow[] = [];
  for (const [key, rs] of groups) {
    const [env, algo, n] = key.split("|");
    const pooled = rs.flatMap((r) => (r.result as GailRunResult).returns);
    const { mean, std } = meanStd(pooled);
    const perSeed = meanStd(rs.map((r) => (r.result as GailRunResult).meanReturn), 1);
    const ref = refs[env];
    const row: TableRow = {
      env,
      algo: algo as ImitationAlgo,
      trajectories: Number(n),
      runs: rs.length,
      meanReturn: mean,
      stdReturn: std,
      normalizedMean: ref ? (mean - ref.random) / (ref.expert - ref.random) : NaN,
      seedMean: perSeed.mean,
      seedStd: perSeed.std,
      envSteps: meanStd(rs.map((r) => (r.result as GailRunResult).envSteps)).mean,
    };
    if (ref) row.runsAt95 = rs.filter((r) => ((r.result as GailRunResult).meanReturn - ref.random) / (ref.expert - ref.random) >= 0.95).length;
    if (ref?.expertPolicy !== undefined) {
      const e = ref.expertPolicy;
      row.expertEval = e;
      // 95 % of the way from random to the expert policy's own score on the same episodes
      row.runsAtExpert95 = rs.filter((r) => (r.result as GailRunResult).meanReturn - ref.random >= 0.95 * (e - ref.random)).length;
    }
    const paper = PAPER_TABLE[env]?.[algo as ImitationAlgo]?.[Number(n)];
    if (paper) {
      row.paperMean = paper[0];
      row.paperStd = paper[1];
    }
    rows.push(row);
  }
  for (const g of rows) {
    if (g.algo !== "GAIL") continue;
    const controls = rows.filter((r) => r.env === g.env && r.trajectories === g.trajectories && (CONTROL_ALGOS as readonly string[]).includes(r.algo));
    if (!controls.length) continue;
    const best = controls.reduce((a, b) => (b.normalizedMean > a.normalizedMean ? b : a));
    g.gailMinusBestControl = g.normalizedMean - best.normalizedMean;
    g.bestControl = best.algo;
  }
  const algoOrder = IMITATION_ALGOS;
  const order = (r: TableRow) => `${r.env}|${r.trajectories.toString().padStart(3, "0")}|${algoOrder.indexOf(r.algo)}`;
  return rows.sort((a, b) => (order(a) < order(b) ? -1 : 1));
}

export const TABLE_COLUMNS = ["env", "algo", "trajectories", "runs", "meanReturn", "stdReturn", "normalizedMean", "seedMean", "seedStd", "envSteps", "paperMean", "paperStd", "gailMinusBestControl", "bestControl", "runsAt95", "expertEval", "runsAtExpert95"];
