/**
 * `ganrl train-expert`: trains an expert with PPO, TRPO, REINFORCE or DQN, with a progress bar, atomic checkpoints every N iterations, `--resume`,
 * `--init <policy>` (fine-tuning: start from a saved policy's weights and observation statistics;
 * the meta records its provenance and the curve continues its curve), and a final evaluation over
 * 100 episodes both deterministic (argmax) and stochastic (sampled), recorded next to the policy:
 *
 *   data/experts/<env>.json        the policy (`ganrl.net/1`: a categorical policy, or DQN's Q network)
 *   data/experts/<env>.meta.json   command, seed, options, wall time, evaluation, learning curve
 *   data/experts/<env>.curve.csv   the learning curve (step, mean return of the last 100 episodes)
 *   data/experts/<env>.ckpt.json   the checkpoint while training (deleted when training finishes)
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as cliProgress from "cli-progress";
import { GanrlError, initBackend, describeBackend, readJson, writeJsonAtomic, writeFileAtomic } from "../../lib/core";
import { EnvId } from "../../lib/envs";
import { NetJson } from "../../lib/nn";
import { OnPolicyOptions, OnPolicyTrainer, TrainerCheckpoint, checkCheckpoint } from "../../lib/rl";
import { ALGOS, AlgoName, expertOf, makeTrainer, preset } from "./algos";
import { EvalSummary, commandLine, compactJson, compactNet, evaluationRecord, expertEvaluation, formatSeconds, gitCommit, readPolicyJson, round6, sidecar } from "./common";

export const CLI_CHECKPOINT_FORMAT = "ganrl-train-expert/1";

export interface TrainExpertArgs {
  algo: string;
  env: EnvId;
  seed: number;
  steps?: number;
  out?: string;
  checkpointEvery: number;
  checkpoint?: string;
  resume: boolean;
  /** A policy file (`ganrl.net/1` categorical policy) whose weights and observation statistics start the run (fine-tuning). */
  init?: string;
  keepCheckpoint: boolean;
  evalEpisodes: number;
  evalSeed: number;
  set: string[];
  json: boolean;
  progress: boolean;
}

/** One point of the learning curve. */
export interface CurvePoint {
  step: number;
  iteration: number;
  /** Finished training episodes so far. */
  episodes: number;
  /** Mean return of the last (up to) 100 finished training episodes (sampled actions). */
  meanReturn: number | null;
}

/** What `--checkpoint-every` writes: the trainer's state plus the command's own bookkeeping. */
interface CliCheckpoint {
  format: typeof CLI_CHECKPOINT_FORMAT;
  /** Where the run's initial policy came from (`--init`), if not from the seed. */
  init?: InitSource;
  algo: AlgoName;
  envId: EnvId;
  seed: number;
  steps: number;
  commands: string[];
  wallSeconds: number;
  curve: CurvePoint[];
  trainer: TrainerCheckpoint;
}

/** `--set lr=1e-3 --set hidden=[64,64]` → { lr: 0.001, hidden: [64, 64] } (values parsed as JSON when they parse). */
/** The provenance of an `--init` policy, recorded in the meta: the file, and what its own meta says. */
export interface InitSource {
  file: string;
  envId?: unknown;
  algo?: unknown;
  seed?: unknown;
  steps?: unknown;
  evaluation?: unknown;
  /** Training wall time of the initial policy, seconds (from its .meta.json). */
  wallSeconds?: number;
  /** SHA-256 of the init file's bytes (to identify it later, e.g. in git history). */
  sha256: string;
  /** The commands that made the initial policy (from its .meta.json, when there is one). */
  commands?: string[];
  /** Where the initial policy's own learning curve ended (from its .meta.json): this run's curve continues from there. */
  offset?: { step: number; iteration: number; episodes: number };
}

/**
 * Reads an `--init` policy for a fresh run of `algo` with `options` on `env`: a categorical
 * policy whose observation width, actions, hidden widths, activation and observation
 * normalisation match the trainer's; its weights and statistics replace the seed's (the value
 * network starts from the seed).
 */
