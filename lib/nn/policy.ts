/**
 * Policies and value functions for discrete actions.
 *
 * `CategoricalPolicy`: an MLP maps observations [batch, obsDim] to logits [batch, nActions] of
 * π(a|s) = softmax(logits). `act` is the one inference entry point (batched: one network call
 * and one download per vector step, sampling in JS from our Rng). `logProb` and `entropy` return
 * tensors for updates. Observations are raw everywhere: the optional `obsNorm` is applied inside.
 *
 * `ValueNet`: V(s), an MLP with one output, sharing the policy's `obsNorm` when given.
 */
import { tf, Rng, ensure, GanrlError, checkPositiveInt, describe } from "../core";
import { Mlp, MlpArch, MlpOptions, ParamJson, Activation, InitName } from "./mlp";
import { RunningMeanStd, ObsNormJson, checkObsNormJson } from "./normalize";
import { MlpMirror } from "./mirror";

/**
 * Batches up to this many observations are run through the policy's typed-array copy
 * (`MlpMirror`) instead of TF.js: below it TF.js's fixed cost per call dominates.
 */
export const JS_INFERENCE_MAX_ROWS = 256;

/** Version tag of saved networks. */
export const NET_FORMAT = "ganrl.net/1";

/** A saved network: `{ format, kind, arch, params, obsNorm? }` (what `data/` policies hold). */
export interface NetJson {
  format: typeof NET_FORMAT;
  kind: "categorical-policy" | "value" | "q";
  arch: MlpArch;
  params: ParamJson[];
  /** Observation-normalisation statistics, when the network normalises its input. */
  obsNorm?: ObsNormJson;
  /** Free-form provenance (env id, algorithm, steps, return). */
  meta?: Record<string, unknown>;
}

export interface ActResult {
  /** Chosen actions, [batch]. */
  actions: Int32Array;
  /** log π(a|s) of the chosen actions, [batch]. */
  logProb: Float32Array;
}

export interface ActOptions {
  /** Take argmax actions instead of sampling (evaluation). */
  deterministic?: boolean;
  /** Generator for sampling (default: the policy's own). */
  rng?: Rng;
}

/** What rollouts, trainers and evaluation need from a policy over discrete actions. */
export interface Policy {
  readonly obsDim: number;
  readonly nActions: number;
  /** Batched inference: obs [batch*obsDim] → actions and their log-probabilities. */
  act(obs: Float32Array, opts?: ActOptions): ActResult;
  /** Logits [batch, nActions] of the action distribution (tensor; call inside a tidy). */
  logits(obs: tf.Tensor2D, params?: readonly tf.Tensor[]): tf.Tensor2D;
  /** log π(a|s), [batch] (tensor). */
  logProb(obs: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D;
  /** Entropy H(π(·|s)), [batch] (tensor). */
  entropy(obs: tf.Tensor2D): tf.Tensor1D;
  /** Trainable variables. */
  readonly trainableVariables: tf.Variable[];
  save(meta?: Record<string, unknown>): NetJson;
  load(json: NetJson): void;
  dispose(): void;
}

export interface CategoricalPolicyOptions {
  /** Observation width. */
  obsDim: number;
  /** Number of discrete actions. */
  nActions: number;
  /** Hidden widths (default [64, 64]). */
  hidden?: readonly number[];
  /** Hidden nonlinearity (default tanh). */
  activation?: Activation;
  /** Initialiser (default orthogonal, output gain 0.01). */
  init?: InitName;
  /** Output-layer gain (default 0.01: near-uniform first policy). */
  outputGain?: number;
  /** Normalise observations with these running statistics (shared with the value net). */
  obsNorm?: RunningMeanStd | null;
}

/** Samples from rows of logits in JS. `logits` is [batch, stride] with the nA logits at `offset`. */
export function sampleCategorical(
  logits: ArrayLike<number>,
  batch: number,
  nA: number,
  rng: Rng,
  deterministic: boolean,
  stride = nA,
  offset = 0,
  out: ActResult = { actions: new Int32Array(batch), logProb: new Float32Array(batch) },
): ActResult {
  for (let i = 0; i < batch; i++) {
    const o = i * stride + offset;
    let max = -Infinity;
    for (let k = 0; k < nA; k++) if (logits[o + k] > max) max = logits[o + k];
    let sum = 0;
    for (let k = 0; k < nA; k++) sum += Math.exp(logits[o + k] - max);
    let a = 0;
    if (deterministic) {
      for (let k = 1; k < nA; k++) if (logits[o + k] > logits[o + a]) a = k;
    } else {
      let u = rng.uniform() * sum;
      a = nA - 1;
      for (let k = 0; k < nA - 1; k++) {
        u -= Math.exp(logits[o + k] - max);
        if (u < 0) { a = k; break; }
      }
    }
    out.actions[i] = a;
    out.logProb[i] = logits[o + a] - max - Math.log(sum);
  }
  return out;
}

export class CategoricalPolicy implements Policy {
  readonly obsDim: number;
  readonly nActions: number;
  readonly net: Mlp;
  /** Shared running observation statistics, or null. */
  obsNorm: RunningMeanStd | null;
  /** Default sampling generator. */
  readonly rng: Rng;
  private mirror: MlpMirror | null = null;
  private normScratch = new Float32Array(0);

