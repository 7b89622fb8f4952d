/**
 * The adversary of the adversarial loop (`adversarial.ts`), as one small interface, and the
 * cross-entropy training the two neural adversaries share.
 *
 * A `Discriminator` gives, for rows of (s, a, s') (`Samples`, absorbing rows included):
 * - `logits(rows)`: ℓ(s, a), its score, high for expert-like rows (GAIL: D's logit, D_E = σ(ℓ);
 *   AIRL: f − log π; FEM/GTAL: the unshifted linear reward w·φ/|φ|);
 * - `update(policy, expert, rng)`: one round's training on the policy rows against the expert rows
 *   (GAIL, AIRL: Adam steps on the cross-entropy below; FEM, GTAL: the best-response cost update);
 * - `reward(rows)`: the generator's reward from ℓ, in plain JS (a constant to the policy update,
 *   no side effects), and `testReward(rows)`, the learned reward for evaluation (AIRL: g or f);
 * - `rewardSign`: the sign of `reward` (+1: ≥ 0, −1: ≤ 0, 0: either), the "const" control's reward;
 * - its variables, optimiser and (de)serialisation, so the trainer checkpoints and disposes any of them.
 *
 * Implemented by `GailDiscriminator` (`gail.ts`), `AirlRewardNet` (`lib/irl/airl.ts`) and
 * `LinearDiscriminator` (`linear.ts`, FEM's and GTAL's linear costs).
 *
 * ## The neural discriminators' training (`NeuralDiscriminator.update`)
 * `steps` Adam steps on
 *     L(D) = ½(E_E[BCE(ℓ, 1 − ε)] + E_π[BCE(ℓ, ε)]) + λ_GP·GP − λ_H·E[H(σ(ℓ))] (+ a subclass regulariser),
 * each on one minibatch of policy rows and as many expert rows drawn with replacement (`batchSize`
 * 0: the whole policy batch and the expert set resampled to its size, as the paper did); policy rows
 * cycle through a shuffled order, or, when some row has a weight ≠ 1 (absorbing rows), both sides
 * are drawn with replacement ∝ weight. The `disc/*` metrics are averaged over the steps, each
 * measured before its step: `disc/loss` (BCE part), `disc/gradPenalty`, `disc/entropy`,
 * `disc/accExpert` (ℓ > 0 on expert rows), `disc/accGen` (ℓ < 0 on policy rows),
 * `disc/meanDExpert`, `disc/meanDGen` (D_E = σ(ℓ), whatever the label convention).
 */
import { tf, Rng } from "../core";
import { ParamJson, FlatAdam } from "../nn";
import { Metrics } from "../rl";
import { Samples, sampleWeighted } from "./demos";
import { bceWithLogits, bernoulliEntropyFromLogits, GradPenaltyForm } from "./rewards";

/** Discriminator rows as tensors (see `Samples`). */
export interface DiscBatch {
  n: number;
  /** s, raw [n, obsDim]. */
  obs: tf.Tensor2D;
  /** a, int32 [n]. */
  actions: tf.Tensor1D;
  /** s', raw [n, obsDim]. */
  nextObs: tf.Tensor2D;
  /** 1 where s' is terminal, float [n]. */
  terminated: tf.Tensor1D;
  /** 1 for absorbing-state rows, float [n]. */
  absorbing: tf.Tensor1D;
}

/** Uploads samples (rows `idx`, or all) as a `DiscBatch` (call inside a tidy, or dispose). */
export function toDiscBatch(s: Samples, idx?: Int32Array): DiscBatch {
  const d = s.obsDim;
  if (!idx) {
    return {
      n: s.n,
      obs: tf.tensor2d(s.obs.subarray(0, s.n * d), [s.n, d]),
      actions: tf.tensor1d(s.actions.subarray(0, s.n), "int32"),
      nextObs: tf.tensor2d(s.nextObs.subarray(0, s.n * d), [s.n, d]),
      terminated: tf.tensor1d(Float32Array.from(s.terminated.subarray(0, s.n))),
      absorbing: tf.tensor1d(Float32Array.from(s.absorbing.subarray(0, s.n))),
    };
  }
  const n = idx.length;
  const obs = new Float32Array(n * d), nextObs = new Float32Array(n * d);
  const actions = new Int32Array(n), terminated = new Float32Array(n), absorbing = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    obs.set(s.obs.subarray(i * d, (i + 1) * d), k * d);
    nextObs.set(s.nextObs.subarray(i * d, (i + 1) * d), k * d);
    actions[k] = s.actions[i];
    terminated[k] = s.terminated[i];
    absorbing[k] = s.absorbing[i];
  }
  return { n, obs: tf.tensor2d(obs, [n, d]), actions: tf.tensor1d(actions, "int32"), nextObs: tf.tensor2d(nextObs, [n, d]), terminated: tf.tensor1d(terminated), absorbing: tf.tensor1d(absorbing) };
}

