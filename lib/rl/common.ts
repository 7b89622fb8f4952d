/**
 * What the trainers share: optimiser (de)serialisation for checkpoints, global-norm gradient
 * clipping, the linear schedule, and the checkpoint format.
 */
import { tf, ensure, GanrlError, meanStd, describe } from "../core";
import { NetJson, ParamJson, FlatAdam } from "../nn";

/** Version tag of trainer checkpoints. */
export const CHECKPOINT_FORMAT = "ganrl.checkpoint/1";

/**
 * A trainer's resumable state: networks (with obs-normalisation stats), optimiser moments, rng
 * states, counters and recent episode statistics. JSON-able; write it with `writeJsonAtomic`.
 * Environments are not saved: a resumed run re-seeds and resets them from its restored rng, so
 * it continues the same learning curve in distribution, not bit for bit.
 */
export interface TrainerCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  algo: string;
  /** The JSON-able options the trainer was built with (to rebuild it: `new PPO(ckpt.options)`). */
  options: Record<string, unknown>;
  step: number;
  iteration: number;
  /** Total budget of the `learn` call in progress (for schedules). */
  totalSteps: number;
  rng: Record<string, number[]>;
  nets: Record<string, NetJson>;
  optimizers: Record<string, ParamJson[]>;
  /** The last (up to 100) finished episodes, and how many finished in all (`total`; older checkpoints lack it). */
  episodes: { returns: number[]; lengths: number[]; total?: number };
  /** Algorithm-specific extras (e.g. DQN's replay buffer size). */
  extra?: Record<string, unknown>;
}

/**
 * Checks a checkpoint's shape before anything is restored from it: format, algorithm, counters,
 * rng states, the networks `nets` names, optimiser state and the episode window. A malformed
 * file is a `GanrlError` naming the field (not a crash deep inside a restore).
 */
export function checkCheckpoint(ckpt: TrainerCheckpoint, algo: string, nets: readonly string[] = []): void {
  if (!ckpt || typeof ckpt !== "object") throw new GanrlError("checkpoint must be an object; the file is damaged: delete it and start afresh");
  ensure(ckpt.format === CHECKPOINT_FORMAT, () => `checkpoint format is ${JSON.stringify(ckpt.format)}, expected "${CHECKPOINT_FORMAT}"`);
  ensure(ckpt.algo === algo, () => `checkpoint is for ${ckpt.algo}, not ${algo}`);
  const bad = (field: string, what: string) => new GanrlError(`checkpoint field '${field}' ${what}; the checkpoint is damaged or from another program: delete it and start afresh`);
  for (const k of ["step", "iteration", "totalSteps"] as const) {
    if (!Number.isSafeInteger(ckpt[k]) || ckpt[k] < 0) throw bad(k, `must be a non-negative integer, got ${describe(ckpt[k])}`);
  }
  if (!ckpt.options || typeof ckpt.options !== "object") throw bad("options", "is missing");
  for (const k of ["main", "sample"]) {
    const st = ckpt.rng?.[k];
    if (!Array.isArray(st) || st.length === 0 || !st.every((x) => Number.isFinite(x))) throw bad(`rng.${k}`, "is missing or not a list of numbers");
  }
  if (!ckpt.nets || typeof ckpt.nets !== "object") throw bad("nets", "is missing");
  for (const n of nets) if (!ckpt.nets[n] || typeof ckpt.nets[n] !== "object") throw bad(`nets.${n}`, "is missing");
  if (ckpt.optimizers !== undefined && (ckpt.optimizers === null || typeof ckpt.optimizers !== "object")) throw bad("optimizers", "must be an object");
  const e = ckpt.episodes;
  if (!e || !Array.isArray(e.returns) || !Array.isArray(e.lengths) || e.returns.length !== e.lengths.length) throw bad("episodes", "must hold returns and lengths of equal length");
  if (e.total !== undefined && (!Number.isSafeInteger(e.total) || e.total < e.returns.length)) throw bad("episodes.total", `must be an integer ≥ ${e.returns.length}, got ${describe(e.total)}`);
}

/** Optimiser state (Adam's iteration count and moments) as JSON, in the optimiser's own order. */
export async function saveOptimizer(opt: tf.Optimizer): Promise<ParamJson[]> {
  const ws = await opt.getWeights();
  const out: ParamJson[] = [];
  for (const w of ws) out.push({ name: w.name, shape: w.tensor.shape.slice(), values: Array.from(await w.tensor.data()) });
  // getWeights' iteration scalar is a fresh tensor; tf.train.adam's moments are its own variables, FlatAdam's are fresh slices.
  if (opt instanceof FlatAdam) tf.dispose(ws.map((w) => w.tensor));
  else if (ws.length > 0) ws[0].tensor.dispose();
  return out;
}

