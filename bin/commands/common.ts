/**
 * What the `ganrl` commands share: argument parsers that fail with one clear line, policy
 * loading checked against the environment, batched episode roll-outs (evaluation and
 * demonstrations), compact number formatting for data files.
 *
 * Error convention: bad input throws `GanrlError` (or commander's `InvalidArgumentError`);
 * `bin/cli.ts` prints `ganrl: error: <message>` on one line and exits with code 2.
 */
import * as fs from "fs";
import * as path from "path";
import { execSync } from "child_process";
import { InvalidArgumentError } from "commander";
import { tf, Rng, GanrlError, describe, readJson, parseIntegerText } from "../../lib/core";
import { ENV_IDS, EnvId, getEnvSpec, isEnvId, makeEnv } from "../../lib/envs";
import { CategoricalPolicy, Mlp, NetJson, loadNet, sampleCategorical } from "../../lib/nn";

/** Exit code of every input error (usage errors included). */
export const EXIT_USAGE = 2;

// ------------------------------------------------------------------ argument parsers

/** Commander parser: a non-negative decimal integer (seeds); `0x10` and `1.5` are rejected. */
export function parseSeed(value: string): number {
  try {
    return parseIntegerText(value, "the seed", 0);
  } catch (e) {
    throw new InvalidArgumentError(`expected a non-negative integer (decimal digits) such as 0 or 42, got ${JSON.stringify(value)}`);
  }
}

/** Commander parser: a positive decimal integer (counts, budgets); accepts 1e6 and 1_000_000 forms. */
export function parsePositiveInt(value: string): number {
  try {
    return parseIntegerText(value, "the value", 1);
  } catch (e) {
    throw new InvalidArgumentError(`expected a positive integer (decimal digits) such as 10 or 1e5, got ${JSON.stringify(value)}`);
  }
}

/** Commander parser: an environment id, listing the valid ones on error. */
export function parseEnvId(value: string): EnvId {
  if (!isEnvId(value)) throw new InvalidArgumentError(`unknown environment id ${JSON.stringify(value)}; valid ids: ${ENV_IDS.join(", ")}`);
  return value;
}

/** Checks that an option the command needs was given (commander's requiredOption, with our wording). */
export function required<T>(value: T | undefined, flag: string, example: string): T {
  if (value === undefined) throw new GanrlError(`missing ${flag}; e.g. ${example}`);
  return value;
}

/** The command line as typed, for provenance (`npx ganrl ...`). */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ["npx", "ganrl", ...argv.map(quote)].join(" ");
}

/** `data/experts/CartPole-v1.json` → `data/experts/CartPole-v1.meta.json` (and other suffixes). */
export function sidecar(file: string, suffix: string): string {
  const ext = path.extname(file);
  const base = ext === ".json" ? file.slice(0, -ext.length) : file;
  return `${base}${suffix}`;
}

// ------------------------------------------------------------------ policies

/**
 * What evaluation and demonstrations need from an expert: batched action scores and how to
 * turn a row of scores into an action. Two kinds of file are experts:
 * - `categorical-policy` (PPO, TRPO, REINFORCE): scores are logits; deterministic = argmax,
 *   stochastic = a ~ softmax(logits);
 * - `q` (DQN): scores are Q(s, ·); deterministic = argmax, stochastic = ε-greedy with the ε the
 *   network finished training with (`meta.epsilon`, default 0.05).
 */
export interface Actor {
  readonly kind: "categorical-policy" | "q";
  readonly obsDim: number;
  readonly nActions: number;
  /** ε of the ε-greedy stochastic mode (Q networks; 0 for policies). */
  readonly epsilon: number;
  /** Scores [batch*nActions] for observations [batch*obsDim]: one network call, one download. */
  scores(obs: Float32Array, batch: number): Float32Array;
  dispose(): void;
}