export function readInitPolicy(file: string, env: EnvId, algo: AlgoName, options: Record<string, unknown>): { json: NetJson; source: InitSource; curve: CurvePoint[] } {
  if (algo === "dqn") throw new GanrlError("--init starts an on-policy trainer (ppo, trpo, reinforce) from a policy file; dqn has no policy network to start from");
  const json = readPolicyJson(file, env);
  if (json.kind !== "categorical-policy") throw new GanrlError(`--init ${file} holds a ${json.kind} network, not a categorical policy; pass a policy written by \`npx ganrl train-expert --algo ppo|trpo|reinforce\``);
  const hidden = (options.hidden as number[] | undefined) ?? [64, 64];
  const arch = json.arch;
  if (JSON.stringify(arch.hidden) !== JSON.stringify(hidden)) {
    throw new GanrlError(`--init ${file} has hidden widths ${JSON.stringify(arch.hidden)}, the run ${JSON.stringify(hidden)}; pass --set hidden=${JSON.stringify(arch.hidden)}`);
  }
  if (options.activation !== undefined && arch.activation !== undefined && arch.activation !== options.activation) {
    throw new GanrlError(`--init ${file} uses ${arch.activation} units, the run ${String(options.activation)}; pass --set activation=${JSON.stringify(arch.activation)}`);
  }
  if (Boolean(json.obsNorm) !== Boolean(options.normalizeObs)) {
    throw new GanrlError(
      `--init ${file} ${json.obsNorm ? "normalises" : "does not normalise"} observations, the run ${options.normalizeObs ? "does" : "does not"}; pass --set normalizeObs=${Boolean(json.obsNorm)}`,
    );
  }
  const m = (json.meta ?? {}) as Record<string, unknown>;
  const sha256 = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const source: InitSource = { file, envId: m.envId, algo: m.algo, seed: m.seed, steps: m.steps, evaluation: m.evaluation, sha256 };
  let curve: CurvePoint[] = [];
  const metaFile = path.join(path.dirname(file), typeof m.metaFile === "string" ? m.metaFile : path.basename(sidecar(file, ".meta.json")));
  if (fs.existsSync(metaFile)) {
    const meta = readJson(metaFile) as { commands?: unknown; curve?: unknown; wallSeconds?: unknown };
    if (typeof meta?.wallSeconds === "number") source.wallSeconds = meta.wallSeconds;
    if (Array.isArray(meta?.commands) && meta.commands.every((c) => typeof c === "string")) source.commands = meta.commands as string[];
    const ok = (p: unknown): p is CurvePoint =>
      !!p && typeof p === "object" && ["step", "iteration", "episodes"].every((k) => Number.isSafeInteger((p as Record<string, unknown>)[k]));
    if (Array.isArray(meta?.curve) && meta.curve.every(ok) && meta.curve.length > 0) {
      curve = meta.curve as CurvePoint[];
      const last = curve[curve.length - 1];
      source.offset = { step: last.step, iteration: last.iteration, episodes: last.episodes };
    }
  }
  return { json, source, curve };
}

export function parseSets(sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new GanrlError(`--set expects key=value (e.g. --set lr=3e-4), got ${JSON.stringify(s)}`);
    const key = s.slice(0, eq);
    const raw = s.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    if (typeof value === "number" && !Number.isFinite(value)) throw new GanrlError(`--set ${key} must be finite`);
    out[key] = value;
  }
  for (const k of ["seed", "envId", "env"]) if (k in out) throw new GanrlError(`--set ${k}=... is not allowed; use --${k === "envId" ? "env" : k}`);
  return out;
}

function curveCsv(curve: readonly CurvePoint[]): string {
  const lines = ["step,iteration,episodes,meanReturn"];
  for (const p of curve) lines.push(`${p.step},${p.iteration},${p.episodes},${p.meanReturn === null ? "" : round6(p.meanReturn)}`);
  return lines.join("\n") + "\n";
}

