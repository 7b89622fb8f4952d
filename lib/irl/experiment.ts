/**
 * The AIRL experiment of notebook 11 (issue 6): on CartPole-v1 and Acrobot-v1, for each seed,
 *
 * 1. record expert demonstrations (the shipped expert `data/experts/<env>.json` when present,
 *    else the hand-written controller of `lib/imitation`);
 * 2. train AIRL (disentangled f = g(s) + γh(s') − h(s), absorbing states, PPO generator) and GAIL
 *    (`lib/imitation`, logit reward, absorbing states) on them;
 * 3. compare the learned rewards with the true one (Pearson, Spearman, EPIC; see `evaluate.ts`)
 *    on expert, random and learned-policy rollouts, and grid them for the heatmaps;
 * 4. reward transfer: train a fresh PPO policy from scratch on each frozen reward (AIRL's g,
 *    AIRL's f, GAIL's, the true one) in the original and in changed dynamics, and report its true
 *    return there. When the demonstrations never terminate (CartPole: every episode reaches the
 *    time limit) the learned rewards' absorbing value is set to its optimum's limit, below every
 *    state (`withAbsorbingFloor`: u(s_a) := the lowest u on the correlation rollouts); without
 *    it a fresh learner starting in states the learned reward ranks below s_a learns to fall
 *    (measured: seed 2's AIRL g gave 9.5 instead of 418.6 at 40k transfer steps).
 *
 *     npx ganrl reproduce irl --seeds 3                   # all runs (one worker per core), then the CSVs
 *     npx ganrl reproduce irl --seeds 3 --workers 1 --envs CartPole-v1
 *
 * The study (`lib/experiments/studies.ts`) runs `irlRun` once per env × seed, resumably (runs in
 * `data/results/runs/irl/`), and rebuilds `data/results/irl-transfer.csv`,
 * `data/results/irl-correlation.csv` and `data/results/irl-heatmap.csv` (seed 0's grids) from
 * the rows functions below.
 */
import * as fs from "fs";
import * as path from "path";
import { initBackend, Rng, readJson, repoRoot, meanStd, GanrlError, BackendName } from "../core";
import { CategoricalPolicy, NetJson } from "../nn";
import { Actor } from "../rl";
import { handCodedExpert, recordDemos, GAIL, deriveSeed } from "../imitation";
import { AIRL } from "./airl";
import { GCL, GclCostNet } from "./gcl";
import {
  RewardModel,
  airlRewardModel,
  gailRewardModel,
  costRewardModel,
  constantRewardModel,
  trueRewardModel,
  collectTransitions,
  concatTransitions,
  rewardOnTransitions,
  pearson,
  spearman,
  epicDistance,
  rewardGrid,
  evaluateIn,
  trainOnReward,
  TransitionSet,
  withAbsorbingFloor,
  absorbingValue,
} from "./evaluate";

/** Budgets and settings of one environment (the `full` and `quick` presets). */
export interface IrlEnvConfig {
  envId: string;
  /** Physics of the "changed" dynamics. */
  changed: Record<string, number>;
  /** Expert demonstration episodes. */
  demoEpisodes: number;
  /** AIRL, GAIL and GCL environment steps. */
  adversarialSteps: number;
  /** Steps of each fresh policy in the transfer experiment. */
  transferSteps: number;
  /** Evaluation episodes. */
  evalEpisodes: number;
  /** Rollout episodes per source (expert, random, learned) for the correlations. */
  corrEpisodes: number;
  /** Standardise every learner's policy inputs (the adversarial learners' with the expert's statistics, frozen; the fresh learners' with running statistics). Absent: off. */
  standardiseInputs?: boolean;
  /**
   * The absorbing indicator's value c in AIRL's g and h and GAIL's discriminator (their
   * `absorbingScale`; GCL's cost keeps 1). Absent: 1, DAC's.
   */
  absorbingScale?: number;
}