/** A categorical policy as an actor (logits). */
export function policyActor(policy: CategoricalPolicy): Actor {
  return {
    kind: "categorical-policy",
    obsDim: policy.obsDim,
    nActions: policy.nActions,
    epsilon: 0,
    scores(obs, batch) {
      const t = tf.tidy(() => policy.logits(tf.tensor2d(obs, [batch, policy.obsDim])));
      const v = t.dataSync() as Float32Array;
      t.dispose();
      return v;
    },
    dispose: () => policy.dispose(),
  };
}

/** A Q network as an actor (Q-values; ε-greedy when stochastic). */
export function qActor(q: Mlp, epsilon: number): Actor {
  return {
    kind: "q",
    obsDim: q.arch.inputDim,
    nActions: q.arch.outputDim,
    epsilon,
    scores(obs, batch) {
      const t = tf.tidy(() => q.apply(tf.tensor2d(obs, [batch, q.arch.inputDim])));
      const v = t.dataSync() as Float32Array;
      t.dispose();
      return v;
    },
    dispose: () => q.dispose(),
  };
}

/** Default ε of a Q network's stochastic mode when its file does not say. */
export const DEFAULT_Q_EPSILON = 0.05;

/** An expert file: the saved network and the actor built from it. */
export interface LoadedActor {
  file: string;
  json: NetJson;
  actor: Actor;
}

/**
 * Loads a `ganrl.net/1` expert (categorical policy or Q network) and checks it fits `envId`
 * (observation width and number of actions). Every failure is a `GanrlError` naming the file and the fix.
 */
export function loadActorFor(file: string, envId: EnvId): LoadedActor {
  const json = readPolicyJson(file, envId);
  try {
    if (json.kind === "q") {
      const q = new Mlp({ ...json.arch }, new Rng(0));
      loadNet(json, "q", q);
      const eps = typeof json.meta?.epsilon === "number" ? json.meta.epsilon : DEFAULT_Q_EPSILON;
      return { file, json, actor: qActor(q, eps) };
    }
    return { file, json, actor: policyActor(CategoricalPolicy.fromJSON(json, new Rng(0))) };
  } catch (e) {
    if (e instanceof GanrlError) throw new GanrlError(`${file}: ${e.message}`);
    throw new GanrlError(`${file} is not a loadable network (${(e as Error).message}); re-create it with \`npx ganrl train-expert\` or restore it from git`);
  }
}

/**
 * Reads a policy file and checks, without TF.js, that it is a categorical policy whose
 * observation width and number of actions fit `envId`.
 */
export function readPolicyJson(file: string, envId: EnvId): NetJson {
  if (!fs.existsSync(file)) {
    const shipped = ENV_IDS.map((id) => `data/experts/${id}.json`).filter((f) => fs.existsSync(f));
    const hint = shipped.length ? `shipped experts: ${shipped.join(", ")}` : "train one with `npx ganrl train-expert --env <id>`";
    throw new GanrlError(`policy file ${file} does not exist; ${hint}`);
  }
  const json = readJson(file) as NetJson;
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new GanrlError(`${file} is not a policy file (expected a ganrl.net/1 JSON object)`);
  if (json.kind !== "categorical-policy" && json.kind !== "q") {
    throw new GanrlError(`${file} holds a ${describe(json.kind)} network, not a policy or Q network; pass an expert written by \`npx ganrl train-expert\``);
  }
  const env = makeEnv(envId);
  const arch = json.arch as NetJson["arch"] | undefined;
  if (!arch || typeof arch.inputDim !== "number" || typeof arch.outputDim !== "number") {
    throw new GanrlError(`${file} has no valid 'arch' (inputDim, hidden, outputDim); re-create it with \`npx ganrl train-expert\``);
  }
  if (arch.inputDim !== env.obsDim || arch.outputDim !== env.actionSpace.n) {
    const trained = typeof json.meta?.envId === "string" ? ` (it was trained on ${json.meta.envId}: pass --env ${json.meta.envId})` : "";
    throw new GanrlError(
      `policy ${file} takes ${arch.inputDim} observations and chooses among ${arch.outputDim} actions, but ${envId} has ${env.obsDim} and ${env.actionSpace.n}${trained}`,
    );
  }
  const declared = json.meta?.envId;
  if (typeof declared === "string" && declared !== envId && !sameFamily(declared, envId)) {
    throw new GanrlError(`policy ${file} was trained on ${declared}, not ${envId}; pass --env ${declared}`);
  }
  return json;
}