/** Row-wise concatenation of two batches (one discriminator call for expert and policy rows). */
export function concatDiscBatch(a: DiscBatch, b: DiscBatch): DiscBatch {
  return {
    n: a.n + b.n,
    obs: tf.concat([a.obs, b.obs], 0),
    actions: tf.concat([a.actions, b.actions], 0),
    nextObs: tf.concat([a.nextObs, b.nextObs], 0),
    terminated: tf.concat([a.terminated, b.terminated], 0),
    absorbing: tf.concat([a.absorbing, b.absorbing], 0),
  };
}

/** Rows `idx` of an uploaded batch (all of it when null). Call inside a tidy. */
export function gatherDiscBatch(b: DiscBatch, idx: Int32Array | null): DiscBatch {
  if (!idx) return b;
  const i = tf.tensor1d(idx, "int32");
  return { n: idx.length, obs: tf.gather(b.obs, i), actions: tf.gather(b.actions, i), nextObs: tf.gather(b.nextObs, i), terminated: tf.gather(b.terminated, i), absorbing: tf.gather(b.absorbing, i) };
}

/** A discriminator's state in a checkpoint (`extra.discriminator`). */
export interface DiscriminatorJson {
  format: "ganrl.disc/1";
  kind: string;
  arch: Record<string, unknown>;
  params: ParamJson[];
  /** Input normalisation statistics, when used. */
  inputNorm?: { mean: number[]; var: number[]; count: number; clip: number; eps: number };
  /** State that is not a tensor (the linear costs' weights, chosen coordinate and shift). */
  state?: Record<string, unknown>;
}

/** The adversary the loop is given (see the module comment). */
export interface Discriminator {
  /** Its name in checkpoints ("gail", "airl", "fem", "gtal"). */
  readonly kind: string;
  /** ℓ per row [n], expert high (one batched call). */
  logits(rows: Samples): Float32Array;
  /** One round's training on `policy` rows against `expert` rows, drawing from `rng`; returns its metrics. */
  update(policy: Samples, expert: Samples, rng: Rng): Metrics;
  /** The generator's per-row training reward (plain JS, no side effects). */
  reward(rows: Samples): Float32Array;
  /** The learned reward for evaluation or re-training a fresh policy (absorbing tail not included). */
  testReward(rows: Samples): Float32Array;
  /** Sign of `reward`'s values: +1 (≥ 0), −1 (≤ 0), 0 (either): the reward of the "const" control. */
  readonly rewardSign: 1 | -1 | 0;
  /** Trainable tensors (none for the linear costs). */
  readonly trainableVariables: tf.Variable[];
  /** Its optimiser (checkpointed with the trainer), or null. */
  readonly optimizer: tf.Optimizer | null;
  toJSON(): DiscriminatorJson;
  load(j: DiscriminatorJson): void;
  dispose(): void;
}

/** How a neural discriminator is trained (symbols as in the module comment). */
export interface DiscTrainOptions {
  /** α_D, Adam's learning rate. */
  lr: number;
  /** β₁ of Adam. */
  beta1: number;
  /** Adam steps per round. */
  steps: number;
  /** Policy rows per step (as many expert rows); 0: the whole policy batch. */
  batchSize: number;
  /** ε, label smoothing: targets 1 − ε and ε. */
  labelSmoothing: number;
  /** λ_GP (0: off; α is still drawn per row when > 0, whether or not the discriminator has a penalty). */
  gradPenalty: number;
  /** Form of the gradient penalty (see `GradPenaltyForm`). */
  gradPenaltyForm: GradPenaltyForm;
  /** λ_H, weight of the Bernoulli-entropy bonus. */
  entCoef: number;
}