/** The PPO settings of every generator and fresh learner (a cheaper variant of the rl-zoo CartPole set). */
export const IRL_PPO = Object.freeze({ numEnvs: 8, nSteps: 128, batchSize: 256, nEpochs: 10, gamma: 0.99, gaeLambda: 0.95, lr: 1e-3, annealLr: true, entCoef: 0.0, hidden: [64, 64] });

/**
 * Budgets and settings of the study (3 tasks × 3 seeds, 13 or 8 rewards × 2 dynamics; about 1¼ hours
 * of one core, issue 16). Changed dynamics: CartPole a pole twice as long, Acrobot a second link
 * twice as heavy, MountainCar an engine 20 % weaker (the expert drops from −110 to −162 there).
 *
 * Chosen from pilots on the study's own seeds 0–2 (`scripts/airl-pilot.ts`; `README.md`, inverse RL): at the earlier 30,720
 * steps for everything, even the true reward trained the fresh learner to only 0.44 (Acrobot) and 0
 * (MountainCar) of the expert; at 100k transfer steps it reaches −74.9 to −82.2 on Acrobot and 500
 * on CartPole. The absorbing indicator at c = 10 (as the neutral GAIL presets have it) took AIRL's g,
 * transferred without the floor, on CartPole from 60.0, 171.3, 11.4 to 425.8, 486.0, 452.5 (150k
 * adversarial, 100k transfer steps); with c = 1 g(s_a) sat above g on random states (−1.4 to −2.1
 * against −5.6 to −7.5), so a fresh learner that starts off the expert's states prefers to end.
 */
export const IRL_CONFIGS: Readonly<Record<string, IrlEnvConfig>> = Object.freeze({
  "CartPole-v1": { envId: "CartPole-v1", changed: { length: 1.0 }, demoEpisodes: 8, adversarialSteps: 153_600, transferSteps: 102_400, evalEpisodes: 10, corrEpisodes: 5, absorbingScale: 10 },
  "Acrobot-v1": { envId: "Acrobot-v1", changed: { linkMass2: 2.0 }, demoEpisodes: 8, adversarialSteps: 153_600, transferSteps: 102_400, evalEpisodes: 10, corrEpisodes: 5, absorbingScale: 10 },
  "MountainCar-v0": { envId: "MountainCar-v0", changed: { force: 0.0008 }, demoEpisodes: 8, adversarialSteps: 307_200, transferSteps: 204_800, evalEpisodes: 10, corrEpisodes: 5, standardiseInputs: true, absorbingScale: 10 },
});

/** The demonstrator: the shipped expert policy when present, else the hand-written controller. */
export function loadExpert(envId: string): { actor: Actor; name: string } {
  const file = path.join(repoRoot, "data", "experts", `${envId}.json`);
  if (fs.existsSync(file)) return { actor: CategoricalPolicy.fromJSON(readJson(file) as NetJson), name: `data/experts/${envId}.json` };
  return { actor: handCodedExpert(envId), name: "handCodedExpert" };
}

/** The learned rewards of a run (before the floor). */
export const IRL_LEARNED = ["airl-g", "airl-f", "gail", "gcl"] as const;
/**
 * The controls (issue 16.2), trained by the same transfer learner, budget and seeds:
 * - `random-net`: the cost network of the same architecture as AIRL's g and GCL's c, randomly
 *   initialised and frozen (u = −c);
 * - `const`: u ≡ 1 on S and on s_a: no information (the floor changes nothing, since min u = 1);
 * - `floor-only`: u ≡ 0 on S, u(s_a) = −1: what the absorbing floor says by itself (ending is the
 *   worst outcome), whatever the learned reward.
 * With `+floor` (only when the demonstrations never terminate, as for the learned rewards) the
 * random network's u(s_a) is floored like theirs.
 */
export const IRL_CONTROLS = ["random-net", "const", "floor-only"] as const;
/** Suffix of a reward whose absorbing value was replaced by the floor (`withAbsorbingFloor`). */
export const FLOOR_SUFFIX = "+floor";

