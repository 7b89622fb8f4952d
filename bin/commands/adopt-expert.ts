/**
 * `ganrl adopt-expert`: ships an expert trained on one task for a twin task of the same family
 * (same observation layout and dynamics, e.g. the CartPole-v1 expert for seals/CartPole-v0),
 * without training. It evaluates the policy on the target task exactly as `train-expert`'s final
 * evaluation does (100 episodes, deterministic and stochastic, seeds S..S + n − 1) and writes
 *
 *   <out>             the same weights; its meta keeps `envId` = the task it was trained on and adds
 *                     `adoptedFor` and the target's evaluation
 *   <out>.meta.json   `ganrl-expert-meta/1`: `envId` = the target, `trainedOn`, `adoptedFrom`, the
 *                     source's training record (command, seed, options, steps, wall time, backend,
 *                     commit, curve), this command, and the evaluation on the target
 *   <out>.curve.csv   the source's learning curve (measured on `trainedOn`)
 *
 * so that the file says which expert it is, where it was trained and where it was evaluated.
 */
import * as fs from "fs";
import * as path from "path";
import { GanrlError, initBackend, describeBackend, readJson, writeFileAtomic } from "../../lib/core";
import { EnvId, getEnvSpec, isEnvId } from "../../lib/envs";
import { EvalSummary, commandLine, compactJson, expertEvaluation, formatSeconds, jsonLine, loadActorFor, readPolicyJson, round6, sidecar } from "./common";

export interface AdoptExpertArgs {
  policy: string;
  env: EnvId;
  out?: string;
  evalEpisodes: number;
  evalSeed: number;
  json: boolean;
}

export async function adoptExpert(a: AdoptExpertArgs): Promise<void> {
  const out = a.out ?? `data/experts/${a.env}.json`;
  if (!out.endsWith(".json")) throw new GanrlError(`--out must name a .json file, got ${JSON.stringify(out)}`);
  if (path.resolve(out) === path.resolve(a.policy)) throw new GanrlError(`--out ${out} is the --policy file itself; choose another file (default data/experts/<env>.json)`);
  const json = readPolicyJson(a.policy, a.env);
  const m = (json.meta ?? {}) as Record<string, unknown>;
  const trainedOn = m.envId;
  if (typeof trainedOn !== "string" || !isEnvId(trainedOn)) {
    throw new GanrlError(`${a.policy} does not say which task it was trained on (meta.envId); adopt only an expert written by \`npx ganrl train-expert\``);
  }
  if (trainedOn === a.env) throw new GanrlError(`${a.policy} was trained on ${a.env} itself; nothing to adopt (copy it, or train with \`npx ganrl train-expert --env ${a.env}\`)`);
  const srcMetaFile = path.join(path.dirname(a.policy), typeof m.metaFile === "string" ? m.metaFile : path.basename(sidecar(a.policy, ".meta.json")));
  if (!fs.existsSync(srcMetaFile)) throw new GanrlError(`${a.policy}: its training record ${srcMetaFile} does not exist; adopt an expert together with its .meta.json`);
  const src = readJson(srcMetaFile) as Record<string, unknown>;
  if (src?.format !== "ganrl-expert-meta/1" || src.envId !== trainedOn) {
    throw new GanrlError(`${srcMetaFile} is not the ganrl-expert-meta/1 record of a ${trainedOn} expert; restore it from git or re-train the expert`);
  }
  const srcCurve = path.join(path.dirname(srcMetaFile), typeof src.curveFile === "string" ? src.curveFile : path.basename(sidecar(a.policy, ".curve.csv")));
  const metaFile = sidecar(out, ".meta.json");
  const csvFile = sidecar(out, ".curve.csv");
  const command = commandLine();

  const backend = await initBackend({ quiet: true });
  if (!a.json) process.stderr.write(describeBackend(backend) + "\n");
  const { actor } = loadActorFor(a.policy, a.env);
  const t0 = Date.now();
  const evaluation = expertEvaluation(actor, a.env, a.evalEpisodes, a.evalSeed);
  actor.dispose();
  const evalSeconds = (Date.now() - t0) / 1000;

  const srcCommands = Array.isArray(src.commands) ? (src.commands as string[]) : [String(src.command)];
  const meta = {
    format: "ganrl-expert-meta/1",
    envId: a.env,
    trainedOn,
    adoptedFrom: a.policy,
    note: `the ${trainedOn} expert, unchanged (${getEnvSpec(a.env).family} family: same observation layout and dynamics); trained on ${trainedOn}, evaluated on ${a.env}`,
    algo: src.algo,
    seed: src.seed,
    steps: src.steps,
    iterations: src.iterations,
    command,
    commands: [...srcCommands, command],
    wallSeconds: src.wallSeconds,
    backend: src.backend,
    node: src.node,
    commit: src.commit,
    createdAt: src.createdAt,
    options: src.options,
    adopted: { command, backend: backend.name, node: process.version, createdAt: new Date().toISOString(), evalSeconds: round6(evalSeconds) },
    evaluation: {
      episodes: a.evalEpisodes,
      seeds: `${a.evalSeed}..${a.evalSeed + a.evalEpisodes - 1} (episode i resets with seed ${a.evalSeed} + i; sampled actions from new Rng(seed).fork())`,
      deterministic: evaluation.deterministic,
      stochastic: evaluation.stochastic,
    },
    trainedOnEvaluation: src.evaluation,
    curveFile: path.basename(csvFile),
    curveOn: trainedOn,
    curve: src.curve,
  };
  const policy = { ...json, meta: { ...m, envId: trainedOn, adoptedFor: a.env, evaluation, trainedOnEvaluation: m.evaluation, metaFile: path.basename(metaFile) } };
  writeFileAtomic(out, compactJson(policy) + "\n");
  writeFileAtomic(metaFile, compactJson(meta) + "\n");
  if (fs.existsSync(srcCurve)) writeFileAtomic(csvFile, fs.readFileSync(srcCurve, "utf8"));

  const text = (s: EvalSummary) => `${s.meanReturn.toFixed(2)} ± ${s.stdReturn.toFixed(2)}`;
  if (a.json) {
    console.log(jsonLine({ env: a.env, trainedOn, deterministic: evaluation.deterministic, stochastic: evaluation.stochastic, out }));
  } else {
    console.log(`${a.policy} (trained on ${trainedOn}) on ${a.env}, ${a.evalEpisodes} episodes: deterministic ${text(evaluation.deterministic)}, stochastic ${text(evaluation.stochastic)} (${formatSeconds(evalSeconds)})`);
    console.log(`wrote ${out}, ${metaFile}${fs.existsSync(srcCurve) ? `, ${csvFile}` : ""}`);
  }
}