  constructor(opts: CategoricalPolicyOptions, rng: Rng) {
    checkPositiveInt(opts.obsDim, "policy obsDim");
    checkPositiveInt(opts.nActions, "policy nActions");
    ensure(opts.nActions >= 2, "a categorical policy needs at least 2 actions");
    this.obsDim = opts.obsDim;
    this.nActions = opts.nActions;
    const mlp: MlpOptions = {
      inputDim: opts.obsDim,
      hidden: opts.hidden ?? [64, 64],
      outputDim: opts.nActions,
      activation: opts.activation ?? "tanh",
      init: opts.init ?? "orthogonal",
      outputGain: opts.outputGain ?? 0.01,
      name: "pi",
    };
    this.net = new Mlp(mlp, rng);
    this.obsNorm = opts.obsNorm ?? null;
    this.rng = rng.fork();
  }

  get trainableVariables(): tf.Variable[] {
    return this.net.params;
  }

  /** Normalised input (identity without obsNorm). */
  prepare(obs: tf.Tensor2D): tf.Tensor2D {
    return this.obsNorm ? this.obsNorm.apply(obs) : obs;
  }

  logits(obs: tf.Tensor2D, params?: readonly tf.Tensor[]): tf.Tensor2D {
    return this.net.apply(this.prepare(obs), { params });
  }

  logProb(obs: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => logProbFromLogits(this.logits(obs), actions, this.nActions));
  }

  entropy(obs: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => entropyFromLogits(this.logits(obs)));
  }

  act(obs: Float32Array, opts: ActOptions = {}): ActResult {
    const batch = obs.length / this.obsDim;
    ensure(Number.isInteger(batch) && batch > 0, `act: obs length ${obs.length} is not a multiple of obsDim ${this.obsDim}`);
    const logits = batch <= JS_INFERENCE_MAX_ROWS ? this.logitsArray(obs) : download(tf.tidy(() => this.logits(tf.tensor2d(obs, [batch, this.obsDim]))));
    return sampleCategorical(logits, batch, this.nActions, opts.rng ?? this.rng, opts.deterministic === true);
  }

  /**
   * Logits [batch*nActions] of raw observations [batch*obsDim], computed in plain JavaScript from a
   * copy of the weights (`MlpMirror`, refreshed when they change); equal to `logits` to float32
   * rounding. For small batches (one vector step); `out` is reused when given.
   */
  logitsArray(obs: Float32Array, out?: Float64Array): Float64Array {
    const batch = obs.length / this.obsDim;
    if (!this.mirror) this.mirror = new MlpMirror(this.net);
    let x: Float32Array = obs;
    if (this.obsNorm) {
      if (this.normScratch.length < obs.length) this.normScratch = new Float32Array(obs.length);
      x = this.obsNorm.applyArray(obs, this.normScratch);
    }
    return this.mirror.forward(x, batch, out);
  }

  save(meta?: Record<string, unknown>): NetJson {
    return netJson("categorical-policy", this.net, this.obsNorm, meta);
  }

  load(json: NetJson): void {
    loadNet(json, "categorical-policy", this.net);
    if (json.obsNorm) {
      if (!this.obsNorm) this.obsNorm = new RunningMeanStd(this.obsDim);
      this.obsNorm.load(json.obsNorm);
    }
  }

  /** Builds a policy from a saved file (architecture from `arch`, weights from `params`). */
  static fromJSON(json: NetJson, rng: Rng = new Rng(0)): CategoricalPolicy {
    checkNetJson(json, "categorical-policy");
    const p = new CategoricalPolicy(
      {
        obsDim: json.arch.inputDim,
        nActions: json.arch.outputDim,
        hidden: json.arch.hidden,
        activation: json.arch.activation,
        init: json.arch.init,
        outputGain: json.arch.outputGain,
        obsNorm: json.obsNorm ? RunningMeanStd.fromJSON(json.obsNorm, json.arch.inputDim) : null,
      },
      rng,
    );
    p.load(json);
    return p;
  }

  dispose(): void {
    this.net.dispose();
    // frees the normaliser's cached tensors; a network sharing it rebuilds them on its next call
    this.obsNorm?.dispose();
  }
}

export interface ValueNetOptions {
  obsDim: number;
  /** Hidden widths (default [64, 64]). */
  hidden?: readonly number[];
  /** Hidden nonlinearity (default tanh). */
  activation?: Activation;
  init?: InitName;
  /** Shared observation statistics (pass the policy's), or null. */
  obsNorm?: RunningMeanStd | null;
}

/** State-value function V(s): [batch, obsDim] → [batch]. */
export class ValueNet {
  readonly obsDim: number;
  readonly net: Mlp;
  obsNorm: RunningMeanStd | null;