/** One run's result (stored by the sweep). */
export interface IrlRunResult {
  envId: string;
  seed: number;
  expert: string;
  /** True returns of the demonstrator and of uniform random actions, by dynamics. */
  reference: Record<"original" | "changed", { expert: number; random: number }>;
  /** AIRL's, GAIL's and GCL's own (imitating) policies, true return in the original env. */
  imitation: Record<string, number>;
  /** reward → dynamics → { mean, std } of the fresh policy's true return. */
  transfer: Record<string, Record<"original" | "changed", { mean: number; std: number }>>;
  /** reward → source → { pearson, spearman }. */
  correlation: Record<string, Record<string, { pearson: number; spearman: number }>>;
  /** reward → EPIC distance to the true reward on the pooled source. */
  epic: Record<string, number>;
  /** Heatmap grids (g, GCL's u, GAIL action-averaged, true). */
  grids: Record<string, { x: number[]; y: number[]; z: number[][]; xName: string; yName: string }>;
  /** u(s_a) as learned, and the floor the transfer used instead (null when the demonstrations terminate). */
  absorbing: { learned: Record<string, number>; floor: Record<string, number> | null };
  /** GCL's two log Z estimates over its rounds: mean of the importance-sampled and of the notes' one, and of their difference. */
  gclPartition: { logZ: number; logZNotes: number; notesBias: number; notesBiasLast: number; rounds: number };
  seconds: Record<string, number>;
}

/** The budgets of one environment's runs (the full configuration, or the smoke-test one with `quick`). */
export function irlConfig(envId: string, quick = false): IrlEnvConfig {
  const base = IRL_CONFIGS[envId];
  if (!base) throw new GanrlError(`no IRL configuration for ${JSON.stringify(envId)}; valid ids: ${Object.keys(IRL_CONFIGS).join(", ")}`);
  return quick ? { ...base, adversarialSteps: 4096, transferSteps: 2048, evalEpisodes: 2, corrEpisodes: 2, demoEpisodes: 2 } : base;
}

/**
 * The sweep task: one environment × one seed (`params: { envId, seed, quick, config?, backend? }`;
 * a planned run carries its resolved `config`, which it uses).
 */