/** Tasks of one family share dynamics and observation layout (e.g. CartPole-v1, -v0, seals/CartPole-v0: only the time limit or the reward rule differs). */
function sameFamily(a: string, b: EnvId): boolean {
  return isEnvId(a) && getEnvSpec(a).family === getEnvSpec(b).family;
}

// ------------------------------------------------------------------ episodes

/** One episode as recorded: T + 1 observations for T actions. */
export interface Episode {
  /** Seed given to `reset` for this episode. */
  seed: number;
  /** [T + 1][obsDim] float32 observations. */
  obs: Float32Array[];
  actions: number[];
  rewards: number[];
  terminated: boolean;
  truncated: boolean;
  ret: number;
}

export interface RollOptions {
  /** argmax actions (true) or samples from π(·|s) (false). */
  deterministic: boolean;
  /** Keep observations, actions and rewards (demonstrations); otherwise only returns and lengths. */
  record?: boolean;
  /** Called after each finished episode (progress). */
  onEpisode?: (done: number) => void;
}

/**
 * Runs one episode per seed, all at once (one batched network call per time step).
 * Episode i resets its own environment with `seeds[i]`, and when sampling draws its actions
 * (samples, or ε-greedy coin flips) from `new Rng(seeds[i]).fork()`: so an episode depends on its seed only, and the first k
 * episodes of a longer run equal a run of k (nested demonstration sets).
 */
export function rollEpisodes(actor: Actor, envId: EnvId, seeds: readonly number[], opts: RollOptions): Episode[] {
  const envs = seeds.map((s) => makeEnv(envId, { seed: s }));
  const D = envs[0].obsDim;
  const nA = envs[0].actionSpace.n;
  if (actor.obsDim !== D || actor.nActions !== nA) {
    throw new GanrlError(`the expert takes ${actor.obsDim} observations and ${actor.nActions} actions, but ${envId} has ${D} and ${nA}`);
  }
  const rngs = seeds.map((s) => new Rng(s).fork());
  const eps: Episode[] = seeds.map((seed) => ({ seed, obs: [], actions: [], rewards: [], terminated: false, truncated: false, ret: 0 }));
  const cur = envs.map((e, i) => e.reset(seeds[i]));
  cur.forEach((o, i) => opts.record && eps[i].obs.push(o));
  let active = seeds.map((_, i) => i);
  const one = { actions: new Int32Array(1), logProb: new Float32Array(1) };
  let finished = 0;
  while (active.length > 0) {
    const x = new Float32Array(active.length * D);
    active.forEach((i, k) => x.set(cur[i], k * D));
    const scores = actor.scores(x, active.length);
    const still: number[] = [];
    active.forEach((i, k) => {
      let a: number;
      if (actor.kind === "categorical-policy") {
        sampleCategorical(scores, 1, nA, rngs[i], opts.deterministic, nA, k * nA, one);
        a = one.actions[0];
      } else if (!opts.deterministic && rngs[i].uniform() < actor.epsilon) {
        a = rngs[i].int(nA);
      } else {
        a = 0;
        for (let j = 1; j < nA; j++) if (scores[k * nA + j] > scores[k * nA + a]) a = j;
      }
      const r = envs[i].step(a);
      const ep = eps[i];
      ep.ret += r.reward;
      ep.actions.push(a);
      if (opts.record) {
        ep.rewards.push(r.reward);
        ep.obs.push(r.obs);
      }
      cur[i] = r.obs;
      if (r.terminated || r.truncated) {
        ep.terminated = r.terminated;
        ep.truncated = r.truncated;
        finished++;
        opts.onEpisode?.(finished);
      } else {
        still.push(i);
      }
    });
    active = still;
  }
  return eps;
}

/** Mean and population standard deviation of returns, mean length. */
export interface EvalSummary {
  env: EnvId;
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  meanLength: number;
}

