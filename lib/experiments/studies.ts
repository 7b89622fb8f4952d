/**
 * The studies `npx ganrl reproduce <study>` runs (see `study.ts` for the shared loop):
 *
 * - `gail`: the GAIL/BC reproduction tables (protocols quick, v1, paper, neutral, ablation; `gail.ts`);
 * - `irl`: adversarial inverse RL — learned-reward correlations and reward transfer
 *   (`lib/irl/experiment.ts`);
 * - `worldmodel`: GAN vs MLE world models, MPC and Dyna (`lib/worldmodel/experiment.ts`).
 *
 * Every numeric option is parsed and range-checked here, before anything runs; every run's
 * parameters include the resolved configuration it runs with and the TF.js backend.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { GanrlError, repoRoot, parseIntegerText, parseListText, parseChoice, currentBackend } from "../core";
import { isEnvId } from "../envs";
import { tableText } from "../viz/table";
import { IRL_CONFIGS, IRL_PPO, irlConfig, transferRows, correlationRows, heatmapRows, gclPartitionRows, IrlRunResult } from "../irl/experiment";
import { WORLD_EXPERIMENT, quickConfig, aggregateRows, rowsNotRerun, MetricRow } from "../worldmodel/experiment";
import { WORLD_ENV_IDS, worldSpec } from "../worldmodel/spec";
import { RunSpec, toCsv, readCsv } from "./sweep";
import { Study, StudyOption, StudyPlan, TableOut } from "./study";
import {
  Protocol,
  GailRunParams,
  isAdversarialAlgo,
  IMITATION_ALGOS,
  PROTOCOL_DEFAULTS,
  protocolSpecs,
  buildTable,
  buildAblationTable,
  buildAblationCurves,
  referenceReturns,
  Reference,
  TABLE_COLUMNS,
  ABLATION_COLUMNS,
  ABLATION_CURVE_COLUMNS,
} from "./gail";
import { reportHtml } from "./report";

/** The largest demonstration set shipped per environment (`data/demos/<env>/traj-10.json`). */
const MAX_TRAJECTORIES = 10;

const seedsOption = (def: string): StudyOption => ({ flags: "--seeds <n>", help: `seeds per cell, 1–1000 (default: ${def})`, parse: (t) => parseIntegerText(t, "--seeds", 1, 1000) });
const quickOption: StudyOption = { flags: "--quick", help: "smoke-test budgets (seconds per run; results go to the scratch folder)" };

/** `--envs a,b` checked against the study's environments. */
function envsOption(valid: readonly string[], what: string): StudyOption {
  return {
    flags: "--envs <list>",
    help: `environments to run, comma-separated (default: all of ${what}: ${valid.join(", ")}); the tables still cover every stored run`,
    parse: (t) =>
      parseListText(t, "--envs", (e) => {
        if (!valid.includes(e)) throw new GanrlError(`--envs: ${JSON.stringify(e)} is not in ${what}; valid: ${valid.join(", ")}${isEnvId(e) ? "" : " (not an environment id at all)"}`);
        return e;
      }),
  };
}

/** The backend runs are planned for: the one this process chose (the workers are told to use it). */
function plannedBackend(): string | undefined {
  return currentBackend()?.name;
}

function backendEnv(): Record<string, string> {
  const b = plannedBackend();
  return b ? { GANRL_BACKEND: b } : {};
}

function sha256File(file: string): string | null {
  return fs.existsSync(file) ? createHash("sha256").update(fs.readFileSync(file)).digest("hex") : null;
}

// ------------------------------------------------------------------------------------- gail

export const PROTOCOLS: Protocol[] = ["quick", "v1", "paper", "neutral", "ablation", "ablation-neutral"];

/** `--steps`: one budget for every environment (`50000`) or one per environment (`CartPole-v0=50000,Acrobot-v0=100000`). */
export function parseStepsText(text: unknown): number | Record<string, number> {
  if (typeof text === "string" && text.includes("=")) {
    const out: Record<string, number> = {};
    for (const entry of parseListText(text, "--steps", (e) => e)) {
      const m = /^([^=\s]+)=(.+)$/.exec(entry);
      if (!m) throw new GanrlError(`--steps: ${JSON.stringify(entry)} is not env=n (e.g. CartPole-v0=50000); give one number for every environment or env=n pairs separated by commas`);
      if (m[1] in out) throw new GanrlError(`--steps: ${m[1]} is given twice`);
      out[m[1]] = parseIntegerText(m[2], `--steps ${m[1]}`, 1000, 1e9);
    }
    return out;
  }
  return parseIntegerText(text, "--steps", 1000, 1e9);
}