export async function irlRun(spec: { id?: string; params: Record<string, unknown> }): Promise<IrlRunResult> {
  await initBackend({ quiet: true, ...(spec.params.backend ? { backend: spec.params.backend as BackendName } : {}) });
  const envId = String(spec.params.envId);
  const seed = Number(spec.params.seed);
  const cfg: IrlEnvConfig = (spec.params.config as IrlEnvConfig | undefined) ?? irlConfig(envId, spec.params.quick === true);
  const log = (m: string) => spec.params.verbose && console.log(`[${envId} seed ${seed}] ${m}`);
  const secs: Record<string, number> = {};
  const timed = async <T>(k: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = Date.now();
    const r = await f();
    secs[k] = (Date.now() - t0) / 1000;
    log(`${k} ${secs[k]}s`);
    return r;
  };
  const expert = loadExpert(envId);
  const demos = recordDemos(expert.actor, envId, { episodes: cfg.demoEpisodes, seed: 1000 + 100 * seed, source: { expert: expert.name } });
  const evalOpts = { episodes: cfg.evalEpisodes, seed: 50_000 + 1000 * seed };
  const reference = {
    original: { expert: evaluateIn(expert.actor, envId, evalOpts).mean, random: collectTransitions(null, envId, { episodes: cfg.evalEpisodes, seed: evalOpts.seed }).meanReturn },
    changed: { expert: evaluateIn(expert.actor, envId, { ...evalOpts, params: cfg.changed }).mean, random: collectTransitions(null, envId, { episodes: cfg.evalEpisodes, seed: evalOpts.seed, params: cfg.changed }).meanReturn },
  };
  const std = cfg.standardiseInputs === true;
  const common = { envId, demos, generator: "ppo" as const, generatorOptions: { ...IRL_PPO }, discBatchSize: 256, discSteps: 5, seed, ...(std ? { policyNormFromExpert: true } : {}) };
  const transferPpo = { ...IRL_PPO, ...(std ? { normalizeObs: true } : {}) };
  const scaled = { absorbingScale: cfg.absorbingScale ?? 1 };
  const airl = new AIRL({ ...common, ...scaled });
  const gail = new GAIL({ ...common, ...scaled });
  const gcl = new GCL({ ...common });
  // the random-network control: GCL's cost network (AIRL's g's architecture) as initialised, never trained
  const randomNet = new GclCostNet({ ...gcl.cost.opts, inputNorm: gcl.expertNorm() }, new Rng(deriveSeed(seed, 0x7a3d)));
  try {
    await timed("airl", () => airl.learn(cfg.adversarialSteps));
    await timed("gail", () => gail.learn(cfg.adversarialSteps));
    const part: number[][] = [];
    await timed("gcl", () => gcl.learn(cfg.adversarialSteps, { callback: ({ metrics }) => { if (metrics["cost/logZ"] !== undefined) part.push([metrics["cost/logZ"], metrics["cost/logZNotes"], metrics["cost/notesBias"]]); } }));
    const avg = (k: number) => (part.length ? part.reduce((u, r) => u + r[k], 0) / part.length : NaN);
    const gclPartition = { logZ: avg(0), logZNotes: avg(1), notesBias: avg(2), notesBiasLast: part.length ? part[part.length - 1][2] : NaN, rounds: part.length };
    const imitation = { airl: evaluateIn(airl.policy, envId, evalOpts).mean, gail: evaluateIn(gail.policy, envId, evalOpts).mean, gcl: evaluateIn(gcl.policy, envId, evalOpts).mean };
    log(`imitation ${JSON.stringify(imitation)} reference ${JSON.stringify(reference)}`);
    const models: Record<string, RewardModel> = {
      "airl-g": airlRewardModel(airl, "g"),
      "airl-f": airlRewardModel(airl, "f"),
      gail: gailRewardModel(gail),
      gcl: costRewardModel(gcl.cost),
      "random-net": costRewardModel(randomNet, "random-net"),
      const: constantRewardModel("const", 1),
      "floor-only": constantRewardModel("floor-only", 0, -1),
    };
    const gamma = airl.shapingGamma;
    const demosTerminate = demos.trajectories.some((t) => t.terminated);
    const sources: Record<string, TransitionSet> = {
      expert: collectTransitions(expert.actor, envId, { episodes: cfg.corrEpisodes, seed: 70_000 + seed, deterministic: true }),
      random: collectTransitions(null, envId, { episodes: cfg.corrEpisodes, seed: 71_000 + seed }),
      learned: collectTransitions(airl.policy, envId, { episodes: cfg.corrEpisodes, seed: 72_000 + seed, rng: new Rng(seed) }),
    };
    const pooled = concatTransitions(Object.values(sources));
    // the floor (when the demonstrations never end), on the learned rewards and the random network alike
    const absorbingFloor: Record<string, number> = {};
    if (!demosTerminate) {
      for (const name of [...IRL_LEARNED, "random-net"]) {
        const fl = withAbsorbingFloor(models[name], pooled);
        absorbingFloor[name] = fl.floor;
        models[name + FLOOR_SUFFIX] = fl;
      }
    }
    models.true = trueRewardModel(envId);
    const nA = airl.gen.env.nActions;
    const correlation: IrlRunResult["correlation"] = {};
    const epic: Record<string, number> = {};
    for (const name of Object.keys(models).filter((k) => k !== "true")) {
      correlation[name] = {};
      for (const [src, t] of [...Object.entries(sources), ["pooled", pooled] as const]) {
        const a = rewardOnTransitions(models[name], t, gamma);
        const b = rewardOnTransitions(models.true, t, gamma);
        correlation[name][src] = { pearson: pearson(a, b), spearman: spearman(a, b) };
      }
      epic[name] = epicDistance(models[name], models.true, pooled, nA, gamma);
    }
    const grids: IrlRunResult["grids"] = {};
    for (const name of ["airl-g", "gcl", "gail"]) grids[name] = rewardGrid(models[name], envId, 31);
    grids.true = rewardGrid(models.true, envId, 31, true);
    const transfer: IrlRunResult["transfer"] = {};
    for (const name of Object.keys(models)) {
      transfer[name] = {} as Record<"original" | "changed", { mean: number; std: number }>;
      for (const dyn of ["original", "changed"] as const) {
        const r = await timed(`transfer/${name}/${dyn}`, () =>
          trainOnReward({ envId, params: dyn === "changed" ? cfg.changed : null, model: name === "true" ? null : models[name], steps: cfg.transferSteps, ppo: { ...transferPpo }, seed: 500 + seed, evalEpisodes: cfg.evalEpisodes, evalSeed: evalOpts.seed }),
        );
        transfer[name][dyn] = { mean: r.mean, std: r.std };
        log(`transfer ${name} ${dyn}: ${r.mean.toFixed(1)}`);
      }
    }
    const learnedAbsorbing: Record<string, number> = {};
    for (const name of [...IRL_LEARNED, "random-net"]) learnedAbsorbing[name] = absorbingValue(models[name], airl.demos.obsDim);
    return { envId, seed, expert: expert.name, reference, imitation, transfer, correlation, epic, grids, absorbing: { learned: learnedAbsorbing, floor: demosTerminate ? null : absorbingFloor }, gclPartition, seconds: secs };
  } finally {
    airl.dispose();
    gail.dispose();
    gcl.dispose();
    randomNet.dispose();
  }
}