/** Restores `saveOptimizer` output into a fresh (never stepped) optimiser. */
export async function loadOptimizer(opt: tf.Optimizer, state: readonly ParamJson[]): Promise<void> {
  if (!state || state.length === 0) return;
  const named = state.map((p) => ({ name: p.name, tensor: tf.tensor(Float32Array.from(p.values), p.shape) }));
  await opt.setWeights(named);
  // setWeights made variables from the moment tensors (sharing data); our handles can go.
  for (const n of named) if (!n.tensor.isDisposed) n.tensor.dispose();
}

/** Sets an optimiser's learning rate (TF.js reads it on every step). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/** Linear schedule from `start` (progress 0) to `end` (progress 1), clamped. */
export function linearSchedule(start: number, end: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return start + (end - start) * p;
}

/**
 * Gradients scaled so that their global L2 norm is at most `maxNorm` (no-op when
 * `maxNorm` is Infinity or null). Returns the clipped map and the pre-clip norm (a scalar
 * tensor). Call inside a tidy.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number | null): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))) as tf.Scalar;
  if (maxNorm === null || !Number.isFinite(maxNorm)) return { grads, norm };
  // scale = maxNorm / max(norm, maxNorm): 1 when within the bound
  const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return { grads: out, norm };
}

/** Mean and population std (from lib/core/stats, re-exported for the RL modules). */
export { meanStd };

/** A FIFO of the last `cap` finished episodes (SB3's `ep_info_buffer`, 100 by default). */
export class EpisodeWindow {
  returns: number[] = [];
  lengths: number[] = [];
  total = 0;
  constructor(readonly cap = 100) {}
  push(ret: number, len: number): void {
    this.returns.push(ret);
    this.lengths.push(len);
    this.total++;
    if (this.returns.length > this.cap) {
      this.returns.shift();
      this.lengths.shift();
    }
  }
  /** Restores a saved window and the total count (checkpoints without `total` count the window). */
  restore(saved: { returns: number[]; lengths: number[]; total?: number }): void {
    this.returns = saved.returns.slice(-this.cap);
    this.lengths = saved.lengths.slice(-this.cap);
    this.total = saved.total ?? saved.returns.length;
  }
  /** `gen/epReturn`, `gen/epLength` (means over the window) and `gen/episodes` (total). */
  metrics(): Record<string, number> {
    const m: Record<string, number> = { "gen/episodes": this.total };
    if (this.returns.length) {
      m["gen/epReturn"] = meanStd(this.returns).mean;
      m["gen/epLength"] = meanStd(this.lengths).mean;
    }
    return m;
  }
}

/** Picks the JSON-able fields of an options object (drops functions and objects like envs). */
export function jsonOptions(opts: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || typeof v === "function") continue;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Soft (maximum-entropy) rewards in place: r_t ← r_t − α log π(a_t|s_t) for a policy π with a
 * `logProb(obs, actions)` (an unbiased one-sample estimate of the bonus α H(π(·|s_t)), so that
 * an ordinary RL learner optimises the entropy-regularised objective E[Σ γᵗ (r_t + α H(π(·|s_t)))]).
 * Used by the adversarial trainers' `causalEntropyCoef` and by reward transfer at AIRL's temperature.
 */
export function addEntropyBonus(rewards: Float32Array, policy: { logProb(obs: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D }, input: { n: number; obsDim: number; obs: Float32Array; actions: Int32Array }, alpha: number): Float32Array {
  if (alpha === 0) return rewards;
  const n = input.n;
  const lp = tf.tidy(() => policy.logProb(tf.tensor2d(input.obs.subarray(0, n * input.obsDim), [n, input.obsDim]), tf.tensor1d(input.actions.subarray(0, n), "int32")).dataSync());
  for (let i = 0; i < n; i++) rewards[i] -= alpha * lp[i];
  return rewards;
}

/** What every trainer's checkpoint shares: its counters, rngs, options and recent episodes. */
export interface CheckpointSource {
  readonly algo: string;
  readonly opts: object;
  readonly step: number;
  readonly iteration: number;
  readonly totalSteps: number;
  readonly rng: { getState(): number[] };
  readonly sampleRng: { getState(): number[] };
  readonly episodes: EpisodeWindow;
}

/** A trainer's checkpoint from its shared state plus its own networks, optimisers and extras. */
export async function buildCheckpoint(t: CheckpointSource, nets: TrainerCheckpoint["nets"], optimizers: Record<string, tf.Optimizer>, extra?: Record<string, unknown>): Promise<TrainerCheckpoint> {
  const saved: TrainerCheckpoint["optimizers"] = {};
  for (const [k, o] of Object.entries(optimizers)) saved[k] = await saveOptimizer(o);
  return {
    format: CHECKPOINT_FORMAT,
    algo: t.algo,
    options: jsonOptions(t.opts),
    step: t.step,
    iteration: t.iteration,
    totalSteps: t.totalSteps,
    rng: { main: t.rng.getState(), sample: t.sampleRng.getState() },
    nets,
    optimizers: saved,
    episodes: { returns: [...t.episodes.returns], lengths: [...t.episodes.lengths], total: t.episodes.total },
    ...(extra ? { extra } : {}),
  };
}