export function summarise(envId: EnvId, eps: readonly Episode[]): EvalSummary {
  const n = eps.length;
  const mean = eps.reduce((a, e) => a + e.ret, 0) / n;
  const std = Math.sqrt(eps.reduce((a, e) => a + (e.ret - mean) ** 2, 0) / n);
  const meanLength = eps.reduce((a, e) => a + e.actions.length, 0) / n;
  return { env: envId, episodes: n, meanReturn: mean, stdReturn: std, meanLength };
}

/** Evaluation over `episodes` episodes seeded `seed, seed + 1, ...`. */
export function evaluateActor(actor: Actor, envId: EnvId, episodes: number, seed: number, deterministic: boolean): EvalSummary {
  const seeds = Array.from({ length: episodes }, (_, i) => seed + i);
  return summarise(envId, rollEpisodes(actor, envId, seeds, { deterministic }));
}

/**
 * An expert's final evaluation, as every expert-writing command records it: `episodes` episodes
 * from seed `seed` (episode i resets with seed + i), greedy and sampled, figures rounded to 6 digits.
 */
export function expertEvaluation(actor: Actor, envId: EnvId, episodes: number, seed: number): { deterministic: EvalSummary; stochastic: EvalSummary } {
  const rounded = (s: EvalSummary): EvalSummary => ({ ...s, meanReturn: round6(s.meanReturn), stdReturn: round6(s.stdReturn), meanLength: round6(s.meanLength) });
  return {
    deterministic: rounded(evaluateActor(actor, envId, episodes, seed, true)),
    stochastic: rounded(evaluateActor(actor, envId, episodes, seed, false)),
  };
}

// ------------------------------------------------------------------ formatting

/**
 * The shortest decimal that reads back as the same float32 (observations are float32, so
 * 9 significant digits are never needed and usually 7 or fewer suffice).
 */
export function shortFloat32(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || Number.isInteger(f)) return f;
  for (let p = 1; p <= 9; p++) {
    const y = Number(f.toPrecision(p));
    if (Math.fround(y) === f) return y;
  }
  return f;
}

/** Rounds a float64 statistic for display/records (6 significant digits). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/** Human duration: 75 → "1m15s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s - 60 * m)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** One-line JSON with `", "` and `": "` separators (as Python's json.dumps), keys in the given order. */
export function jsonLine(obj: Record<string, unknown>): string {
  return "{" + Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ") + "}";
}

/**
 * JSON that stays readable and small: objects indented one space per level, but arrays of
 * plain values and objects holding only plain values on one line each (a network's weights, a
 * learning curve's points).
 */
export function compactJson(value: unknown, indent = ""): string {
  const plain = (v: unknown) => v === null || typeof v !== "object";
  if (plain(value)) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    if (value.every(plain)) return JSON.stringify(value);
    const inner = indent + " ";
    return `[\n${value.map((v) => inner + (isFlatObject(v) ? JSON.stringify(v) : compactJson(v, inner))).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const inner = indent + " ";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(",\n")}\n${indent}}`;
}

function isFlatObject(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v as object).every((x) => x === null || typeof x !== "object");
}

/** The checkout's short commit, or undefined outside git. */
export function gitCommit(): string | undefined {
  try {
    return execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A network JSON with float32 weights written in their shortest exact decimal form. */
export function compactNet(json: NetJson): NetJson {
  return { ...json, params: json.params.map((p) => ({ ...p, values: p.values.map(shortFloat32) })) };
}

/** The `evaluation` record of an expert's meta: the episodes, how their seeds run, both evaluations. */
export function evaluationRecord(evalSeed: number, episodes: number, evaluation: { deterministic: EvalSummary; stochastic: EvalSummary }): Record<string, unknown> {
  return {
    episodes,
    seeds: `${evalSeed}..${evalSeed + episodes - 1} (episode i resets with seed ${evalSeed} + i; sampled actions from new Rng(seed).fork())`,
    deterministic: evaluation.deterministic,
    stochastic: evaluation.stochastic,
  };
}