/** The reward names of a set of results, in table order: learned, learned with the floor, controls, true. */
export function rewardNames(results: IrlRunResult[]): string[] {
  const have = new Set(results.flatMap((r) => Object.keys(r.transfer)));
  const order = [...IRL_LEARNED, ...IRL_LEARNED.map((n) => n + FLOOR_SUFFIX), ...IRL_CONTROLS, ...IRL_CONTROLS.map((n) => n + FLOOR_SUFFIX), "true"];
  return [...order.filter((n) => have.has(n)), ...[...have].filter((n) => !order.includes(n)).sort()];
}

/** Whether a reward is a control (`IRL_CONTROLS`, with or without the floor). */
export function isControl(name: string): boolean {
  return (IRL_CONTROLS as readonly string[]).includes(name.replace(FLOOR_SUFFIX, ""));
}

/**
 * Rows of `irl-transfer.csv` (mean ± sample std over seeds of each seed's mean return).
 * `normalizedMean` = mean over seeds of (R − R_random)/(R_ref − R_random) with R_ref the
 * demonstrator's return in the original dynamics, and, in the changed dynamics (where the
 * demonstrator itself may fail, even below random), the better of the demonstrator's return there and
 * the return of the fresh policy trained on the TRUE reward there with the same budget; `reference`
 * names which, per seed. `atLeast90pctRef` counts the seeds whose normalised score is ≥ 0.9.
 * `bestControl` is the control (random network, constant, floor alone; with the floor where the
 * learned rewards get it) with the highest `normalizedMean` in that environment and dynamics, and
 * `marginOverBestControl` the row's `normalizedMean` minus that control's (issue 16.3's target: ≥ 0.2
 * on the changed dynamics).
 */