export const DISC_TRAIN_DEFAULTS: Readonly<DiscTrainOptions> = Object.freeze({
  lr: 3e-4,
  beta1: 0.9,
  steps: 5,
  batchSize: 256,
  labelSmoothing: 0,
  gradPenalty: 0,
  gradPenaltyForm: "wgan-gp" as GradPenaltyForm,
  entCoef: 0,
});

/**
 * A network discriminator trained by cross-entropy (GAIL's D, AIRL's f − log π): the shared
 * `update` and `logits`; a subclass gives the raw output, its label convention, its reward and
 * optionally a gradient penalty and a regulariser. Methods taking tensors: call inside a tidy.
 */
export abstract class NeuralDiscriminator implements Discriminator {
  abstract readonly kind: string;
  abstract readonly rewardSign: 1 | -1 | 0;
  readonly train: Readonly<DiscTrainOptions>;
  readonly optimizer: tf.Optimizer;
  /** The expert rows as tensors, uploaded once per expert set. */
  private expertUpload: { rows: Samples; batch: DiscBatch } | null = null;

  protected constructor(train: Partial<DiscTrainOptions> = {}) {
    this.train = Object.freeze({ ...DISC_TRAIN_DEFAULTS, ...train });
    this.optimizer = new FlatAdam(this.train.lr, this.train.beta1, 0.999);
  }

  /** The network's raw output z [n] (ℓ = z when `labelsExpertIsOne`, else −z). */
  abstract raw(b: DiscBatch, training?: boolean): tf.Tensor1D;
  /** Which class the cross-entropy labels 1 (and the raw output is high for). */
  abstract get labelsExpertIsOne(): boolean;
  abstract get trainableVariables(): tf.Variable[];
  abstract reward(rows: Samples): Float32Array;
  abstract toJSON(): DiscriminatorJson;
  abstract load(j: DiscriminatorJson): void;
  /** Frees the networks (the optimiser and the expert upload are freed by `dispose`). */
  protected abstract disposeNets(): void;

  /** GP on interpolations of expert and policy inputs (`alpha` [n, 1]), unweighted; null: none. */
  protected penalty(_expert: DiscBatch, _policy: DiscBatch, _alpha: tf.Tensor2D): tf.Scalar | null {
    return null;
  }

  /** A weighted regulariser added to L(D) on each step's rows (AIRL: the potential penalty), or null. */
  protected regularizer(_both: DiscBatch): tf.Scalar | null {
    return null;
  }

  /** ℓ(s, a) [n], expert high. */
  logitsExpertIsHigh(b: DiscBatch, training = false): tf.Tensor1D {
    const z = this.raw(b, training);
    return this.labelsExpertIsOne ? z : (tf.neg(z) as tf.Tensor1D);
  }

  logits(rows: Samples): Float32Array {
    return tf.tidy(() => this.logitsExpertIsHigh(toDiscBatch(rows)).dataSync() as Float32Array);
  }

  testReward(rows: Samples): Float32Array {
    return this.reward(rows);
  }

  private expertTensors(expert: Samples): DiscBatch {
    if (this.expertUpload?.rows !== expert) {
      if (this.expertUpload) tf.dispose(this.expertUpload.batch as unknown as tf.TensorContainer);
      this.expertUpload = { rows: expert, batch: tf.tidy(() => toDiscBatch(expert) as unknown as tf.TensorContainer) as unknown as DiscBatch };
    }
    return this.expertUpload.batch;
  }