  constructor(opts: ValueNetOptions, rng: Rng) {
    checkPositiveInt(opts.obsDim, "value obsDim");
    this.obsDim = opts.obsDim;
    this.net = new Mlp(
      { inputDim: opts.obsDim, hidden: opts.hidden ?? [64, 64], outputDim: 1, activation: opts.activation ?? "tanh", init: opts.init ?? "orthogonal", outputGain: 1, name: "v" },
      rng,
    );
    this.obsNorm = opts.obsNorm ?? null;
  }

  get trainableVariables(): tf.Variable[] {
    return this.net.params;
  }

  /** V(s) as a tensor [batch] (call inside a tidy). */
  predict(obs: tf.Tensor2D): tf.Tensor1D {
    const x = this.obsNorm ? this.obsNorm.apply(obs) : obs;
    // critical: squeeze [batch, 1] → [batch]; broadcasting [batch,1] against [batch] makes [batch,batch].
    return this.net.apply(x).reshape([-1]) as tf.Tensor1D;
  }

  /** V(s) for plain observations [batch*obsDim], one download. */
  predictArray(obs: Float32Array): Float32Array {
    const batch = obs.length / this.obsDim;
    return download(tf.tidy(() => this.predict(tf.tensor2d(obs, [batch, this.obsDim])))) as Float32Array;
  }

  save(meta?: Record<string, unknown>): NetJson {
    return netJson("value", this.net, this.obsNorm, meta);
  }

  load(json: NetJson): void {
    loadNet(json, "value", this.net);
    if (json.obsNorm && this.obsNorm) this.obsNorm.load(json.obsNorm);
  }

  dispose(): void {
    this.net.dispose();
    // frees the normaliser's cached tensors; a network sharing it rebuilds them on its next call
    this.obsNorm?.dispose();
  }
}

/** Reads a tensor's values (one synchronous download) and disposes it. */
export function download(t: tf.Tensor): Float32Array | Int32Array | Uint8Array {
  try {
    return t.dataSync();
  } finally {
    t.dispose();
  }
}

/** log softmax(logits)[a] for each row: [batch, nA], [batch] → [batch]. */
export function logProbFromLogits(logits: tf.Tensor2D, actions: tf.Tensor1D, nActions: number): tf.Tensor1D {
  const logp = tf.logSoftmax(logits);
  // one-hot mask then sum: cheaper than gather on small batches and has a simple gradient.
  return tf.sum(tf.mul(logp, tf.oneHot(tf.cast(actions, "int32"), nActions)), 1) as tf.Tensor1D;
}

/** H = −Σ_a π(a) log π(a) per row. */
export function entropyFromLogits(logits: tf.Tensor2D): tf.Tensor1D {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
}

/** KL(π_old ‖ π_new) per row from two logits tensors. */
export function categoricalKl(oldLogits: tf.Tensor2D, newLogits: tf.Tensor2D): tf.Tensor1D {
  const lo = tf.logSoftmax(oldLogits);
  const ln = tf.logSoftmax(newLogits);
  return tf.sum(tf.mul(tf.exp(lo), tf.sub(lo, ln)), 1) as tf.Tensor1D;
}

export function netJson(kind: NetJson["kind"], net: Mlp, obsNorm: RunningMeanStd | null, meta?: Record<string, unknown>): NetJson {
  const j: NetJson = { format: NET_FORMAT, kind, arch: { ...net.arch, hidden: [...net.arch.hidden] }, params: net.toJSON() };
  if (obsNorm) j.obsNorm = obsNorm.toJSON();
  if (meta) j.meta = meta;
  return j;
}

function checkNetJson(json: NetJson, kind: NetJson["kind"]): void {
  if (!json || typeof json !== "object") throw new GanrlError("network JSON must be an object { format, kind, arch, params }");
  ensure(json.format === NET_FORMAT, () => `network JSON format is ${JSON.stringify(json.format)}, expected "${NET_FORMAT}"`);
  ensure(json.kind === kind, () => `network JSON holds a '${json.kind}', expected a '${kind}'`);
  ensure(json.arch && typeof json.arch === "object", "network JSON lacks 'arch'");
  const a = json.arch;
  const posInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
  ensure(posInt(a.inputDim) && posInt(a.outputDim) && Array.isArray(a.hidden) && a.hidden.every(posInt), () => `network JSON arch must give positive integer inputDim, outputDim and hidden sizes, got ${describe(a)}`);
  ensure(Array.isArray(json.params), "network JSON lacks 'params' (a list of { name, shape, values })");
  // the normaliser feeds the first layer: its size must be the network's input size
  if (json.obsNorm !== undefined) checkObsNormJson(json.obsNorm, a.inputDim);
}

export function loadNet(json: NetJson, kind: NetJson["kind"], net: Mlp): void {
  checkNetJson(json, kind);
  const a = json.arch;
  ensure(
    a.inputDim === net.arch.inputDim && a.outputDim === net.arch.outputDim && a.hidden.join(",") === net.arch.hidden.join(",") && a.activation === net.arch.activation,
    () => `saved ${kind} has arch ${a.inputDim}→[${a.hidden}]→${a.outputDim} ${a.activation}, this one ${net.arch.inputDim}→[${net.arch.hidden}]→${net.arch.outputDim} ${net.arch.activation}`,
  );
  net.load(json.params);
}