export async function trainExpert(a: TrainExpertArgs): Promise<void> {
  if (!(ALGOS as readonly string[]).includes(a.algo)) throw new GanrlError(`unknown --algo ${JSON.stringify(a.algo)}; choose one of ${ALGOS.join(", ")}`);
  const algo = a.algo as AlgoName;
  const out = a.out ?? `data/experts/${a.env}.json`;
  if (!out.endsWith(".json")) throw new GanrlError(`--out must name a .json file, got ${JSON.stringify(out)}`);
  const metaFile = sidecar(out, ".meta.json");
  const csvFile = sidecar(out, ".curve.csv");
  const ckptFile = a.checkpoint ?? sidecar(out, ".ckpt.json");
  // critical: the checkpoint is deleted when training ends, so it must never be the policy or a sidecar
  const same = (x: string, y: string) => path.resolve(x) === path.resolve(y);
  for (const [f, what] of [[out, "--out (the policy file)"], [metaFile, "the .meta.json beside --out"], [csvFile, "the .curve.csv beside --out"]] as const) {
    if (same(ckptFile, f)) throw new GanrlError(`--checkpoint ${ckptFile} is ${what}; the checkpoint is deleted after training, so choose another file (default: ${sidecar(out, ".ckpt.json")})`);
  }
  if (!a.resume && fs.existsSync(ckptFile)) {
    // starting afresh overwrites the checkpoint: only ever a train-expert checkpoint, never an unrelated file
    let format: unknown;
    try {
      format = (JSON.parse(fs.readFileSync(ckptFile, "utf8")) as { format?: unknown })?.format;
    } catch {
      format = undefined;
    }
    if (format !== CLI_CHECKPOINT_FORMAT) {
      throw new GanrlError(`--checkpoint ${ckptFile} exists and is not a train-expert checkpoint; refusing to overwrite (and later delete) it: choose another --checkpoint file`);
    }
  }
  const sets = parseSets(a.set);
  const command = commandLine();

  // ---- options: a fresh run from the preset, or a resumed run from its checkpoint
  let ckpt: CliCheckpoint | null = null;
  let options: Record<string, unknown>;
  let budget: number;
  if (a.resume) {
    if (!fs.existsSync(ckptFile)) {
      throw new GanrlError(`--resume: no checkpoint at ${ckptFile}; run without --resume to start training (or pass --checkpoint <file>)`);
    }
    const c = readJson(ckptFile) as CliCheckpoint;
    if (!c || c.format !== CLI_CHECKPOINT_FORMAT || !c.trainer) {
      throw new GanrlError(`${ckptFile} is not a train-expert checkpoint (format ${JSON.stringify(c?.format)}); delete it and start afresh`);
    }
    if (c.algo !== algo) throw new GanrlError(`checkpoint ${ckptFile} is a ${c.algo} run, not ${algo}; pass --algo ${c.algo}`);
    if (c.envId !== a.env) throw new GanrlError(`checkpoint ${ckptFile} trains on ${c.envId}, not ${a.env}; pass --env ${c.envId}`);
    if (c.seed !== a.seed) throw new GanrlError(`checkpoint ${ckptFile} was started with --seed ${c.seed}, not ${a.seed}; pass --seed ${c.seed}`);
    if (Object.keys(sets).length) throw new GanrlError("--set cannot change a resumed run's options; start afresh without --resume to change them");
    if (a.init !== undefined) throw new GanrlError("--init starts a fresh run; a resumed run continues its checkpoint (its initial policy is recorded there): drop --init or --resume");
    checkCheckpoint(c.trainer, algo, algo === "dqn" ? ["q", "target"] : ["policy", "value"]);
    ckpt = c;
    options = { ...c.trainer.options };
    budget = a.steps ?? c.steps;
  } else {
    const p = preset(algo, a.env);
    options = { ...p.options, ...sets, envId: a.env, seed: a.seed };
    budget = a.steps ?? p.steps;
  }
  const init = a.init !== undefined ? readInitPolicy(a.init, a.env, algo, options) : null;
  const initSource: InitSource | undefined = ckpt ? ckpt.init : init?.source;
  // The trainer validates every option (unknown keys, ranges) before anything is written.
  const backend = await initBackend({ quiet: true });
  if (!a.json) process.stderr.write(describeBackend(backend) + "\n");
  const trainer = makeTrainer(algo, options);
  let curve: CurvePoint[] = [];
  let priorWall = 0;
  const commands = [...(initSource?.commands && !ckpt ? initSource.commands : []), command];
  if (init) {
    curve = init.curve.map((p) => ({ ...p }));
    // critical: the trainer's policy and value share one RunningMeanStd; loading the policy sets it for both.
    (trainer as unknown as OnPolicyTrainer<OnPolicyOptions>).policy.load(init.json);
    process.stderr.write(`ganrl: starting from the policy in ${init.source.file} (${String(init.source.algo)}, ${String(init.source.steps)} steps on ${String(init.source.envId)}); the value network starts from the seed\n`);
  }
  if (ckpt) {
    await trainer.restore(ckpt.trainer);
    curve = ckpt.curve;
    priorWall = ckpt.wallSeconds;
    commands.unshift(...ckpt.commands);
    process.stderr.write(`ganrl: resuming ${algo} on ${a.env} from ${ckptFile} at step ${trainer.step} of ${budget}\n`);
  } else if (fs.existsSync(ckptFile)) {
    process.stderr.write(`ganrl: note: starting afresh; ${ckptFile} will be overwritten (pass --resume to continue it)\n`);
  }

  const t0 = Date.now();
  const wall = () => priorWall + (Date.now() - t0) / 1000;
  const saveCheckpoint = async () => {
    const c: CliCheckpoint = { format: CLI_CHECKPOINT_FORMAT, ...(initSource ? { init: initSource } : {}), algo, envId: a.env, seed: a.seed, steps: budget, commands, wallSeconds: wall(), curve, trainer: await trainer.checkpoint() };
    writeJsonAtomic(ckptFile, c);
  };

  // ---- progress: a bar on a terminal, a line every ~10% otherwise
  const showBar = a.progress && process.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: `${algo} ${a.env} |{bar}| {percentage}% {value}/{total} steps | {sps} steps/s | ETA {eta_formatted} | return {ret}`,
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(budget, trainer.step, { sps: "-", ret: "-" });
  let nextLine = trainer.step + budget / 10;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSigint);

  const result = await trainer.learn(budget, {
    callback: async ({ step, iteration, metrics }) => {
      const ret = metrics["gen/epReturn"];
      // after --init, the curve continues the initial policy's (steps, iterations and episodes counted from its end)
      const o = initSource?.offset ?? { step: 0, iteration: 0, episodes: 0 };
      curve.push({ step: o.step + step, iteration: o.iteration + iteration, episodes: o.episodes + (metrics["gen/episodes"] ?? 0), meanReturn: ret === undefined ? null : round6(ret) });
      const retText = ret === undefined ? "-" : ret.toFixed(1);
      bar?.update(step, { sps: Math.round(metrics["time/sps"]), ret: retText });
      if (!bar && a.progress && step >= nextLine) {
        nextLine += budget / 10;
        process.stderr.write(`ganrl: ${algo} ${a.env} step ${step}/${budget} (${((100 * step) / budget).toFixed(0)}%), ${Math.round(metrics["time/sps"])} steps/s, return ${retText}, ${formatSeconds(wall())}\n`);
      }
      // critical: training chains only microtasks; yield to the event loop so Ctrl-C is seen.
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted || iteration % a.checkpointEvery === 0) await saveCheckpoint();
      return !interrupted;
    },
  });
  process.removeListener("SIGINT", onSigint);
  bar?.stop();
  if (result.stoppedBy === "callback") {
    process.stderr.write(`ganrl: interrupted at step ${trainer.step}; checkpoint written to ${ckptFile}; continue with the same command plus --resume\n`);
    trainer.dispose();
    process.exit(130);
  }
  const trainSeconds = wall();

  const expert = expertOf(trainer);
  // ---- final evaluation: 100 episodes, both ways (seeds evalSeed .. evalSeed + n − 1)
  const evaluation = expertEvaluation(expert.actor, a.env, a.evalEpisodes, a.evalSeed);
  const evalText = (s: EvalSummary) => `${s.meanReturn.toFixed(2)} ± ${s.stdReturn.toFixed(2)}`;

  const optionsUsed = { ...options };
  const meta = {
    format: "ganrl-expert-meta/1",
    envId: a.env,
    algo,
    seed: a.seed,
    steps: trainer.step,
    iterations: trainer.iteration,
    command: commands[commands.length - 1],
    commands,
    wallSeconds: round6(trainSeconds),
    backend: backend.name,
    node: process.version,
    commit: gitCommit(),
    createdAt: new Date().toISOString(),
    options: optionsUsed,
    ...(initSource
      ? {
          init: initSource,
          totalSteps: (initSource.offset?.step ?? 0) + trainer.step,
          ...(initSource.wallSeconds !== undefined ? { totalWallSeconds: round6(initSource.wallSeconds + trainSeconds) } : {}),
        }
      : {}),
    evaluation: evaluationRecord(a.evalSeed, a.evalEpisodes, evaluation),
    curveFile: csvFile.split(/[\\/]/).pop(),
    curve,
  };
  const policyJson = compactNet(
    expert.save({ envId: a.env, algo, seed: a.seed, steps: trainer.step, evaluation: { deterministic: evaluation.deterministic, stochastic: evaluation.stochastic }, metaFile: metaFile.split(/[\\/]/).pop() }),
  );
  writeFileAtomic(out, compactJson(policyJson) + "\n");
  writeFileAtomic(metaFile, compactJson(meta) + "\n");
  writeFileAtomic(csvFile, curveCsv(curve));
  if (!a.keepCheckpoint && fs.existsSync(ckptFile)) fs.unlinkSync(ckptFile);
  trainer.dispose();

  const summary = {
    env: a.env,
    algo,
    steps: trainer.step,
    wallSeconds: round6(trainSeconds),
    deterministic: evaluation.deterministic,
    stochastic: evaluation.stochastic,
    out,
  };
  if (a.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(`trained ${algo} on ${a.env}: ${trainer.step} steps in ${formatSeconds(trainSeconds)}`);
    console.log(`evaluation over ${a.evalEpisodes} episodes: deterministic ${evalText(evaluation.deterministic)}, stochastic ${evalText(evaluation.stochastic)}`);
    console.log(`wrote ${out}, ${metaFile}, ${csvFile}`);
  }
}