export function transferRows(results: IrlRunResult[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const envs = [...new Set(results.map((r) => r.envId))].sort();
  for (const envId of envs) {
    const rs = results.filter((r) => r.envId === envId).sort((a, b) => a.seed - b.seed);
    const names = rewardNames(rs).filter((n) => rs.every((r) => r.transfer[n]));
    for (const dyn of ["original", "changed"] as const) {
      // the best known policy in that dynamics: the demonstrator, or (changed dynamics) the true-reward policy if better
      const refOf = (r: IrlRunResult) => (dyn === "original" ? r.reference.original.expert : Math.max(r.reference.changed.expert, r.transfer.true.changed.mean));
      const expert = meanStd(rs.map((r) => r.reference[dyn].expert)).mean;
      const random = meanStd(rs.map((r) => r.reference[dyn].random)).mean;
      const normOf = (reward: string) => rs.map((r) => (r.transfer[reward][dyn].mean - r.reference[dyn].random) / (refOf(r) - r.reference[dyn].random));
      const controls = names.filter(isControl).map((n) => ({ n, m: meanStd(normOf(n)).mean }));
      const best = controls.reduce((a, b) => (b.m > a.m ? b : a), { n: "", m: -Infinity });
      for (const reward of names) {
        const per = rs.map((r) => r.transfer[reward][dyn].mean);
        const norm = normOf(reward);
        const ms = meanStd(per, 1);
        const nm = meanStd(norm).mean;
        rows.push({
          env: envId,
          dynamics: dyn,
          reward,
          kind: reward === "true" ? "true" : isControl(reward) ? "control" : "learned",
          meanReturn: ms.mean,
          stdReturn: ms.std,
          normalizedMean: nm,
          seeds: rs.length,
          perSeed: per.map((x) => x.toFixed(1)).join(" "),
          reference: dyn === "original" ? "expert" : rs.map((r) => (r.reference.changed.expert >= r.transfer.true.changed.mean ? "expert" : "true")).join(" "),
          atLeast90pctRef: norm.filter((x) => x >= 0.9).length,
          atLeast90pctExpertReturn: rs.filter((r, i) => per[i] >= 0.9 * r.reference[dyn].expert).length,
          bestControl: best.n,
          marginOverBestControl: best.n ? nm - best.m : NaN,
          expertReturn: expert,
          randomReturn: random,
        });
      }
    }
  }
  return rows;
}

/** Rows of `irl-correlation.csv`: reward × source, mean ± std over seeds; EPIC on the pooled source. */
export function correlationRows(results: IrlRunResult[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const envs = [...new Set(results.map((r) => r.envId))].sort();
  const fin = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  for (const envId of envs) {
    const rs = results.filter((r) => r.envId === envId);
    for (const reward of rewardNames(rs).filter((n) => n !== "true" && rs.every((r) => r.correlation[n]))) {
      for (const source of ["expert", "random", "learned", "pooled"]) {
        const p = fin(rs.map((r) => r.correlation[reward][source].pearson));
        const s = fin(rs.map((r) => r.correlation[reward][source].spearman));
        const e = source === "pooled" ? fin(rs.map((r) => r.epic[reward])) : [];
        rows.push({
          env: envId,
          reward,
          kind: isControl(reward) ? "control" : "learned",
          source,
          pearson: p.length ? meanStd(p).mean : NaN,
          pearsonStd: p.length ? meanStd(p, 1).std : NaN,
          spearman: s.length ? meanStd(s).mean : NaN,
          spearmanStd: s.length ? meanStd(s, 1).std : NaN,
          epic: e.length ? meanStd(e).mean : "",
          epicStd: e.length ? meanStd(e, 1).std : "",
          seeds: p.length,
        });
      }
    }
  }
  return rows;
}

/** Rows of `irl-gcl-partition.csv`: GCL's importance-sampled log Ẑ against the notes' sketch, per env (mean over seeds of each run's mean over rounds). */
export function gclPartitionRows(results: IrlRunResult[]): Record<string, unknown>[] {
  const envs = [...new Set(results.map((r) => r.envId))].sort();
  return envs.map((envId) => {
    const rs = results.filter((r) => r.envId === envId && r.gclPartition);
    const m = (f: (r: IrlRunResult) => number) => meanStd(rs.map(f)).mean;
    return { env: envId, seeds: rs.length, logZ: m((r) => r.gclPartition.logZ), logZNotes: m((r) => r.gclPartition.logZNotes), notesBias: m((r) => r.gclPartition.notesBias), notesBiasLastRound: m((r) => r.gclPartition.notesBiasLast) };
  });
}

/** Long-format heatmap rows (seed 0 of each env): env, reward, x, y, value. */
export function heatmapRows(results: IrlRunResult[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const r of results.filter((x) => x.seed === 0)) {
    for (const [reward, g] of Object.entries(r.grids)) {
      g.y.forEach((y, iy) => g.x.forEach((x, ix) => rows.push({ env: r.envId, reward, x, y, value: g.z[iy][ix] })));
    }
  }
  return rows;
}