  /** `steps` Adam steps on L(D) (see the module comment); returns the `disc/*` metrics averaged over the steps. */
  update(policy: Samples, expert: Samples, rng: Rng): Metrics {
    const o = this.train;
    const nG = policy.n;
    const nE = expert.n;
    const bs = o.batchSize > 0 ? Math.min(o.batchSize, nG) : nG;
    const expertAll = this.expertTensors(expert);
    const policyAll = tf.tidy(() => toDiscBatch(policy) as unknown as tf.TensorContainer) as unknown as DiscBatch;
    const vars = this.trainableVariables;
    const stats: tf.Tensor[] = [];
    const weighted = policy.weight.some((w) => w !== 1) || expert.weight.some((w) => w !== 1);
    let perm = rng.permutation(nG);
    let cursor = 0;
    for (let k = 0; k < o.steps; k++) {
      let gIdx: Int32Array | null;
      let eIdx: Int32Array;
      if (weighted) {
        gIdx = sampleWeighted(policy.weight, bs, rng);
        eIdx = sampleWeighted(expert.weight, bs, rng);
      } else {
        if (cursor + bs > nG) {
          perm = rng.permutation(nG);
          cursor = 0;
        }
        gIdx = bs === nG ? null : perm.slice(cursor, cursor + bs);
        cursor += bs;
        eIdx = new Int32Array(bs);
        for (let i = 0; i < bs; i++) eIdx[i] = rng.int(nE);
      }
      const alpha = o.gradPenalty > 0 ? Float32Array.from({ length: bs }, () => rng.uniform()) : null;
      stats.push(
        tf.tidy(() => {
          const eb = gatherDiscBatch(expertAll, eIdx);
          const gb = gatherDiscBatch(policyAll, gIdx);
          const both = concatDiscBatch(eb, gb);
          const alphaT = alpha ? tf.tensor2d(alpha, [bs, 1]) : null;
          let aux: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            // one discriminator call for expert and policy rows
            const l = this.logitsExpertIsHigh(both, true);
            const lE = tf.slice(l, [0], [bs]) as tf.Tensor1D;
            const lG = tf.slice(l, [bs], [bs]) as tf.Tensor1D;
            // expert-is-one labels on ℓ: identical to the raw output's own convention (BCE(z,y) = BCE(−z,1−y))
            const bce = tf.mul(0.5, tf.add(tf.mean(bceWithLogits(lE, 1 - o.labelSmoothing)), tf.mean(bceWithLogits(lG, o.labelSmoothing)))) as tf.Scalar;
            const ent = tf.mean(bernoulliEntropyFromLogits(l));
            let loss: tf.Tensor = bce;
            if (o.entCoef > 0) loss = tf.sub(loss, tf.mul(o.entCoef, ent));
            const reg = this.regularizer(both);
            if (reg) loss = tf.add(loss, reg);
            let gp: tf.Tensor = tf.scalar(0);
            if (alphaT) {
              const p = this.penalty(eb, gb, alphaT);
              if (p) {
                gp = p;
                loss = tf.add(loss, tf.mul(o.gradPenalty, p));
              }
            }
            const accE = tf.mean(tf.cast(tf.greater(lE, 0), "float32"));
            const accG = tf.mean(tf.cast(tf.less(lG, 0), "float32"));
            // critical: variableGrads disposes what f creates; keep the diagnostics.
            aux = [bce, gp, ent, accE, accG, tf.mean(tf.sigmoid(lE)), tf.mean(tf.sigmoid(lG))].map((t) => tf.keep(t));
            return loss as tf.Scalar;
          }, vars);
          this.optimizer.applyGradients(grads);
          const out = tf.stack(aux);
          tf.dispose(aux);
          return out;
        }),
      );
    }
    const mean = tf.tidy(() => tf.mean(tf.stack(stats), 0).dataSync());
    tf.dispose(stats);
    tf.dispose(policyAll as unknown as tf.TensorContainer);
    return {
      "disc/loss": mean[0],
      "disc/gradPenalty": mean[1],
      "disc/entropy": mean[2],
      "disc/accExpert": mean[3],
      "disc/accGen": mean[4],
      "disc/meanDExpert": mean[5],
      "disc/meanDGen": mean[6],
    };
  }

  /** Frees the networks, the optimiser and the uploaded expert rows. */
  dispose(): void {
    this.disposeNets();
    this.optimizer.dispose();
    if (this.expertUpload) tf.dispose(this.expertUpload.batch as unknown as tf.TensorContainer);
    this.expertUpload = null;
  }
}