export const gailStudy: Study = {
  name: "gail",
  summary: "GAIL vs behavioural cloning beside reward controls: the GAIL paper's classic-control table (paper), the modern table (v1), the bias-free benchmark (neutral: fixed horizons, sign-neutral rewards), the main job (quick) and the stabiliser ablation",
  examples: [
    "npx ganrl reproduce gail --protocol quick            # the main job (npm start)",
    "npx ganrl reproduce gail --protocol v1               # CartPole-v1 and Acrobot-v1, 5 seeds",
    "npx ganrl reproduce gail --protocol paper --steps CartPole-v0=50000,Acrobot-v0=100000 --out data/results/paper-reduced",
    "npx ganrl reproduce gail --protocol ablation --shard 0/4 --workers 2",
  ],
  options: [
    { flags: "--protocol <name>", help: `which table: ${PROTOCOLS.join(", ")} (default quick)`, parse: (t) => parseChoice(t, "--protocol", PROTOCOLS) },
    { flags: "--full", help: "run the v1, paper and ablation protocols" },
    seedsOption("3 quick, 5 v1, neutral and both ablations, 7 paper"),
    {
      flags: "--steps <n|env=n,…>",
      help: "GAIL environment steps per run, 1000–1e9, for every environment or per environment, e.g. CartPole-v0=50000,Acrobot-v0=100000 (default: the preset's)",
      parse: parseStepsText,
    },
    {
      flags: "--sizes <list>",
      help: `dataset sizes (trajectories) to run, e.g. 1,4, each 1–${MAX_TRAJECTORIES} (default: the protocol's; the paper's are 1,4,7,10)`,
      parse: (t) => parseListText(t, "--sizes", (x) => parseIntegerText(x, "--sizes entry", 1, MAX_TRAJECTORIES)),
    },
    {
      flags: "--envs <list>",
      help: "environments to run, e.g. Acrobot-v0 (default: the protocol's); the table still covers every stored run of the protocol",
      parse: (t) => parseListText(t, "--envs", (e) => e),
    },
    {
      flags: "--algos <list>",
      help: `rows to run, e.g. GAIL,control-const, of ${IMITATION_ALGOS.join(", ")} (default: the protocol's); the table still covers every stored run of the protocol`,
      parse: (t) => parseListText(t, "--algos", (x) => parseChoice(x, "--algos", IMITATION_ALGOS)),
    },
  ],
  task: { module: path.join(__dirname, `gail${path.extname(__filename)}`), fn: "runGail" },
  workerEnv: backendEnv,
  // GAIL: 120 s plus its steps at 500 a second (half the 1,100 measured on one core, discriminator
  // and evaluation included); BC never steps the environment: 300 s (18 s measured with 50 episodes)
  // GAIL and its controls train a generator for `steps`; BC trains on the demonstrations alone
  runSeconds: (s) => (isAdversarialAlgo(s.params.algo as GailRunParams["algo"]) ? 120 + Number(s.params.steps ?? 0) / 500 : 300),
  plan(o) {
    const protocols: Protocol[] = o.full ? ["v1", "paper", "ablation"] : [(o.protocol as Protocol | undefined) ?? "quick"];
    const backend = plannedBackend();
    return protocols.map((protocol): StudyPlan => {
      if ((protocol === "ablation" || protocol === "ablation-neutral") && o.sizes !== undefined) throw new GanrlError(`--sizes: the ${protocol} protocol sets its own dataset sizes; drop --sizes`);
      const steps = o.steps as number | Record<string, number> | undefined;
      const cover = protocolSpecs(protocol, { seeds: o.seeds as number | undefined, steps, sizes: o.sizes as number[] | undefined, backend });
      const known = [...new Set(cover.map((s) => String(s.params.envId)))];
      if (steps !== undefined && typeof steps !== "number") {
        for (const e of Object.keys(steps)) if (!known.includes(e)) throw new GanrlError(`--steps: ${JSON.stringify(e)} is not in the ${protocol} protocol; its environments are ${known.join(", ")}`);
      }
      const envs = o.envs as string[] | undefined;
      for (const e of envs ?? []) if (!known.includes(e)) throw new GanrlError(`--envs: ${JSON.stringify(e)} is not in the ${protocol} protocol; its environments are ${known.join(", ")}`);
      const algos = o.algos as string[] | undefined;
      const knownAlgos = new Set(cover.map((s) => String(s.params.algo)));
      for (const a of algos ?? []) if (!knownAlgos.has(a)) throw new GanrlError(`--algos: ${a} has no runs in the ${protocol} protocol; its rows are ${[...knownAlgos].join(", ")}`);
      const run = cover.filter((s) => (!envs || envs.includes(String(s.params.envId))) && (!algos || algos.includes(String(s.params.algo))));
      return { label: `--protocol ${protocol}`, run, cover, defaults: o.seeds === undefined && o.steps === undefined && o.sizes === undefined };
    });
  },
  tables(results, plan, ctx) {
    const protocol = (plan.cover[0].params as GailRunParams).protocol;
    const envs = [...new Set(results.map((r) => (r.params as GailRunParams).envId))];
    const refs: Record<string, Reference> = {};
    for (const env of envs) refs[env] = referenceReturns(env);
    if (protocol === "ablation" || protocol === "ablation-neutral") {
      const ab = buildAblationTable(results, refs);
      const curves = buildAblationCurves(results, refs);
      const name = protocol === "ablation" ? "gail-ablation" : "gail-ablation-neutral";
      const caption = protocol === "ablation" ? "Stabiliser ablation (GAIL, 1 trajectory; normalised: random 0, expert 1)" : "Stabiliser ablation on the fixed-horizon seals tasks (GAIL, 1 trajectory unless the dataset size varies; normalised: random 0, expert 1)";
      return [
        { file: `${name}.csv`, text: toCsv(ab, ABLATION_COLUMNS), rows: ab.length, keyColumns: ["env", "option", "value"], print: tableText(ab, { caption, digits: 3 }) },
        { file: `${name}-curves.csv`, text: toCsv(curves, ABLATION_CURVE_COLUMNS), rows: curves.length },
      ];
    }
    const rows = buildTable(results, refs);
    const intro =
      `Protocol <b>${protocol}</b>: ${results.length} of ${plan.cover.length} planned runs. Command: <code>${ctx.command}</code>. ` +
      `This invocation took ${ctx.seconds.toFixed(0)} s on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "cpu"}). ` +
      `Environments ${envs.join(", ")}; random and expert references measured as in <code>lib/experiments/gail.ts</code>.`;
    const html = reportHtml({ title: `ganrl: GAIL reproduction (${protocol})`, intro, rows, results, refs });
    return [
      { file: `gail-table-${protocol}.csv`, text: toCsv(rows, TABLE_COLUMNS), rows: rows.length, keyColumns: ["env", "algo", "trajectories"], print: tableText(rows, { caption: `GAIL and BC, ${protocol} protocol (mean ± std over pooled evaluation episodes)`, digits: 4 }) },
      // the report (HTML) follows the CSV: when the CSV's shrink guard refuses, the report is not written either
      { file: `gail-report-${protocol}.html`, text: html, rows: rows.length },
    ];
  },
};

/** The main job's default seeds (the quick protocol). */
export const QUICK_SEEDS = PROTOCOL_DEFAULTS.quick.seeds;

// ------------------------------------------------------------------------------------- irl

const IRL_ENVS = Object.keys(IRL_CONFIGS);

export const irlStudy: Study = {
  name: "irl",
  summary: "inverse RL: AIRL's, GCL's and GAIL's learned rewards and their controls against the true one (Pearson, Spearman, EPIC) and transferred to fresh learners in the original and changed dynamics",
  examples: ["npx ganrl reproduce irl --seeds 3", "npx ganrl reproduce irl --seeds 3 --workers 1 --envs CartPole-v1", "npx ganrl reproduce irl --quick --seeds 1"],
  options: [seedsOption("3"), envsOption(IRL_ENVS, "the IRL study"), quickOption],
  task: { module: path.join(__dirname, "..", "irl", `experiment${path.extname(__filename)}`), fn: "irlRun" },
  workerEnv: backendEnv,
  // 11–18 minutes a run two at a time on 2 shared cores (2026-12-03 budgets, `IRL_CONFIGS`); estimate kept generous
  runSeconds: (s) => (s.params.quick === true ? 600 : 3600),
  plan(o) {
    const seeds = (o.seeds as number | undefined) ?? 3;
    const quick = o.quick === true;
    const backend = plannedBackend();
    const cover: RunSpec[] = [];
    for (const envId of IRL_ENVS) {
      const expertSha256 = sha256File(path.join(repoRoot, "data", "experts", `${envId}.json`));
      for (let seed = 0; seed < seeds; seed++) {
        cover.push({ id: `irl/${quick ? "quick/" : ""}${envId}/seed${seed}`, params: JSON.parse(JSON.stringify({ envId, seed, quick, config: irlConfig(envId, quick), ppo: IRL_PPO, expertSha256, backend })) });
      }
    }
    const envs = o.envs as string[] | undefined;
    return [{ label: quick ? "(quick)" : "", run: envs ? cover.filter((s) => envs.includes(String(s.params.envId))) : cover, cover, defaults: o.seeds === undefined && !quick }];
  },
  tables(results) {
    const stored = results.map((s) => s.result as unknown as IrlRunResult);
    const t = transferRows(stored);
    const c = correlationRows(stored);
    const h = heatmapRows(stored);
    const g = gclPartitionRows(stored);
    return [
      { file: "irl-transfer.csv", text: toCsv(t), rows: t.length, keyColumns: ["env", "dynamics", "reward"], print: toCsv(t) },
      { file: "irl-correlation.csv", text: toCsv(c), rows: c.length, keyColumns: ["env", "reward", "source"], print: toCsv(c) },
      { file: "irl-heatmap.csv", text: toCsv(h), rows: h.length },
      { file: "irl-gcl-partition.csv", text: toCsv(g), rows: g.length, keyColumns: ["env"], print: toCsv(g) },
    ];
  },
};

// ------------------------------------------------------------------------------------- worldmodel

const WORLD_PARTS = ["wm", "dyna"] as const;

export const worldModelStudy: Study = {
  name: "worldmodel",
  summary: "GAN vs MLE world models: one-step and rollout error, MMD, termination, MPC in the model (shaped and unshaped cost, beside MPC in the true simulator and random actions), Dyna",
  examples: ["npx ganrl reproduce worldmodel --seeds 3", "npx ganrl reproduce worldmodel --seeds 3 --parts dyna --envs Acrobot-v1", "npx ganrl reproduce worldmodel --quick --seeds 1"],
  options: [
    seedsOption("3"),
    envsOption(WORLD_ENV_IDS, "the world-model study"),
    {
      flags: "--parts <list>",
      help: `which parts: ${WORLD_PARTS.join(", ")} (default both); the table keeps the rows of parts and environments not re-run`,
      parse: (t) => parseListText(t, "--parts", (x) => parseChoice(x, "--parts", WORLD_PARTS)),
    },
    quickOption,
  ],
  task: { module: path.join(__dirname, "..", "worldmodel", `experiment${path.extname(__filename)}`), fn: "worldModelTask" },
  workerEnv: backendEnv,
  plan(o) {
    const seeds = (o.seeds as number | undefined) ?? 3;
    const quick = o.quick === true;
    const backend = plannedBackend();
    const config = quick ? quickConfig() : WORLD_EXPERIMENT;
    const cover: RunSpec[] = [];
    for (const part of WORLD_PARTS) {
      for (const envId of WORLD_ENV_IDS) {
        worldSpec(envId);
        for (let seed = 0; seed < seeds; seed++) cover.push({ id: `worldmodel/${quick ? "quick/" : ""}${part}/${envId}/seed${seed}`, params: JSON.parse(JSON.stringify({ kind: part, envId, seed, quick, config, backend })) });
      }
    }
    const envs = o.envs as string[] | undefined;
    const parts = o.parts as string[] | undefined;
    const run = cover.filter((s) => (!envs || envs.includes(String(s.params.envId))) && (!parts || parts.includes(String(s.params.kind))));
    return [{ label: quick ? "(quick)" : "", run, cover, defaults: o.seeds === undefined && !quick }];
  },
  tables(results, _plan, ctx) {
    const fresh = aggregateRows(results.map((r) => (r.result.rows as MetricRow[]) ?? []));
    // rows of parts and environments no stored run covers stay as they are in the existing table
    const file = path.join(ctx.outDir, "worldmodel.csv");
    const kept = fs.existsSync(file) ? rowsNotRerun(readCsv(file), results.map((r) => r.params)) : [];
    const table = [...fresh, ...kept];
    return [{ file: "worldmodel.csv", text: toCsv(table, ["env", "variant", "model", "metric", "mean", "std", "seeds"]), rows: table.length, keyColumns: ["env", "variant", "model", "metric"] }];
  },
};

/** Every study by name. */
export const STUDIES: Readonly<Record<string, Study>> = Object.freeze({ gail: gailStudy, irl: irlStudy, worldmodel: worldModelStudy });

/** The study called `name`, or a `GanrlError` listing them. */
export function getStudy(name: string): Study {
  const s = STUDIES[name];
  if (!s) throw new GanrlError(`unknown study ${JSON.stringify(name)}; valid studies: ${Object.keys(STUDIES).join(", ")}`);
  return s;
}

export type { TableOut };
