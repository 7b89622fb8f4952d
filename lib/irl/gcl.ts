/**
 * Guided cost learning (Finn, Levine & Abbeel 2016, "Guided Cost Learning: Deep Inverse Optimal
 * Control via Policy Optimization", ICML) as a learner on the shared adversarial loop
 * (`lib/imitation/adversarial.ts`): step 2 of each round trains a cost network c by the sample-based
 * maximum-entropy objective on whole episodes; steps 3–4 improve the policy by RL on −c with the
 * entropy bonus.
 *
 * ## The objective (the paper's eq. 2–3; estimators in `maxent.ts`)
 * Max-ent IOC models trajectories as p(τ) ∝ p_dyn(τ) exp(R(τ)), R(τ) = −Σ_t c(s_t) (or c(s_t, a_t)),
 * and minimises the negative log-likelihood of the demonstrations
 *
 *     L(c) = E_demo[−R(τ)] + log Z,    log Ẑ = logsumexp_j (R(τ_j) − log q(τ_j)) − log N,
 *
 * with τ_j the background samples and q their sampling density (the dynamics cancel in the ratio,
 * so q(τ) = Π_t q(a_t|s_t)). Its gradient is −E_demo ∇R + Σ_j w_j ∇R(τ_j) with the self-normalised
 * weights w_j ∝ exp(R_j − log q_j).
 *
 * - **Mixture over past policies** (the paper's §4.1): the background is every episode that ended
 *   in the last K rounds (`mixtureRounds`), and q is the mixture of the last K samplers,
 *   q(τ) = (1/K) Σ_κ Π_t π_κ(a_t|s_t), each π_κ a frozen copy of the policy that collected round κ
 *   (an episode spanning rounds was drawn by several of them; the mixture density is the paper's
 *   approximation of that).
 * - **Demonstrations in the background** (`demosInBackground`, the paper's §4.1): the demonstrations
 *   join the background with density ½ q(τ) + ½ q̂_E(τ), where q̂_E is the paper's "rough density
 *   estimate" of the demonstrations; here the deterministic-expert estimate, q̂_E = 1 on a
 *   demonstration and 0 on a policy episode (the demonstrators are deterministic policies). This keeps
 *   log Ẑ ≥ the demonstrations' own term, so the cost cannot fall without bound on demo states the
 *   policy never visits.
 * - **Fixed horizon** (`absorbing`, DAC): an episode that terminates after T steps is padded to the
 *   time limit H with the absorbing state s_a, whose cost c(s_a) is learned (one row of weight
 *   H − T). Every trajectory then has H steps, so R compares like with like, and the value of
 *   ending is learned from data (CartPole's demonstrations never end: s_a only in policy episodes).
 * - **The notes' sketch** (`partition: "notes"`): −mean_demo R + logsumexp_j R_j over the policy
 *   episodes, with neither importance weights nor −log N (`notesLogPartition`). Every round both
 *   estimates of log Z are logged on the same episodes (`cost/logZ`, `cost/logZNotes`), and their
 *   difference `cost/notesBias` is the sketch's bias measured against the importance-sampled one.
 * - **Regulariser** (`costL2`): λ_c·E[c²] over the rows; the paper's own regularisers (lcr, mono)
 *   are for its long-horizon trajectories and are not used.
 *
 * The policy's reward is u = −c per step (the base class adds the absorbing tail and, with
 * `causalEntropyCoef` α, −α log π(a|s): the max-ent RL problem whose optimum is p(τ) at α = 1).
 * `learnedReward`/`rewardTest` give u = −c, the reward handed to fresh learners (`evaluate.ts`).
 * Metrics: `cost/*` (loss, both log Z estimates, the effective sample size of the weights per
 * background episode, the mean returns of demonstrations and policy episodes, c(s_a)), `gen/gclReward`.
 *
 *     const gcl = new GCL({ envId: "CartPole-v1", demos, generator: "ppo", seed: 0 });
 *     await gcl.learn(60_000);
 *     const u = gcl.learnedReward;          // −c(s), a RewardFn
 */
import { tf, Rng, ensure, checkNumber, checkPositiveInt, describe, GanrlError } from "../core";
import { Mlp, RunningMeanStd, Activation, FlatAdam, CategoricalPolicy } from "../nn";
import { RewardInput, Metrics } from "../rl";
import { DemoSet } from "../data";
import { AdversarialTrainer, AdversarialOptions, ADVERSARIAL_DEFAULTS, Discriminator, DiscriminatorJson, DiscBatch, Samples, toDiscBatch, deriveSeed, withAbsorbingRows } from "../imitation";
import { rewardStateFeatures, checkRewardInput } from "./airl";
import { logPartitionIS, notesLogPartition, maxEntIsLoss, maxEntNotesLoss } from "./maxent";

/** The two estimates of log Z the cost can be trained with (see the module comment). */
export const GCL_PARTITIONS = ["is", "notes"] as const;
export type GclPartition = (typeof GCL_PARTITIONS)[number];

/** Whole episodes as discriminator rows: `rows` (absorbing rows weighted H − T), `episode[i]` the episode of row i. */
export interface EpisodeRows {
  rows: Samples;
  /** Episode index of each row, [rows.n]. */
  episode: Int32Array;
  /** Number of episodes. */
  count: number;
}

export interface GclCostNetOptions {
  obsDim: number;
  nActions: number;
  /** c(s) (true) or c(s, a) (false: the one-hot action joins the state features). */
  stateOnly: boolean;
  /** Hidden widths of c. */
  hidden: readonly number[];
  activation: Activation;
  /** Add the absorbing-state indicator feature. */
  absorbing: boolean;
  /** Frozen state statistics for input standardisation (the expert's), or null; disposed with the net. */
  inputNorm: RunningMeanStd | null;
  /** Clip each training reward −c to [−k, k] (null: no clipping). */
  rewardClip: number | null;
  /** Adam's learning rate and β₁, and Adam steps per round. */
  lr: number;
  beta1: number;
  steps: number;
  /** λ_c of the regulariser λ_c·E[c²]. */
  costL2: number;
  /** "is" (importance-sampled log Ẑ) or "notes" (the notes' logsumexp). */
  partition: GclPartition;
}

/**
 * The cost network c(s) (or c(s, a)): an MLP on the learned rewards' state features
 * (`rewardStateFeatures`), the same architecture as AIRL's g. As the loop's `Discriminator` its
 * logit, reward and test reward are u = −c; it is trained by `updateEpisodes`, not `update`.
 * Methods taking tensors: call inside a tidy.
 */
export class GclCostNet implements Discriminator {
  readonly kind = "gcl";
  readonly rewardSign = 0;
  readonly opts: Readonly<GclCostNetOptions>;
  readonly c: Mlp;
  readonly optimizer: FlatAdam;
  readonly stateDim: number;

  constructor(opts: GclCostNetOptions, rng: Rng) {
    ensure((GCL_PARTITIONS as readonly string[]).includes(opts.partition), () => `GCL partition must be one of ${GCL_PARTITIONS.join(", ")}, got ${describe(opts.partition)}`);
    checkNumber(opts.costL2, "costL2", 0);
    checkPositiveInt(opts.steps, "GCL cost steps");
    this.opts = Object.freeze({ ...opts, hidden: [...opts.hidden] });
    this.stateDim = opts.obsDim + (opts.absorbing ? 1 : 0);
    this.c = new Mlp({ inputDim: this.stateDim + (opts.stateOnly ? 0 : opts.nActions), hidden: opts.hidden, outputDim: 1, activation: opts.activation, name: "gcl_c" }, rng);
    this.optimizer = new FlatAdam(opts.lr, opts.beta1, 0.999);
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.c.params];
  }

  /** c [n] on a batch. */
  cost(b: DiscBatch): tf.Tensor1D {
    let x = rewardStateFeatures(b.obs, b.absorbing, this.opts.inputNorm, this.opts.absorbing);
    if (!this.opts.stateOnly) {
      const act = tf.mul(tf.oneHot(tf.cast(b.actions, "int32"), this.opts.nActions).toFloat(), tf.sub(1, b.absorbing).reshape([-1, 1])) as tf.Tensor2D;
      x = tf.concat([x, act], 1) as tf.Tensor2D;
    }
    return this.c.apply(x).reshape([-1]) as tf.Tensor1D;
  }

  /** u = −c per row. */
  logits(rows: Samples): Float32Array {
    return tf.tidy(() => tf.neg(this.cost(toDiscBatch(rows))).dataSync() as Float32Array);
  }

  reward(rows: Samples): Float32Array {
    const out = this.logits(rows);
    const k = this.opts.rewardClip;
    if (k !== null && Number.isFinite(k)) for (let i = 0; i < out.length; i++) out[i] = Math.max(-k, Math.min(k, out[i]));
    return out;
  }

  testReward(rows: Samples): Float32Array {
    return this.logits(rows);
  }

  update(): Metrics {
    throw new GanrlError("the GCL cost trains on whole episodes with their sampling densities: call GCL.learn (which calls updateEpisodes), not update");
  }

  /** R(τ) = −Σ_rows weight·c per episode, [count]; `member` [n, count] is the rows' one-hot episode (`segmentMatrix`). Call inside a tidy. */
  returns(b: DiscBatch, weight: tf.Tensor1D, member: tf.Tensor2D): { R: tf.Tensor1D; c: tf.Tensor1D } {
    const c = this.cost(b);
    return { R: tf.neg(segmentSum(tf.mul(c, weight) as tf.Tensor1D, member)), c };
  }

  /**
   * `steps` Adam steps on L(c) (module comment) over all rows: `demo` the demonstrations,
   * `background` the policy episodes (and, with `demosInBackground`, the demonstrations again) with
   * log q per background episode (`logQ`); `policyEpisodes` marks which background episodes are the
   * policy's (the notes' sketch uses only those). Returns the `cost/*` metrics of the last step.
   */
  updateEpisodes(demo: EpisodeRows, background: EpisodeRows, logQ: Float64Array, policyEpisodes: Uint8Array): Metrics {
    ensure(logQ.length === background.count && policyEpisodes.length === background.count, "GCL: one log q and one policy flag per background episode");
    const o = this.opts;
    const up = (e: EpisodeRows) => ({ b: toDiscBatch(e.rows), w: tf.tensor1d(e.rows.weight.subarray(0, e.rows.n)), ep: segmentMatrix(e.episode, e.count) });
    const policyIdx = Int32Array.from(Array.from(policyEpisodes.keys()).filter((j) => policyEpisodes[j]));
    ensure(policyIdx.length > 0, "GCL: the background has no policy episode");
    const up1 = tf.tidy(() => {
      const d = up(demo), g = up(background);
      // critical: −∞ (as −1e30) on the non-policy episodes instead of a gather, whose gradient needs UnsortedSegmentSum (absent on wasm)
      const offPolicy = tf.tensor1d(Float32Array.from(policyEpisodes, (p) => (p ? 0 : -1e30)));
      return { d, g, logQ: tf.tensor1d(Float32Array.from(logQ)), offPolicy } as unknown as tf.TensorContainer;
    }) as unknown as { d: ReturnType<typeof up>; g: ReturnType<typeof up>; logQ: tf.Tensor1D; offPolicy: tf.Tensor1D };
    let last: Float32Array = new Float32Array(0);
    try {
      for (let k = 0; k < o.steps; k++) {
        last = tf.tidy(() => {
          let aux: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            const dR = this.returns(up1.d.b, up1.d.w, up1.d.ep);
            const gR = this.returns(up1.g.b, up1.g.w, up1.g.ep);
            const pR = tf.add(gR.R, up1.offPolicy) as tf.Tensor1D;
            let loss: tf.Tensor = o.partition === "is" ? maxEntIsLoss(dR.R, gR.R, up1.logQ) : maxEntNotesLoss(dR.R, pR);
            if (o.costL2 > 0) loss = tf.add(loss, tf.mul(o.costL2, tf.mean(tf.square(tf.concat([dR.c, gR.c])))));
            aux = [loss, dR.R, gR.R].map((t) => tf.keep(t));
            return loss as tf.Scalar;
          }, this.trainableVariables);
          this.optimizer.applyGradients(grads);
          const out = tf.concat([aux[0].reshape([1]), aux[1], aux[2]]).dataSync() as Float32Array;
          tf.dispose(aux);
          return out;
        });
      }
    } finally {
      tf.dispose(up1 as unknown as tf.TensorContainer);
    }
    // diagnostics on the returns seen by the last step
    const dR = last.subarray(1, 1 + demo.count);
    const gR = last.subarray(1 + demo.count);
    const pR = Array.from(policyIdx, (j) => gR[j]);
    const pLogQ = Array.from(policyIdx, (j) => logQ[j]);
    const x = Array.from(gR, (r, j) => r - logQ[j]);
    const mx = Math.max(...x);
    const w = x.map((v) => Math.exp(v - mx));
    const sw = w.reduce((a, b) => a + b, 0), sw2 = w.reduce((a, b) => a + b * b, 0);
    const logZ = logPartitionIS(gR, logQ);
    const logZNotes = notesLogPartition(pR);
    const cA = this.opts.absorbing ? -this.logits(withAbsorbingRows({ n: 0, obsDim: o.obsDim, obs: new Float32Array(0), actions: new Int32Array(0), nextObs: new Float32Array(0), terminated: new Uint8Array(0) }, [1]))[0] : 0;
    return {
      "cost/loss": last[0],
      "cost/logZ": logZ,
      "cost/logZNotes": logZNotes,
      "cost/notesBias": logZNotes - logZ,
      "cost/logZPolicyOnly": logPartitionIS(pR, pLogQ),
      "cost/essFraction": (sw * sw) / sw2 / background.count,
      "cost/returnExpert": dR.reduce((a, b) => a + b, 0) / dR.length,
      "cost/returnPolicy": pR.reduce((a, b) => a + b, 0) / pR.length,
      "cost/absorbingCost": cA,
    };
  }

  toJSON(): DiscriminatorJson {
    const j: DiscriminatorJson = { format: "ganrl.disc/1", kind: "gcl", arch: { stateOnly: this.opts.stateOnly, absorbing: this.opts.absorbing, c: this.c.arch }, params: this.c.toJSON() };
    if (this.opts.inputNorm) j.inputNorm = this.opts.inputNorm.toJSON();
    return j;
  }

  load(j: DiscriminatorJson): void {
    ensure(j && j.format === "ganrl.disc/1" && j.kind === "gcl", () => `expected a saved GCL cost (format ganrl.disc/1, kind gcl), got ${describe({ format: j?.format, kind: j?.kind })}`);
    ensure(j.arch.stateOnly === this.opts.stateOnly && j.arch.absorbing === this.opts.absorbing, () => `saved GCL cost is stateOnly ${describe(j.arch.stateOnly)} (absorbing ${describe(j.arch.absorbing)}), this one is stateOnly ${this.opts.stateOnly} (absorbing ${this.opts.absorbing})`);
    this.c.load(j.params);
    if (j.inputNorm && this.opts.inputNorm) this.opts.inputNorm.load(j.inputNorm);
  }

  dispose(): void {
    this.c.dispose();
    this.optimizer.dispose();
    this.opts.inputNorm?.dispose();
  }
}

export interface GCLOptions extends AdversarialOptions {
  /** c(s) (true, default) or c(s, a). */
  stateOnlyCost: boolean;
  /** Hidden widths of c (default AIRL's g: [32, 32]). */
  costHidden: number[];
  /** Hidden nonlinearity of c. */
  costActivation: Activation;
  /** Standardise the cost's state inputs with the expert's statistics (frozen). */
  normalizeCostInputs: boolean;
  /** K: the background holds the episodes of the last K rounds, q the mixture of their K samplers. */
  mixtureRounds: number;
  /** Add the demonstrations to the background with density ½q + ½q̂_E (the paper's §4.1). */
  demosInBackground: boolean;
  /** "is": importance-sampled log Ẑ (the paper); "notes": the overview notes' logsumexp (biased). */
  partition: GclPartition;
  /** λ_c of λ_c·E[c²]. */
  costL2: number;
}

function checkGclOptions(o: GCLOptions): void {
  ensure((GCL_PARTITIONS as readonly string[]).includes(o.partition), () => `GCL partition must be "is" or "notes", got ${describe(o.partition)}`);
  checkPositiveInt(o.mixtureRounds, "mixtureRounds");
  checkNumber(o.costL2, "costL2", 0);
  ensure(typeof o.stateOnlyCost === "boolean" && typeof o.demosInBackground === "boolean" && typeof o.normalizeCostInputs === "boolean", "GCL's stateOnlyCost, demosInBackground and normalizeCostInputs are booleans");
  ensure(o.discReplay === 0, "GCL's background is set by mixtureRounds, not discReplay: leave discReplay at 0");
}

/** Defaults: state-only cost, absorbing states, mixture of the last 5 samplers, demonstrations in the background, α = 1 (the max-ent RL problem). */
export const GCL_DEFAULTS: Readonly<GCLOptions> = Object.freeze({
  ...ADVERSARIAL_DEFAULTS,
  absorbing: true,
  causalEntropyCoef: 1,
  discLr: 1e-3,
  stateOnlyCost: true,
  costHidden: [32, 32],
  costActivation: "relu" as Activation,
  normalizeCostInputs: true,
  mixtureRounds: 5,
  demosInBackground: true,
  partition: "is" as GclPartition,
  costL2: 1e-3,
});

/** One episode of the generator, kept for the background. */
interface Episode {
  obs: Float32Array;
  nextObs: Float32Array;
  actions: Int32Array;
  terminated: boolean;
}

/** Episodes as rows (+ one absorbing row of weight H − T per terminated one, with `horizon`). */
export function episodeRows(episodes: { obs: ArrayLike<number>; nextObs: ArrayLike<number>; actions: ArrayLike<number>; terminated: boolean }[], obsDim: number, horizon: number | null): EpisodeRows {
  const n = episodes.reduce((u, e) => u + e.actions.length, 0);
  const obs = new Float32Array(n * obsDim), nextObs = new Float32Array(n * obsDim), actions = new Int32Array(n), terminated = new Uint8Array(n);
  const epOf: number[] = [];
  const weights: number[] = [];
  const absEp: number[] = [];
  let k = 0;
  episodes.forEach((e, j) => {
    const T = e.actions.length;
    obs.set(e.obs as ArrayLike<number>, k * obsDim);
    nextObs.set(e.nextObs as ArrayLike<number>, k * obsDim);
    actions.set(e.actions as ArrayLike<number>, k);
    if (e.terminated && T > 0) terminated[k + T - 1] = 1;
    for (let t = 0; t < T; t++) epOf.push(j);
    k += T;
    if (horizon !== null && e.terminated) {
      weights.push(Math.max(1, horizon - T));
      absEp.push(j);
    }
  });
  const rows = withAbsorbingRows({ n, obsDim, obs, actions, nextObs, terminated }, weights);
  return { rows, episode: Int32Array.from([...epOf, ...absEp]), count: episodes.length };
}

/** The demonstrations as episodes (s_t, a_t, s_{t+1}). */
export function demoEpisodes(demos: DemoSet): Episode[] {
  return demos.trajectories.map((t) => ({
    obs: Float32Array.from(t.obs.slice(0, t.actions.length).flat()),
    nextObs: Float32Array.from(t.obs.slice(1).flat()),
    actions: Int32Array.from(t.actions),
    terminated: t.terminated,
  }));
}

/** The one-hot membership [n, count] of rows in segments `segment` [n] (the wasm backend has no UnsortedSegmentSum). Call inside a tidy. */
export function segmentMatrix(segment: Int32Array, count: number): tf.Tensor2D {
  // critical: tf.oneHot refuses a depth of 1 (one episode): build two columns and keep the first.
  const m = tf.oneHot(tf.tensor1d(segment, "int32"), Math.max(2, count)).toFloat() as tf.Tensor2D;
  return count >= 2 ? m : (tf.slice(m, [0, 0], [-1, count]) as tf.Tensor2D);
}

/** Σ of `values` [n] per segment, [count], with `member` = `segmentMatrix(segment, count)`. */
export function segmentSum(values: tf.Tensor1D, member: tf.Tensor2D): tf.Tensor1D {
  return tf.matMul(values.reshape([1, -1]), member).reshape([-1]) as tf.Tensor1D;
}

/** log Σ exp of two numbers. */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Guided cost learning: the adversarial loop with a `GclCostNet`, whose step 2 (`updateDiscriminator`)
 * gathers the round's finished episodes and trains c on the max-ent objective (module comment).
 * The background (episodes and sampler copies) is not checkpointed: a restored run rebuilds it.
 */
export class GCL extends AdversarialTrainer<GCLOptions, GclCostNet> {
  /** Rows of each generator environment's unfinished episode. */
  private open: { obs: number[]; nextObs: number[]; actions: number[] }[] = [];
  /** Finished episodes of the last K rounds, newest first. */
  private pool: Episode[][] = [];
  /** Frozen copies of the last K samplers, newest first. */
  private samplers: CategoricalPolicy[] = [];
  private readonly demoSet: EpisodeRows;
  /** The last cost update's background: log q per episode and which episodes are the policy's (diagnostics, tests). */
  lastBackground: { logQ: Float64Array; isPolicy: Uint8Array } | null = null;

  constructor(opts: Partial<GCLOptions> = {}) {
    super({ algo: "gcl", rewardKey: "gen/gclReward", defaults: GCL_DEFAULTS, check: checkGclOptions }, opts);
    this.demoSet = episodeRows(demoEpisodes(this.demos), this.demos.obsDim, this.opts.absorbing ? this.horizon : null);
  }

  protected override makeDiscriminator(): GclCostNet {
    const o = this.opts;
    return new GclCostNet(
      { obsDim: this.demos.obsDim, nActions: this.demos.nActions, stateOnly: o.stateOnlyCost, hidden: o.costHidden, activation: o.costActivation, absorbing: o.absorbing, inputNorm: o.normalizeCostInputs ? this.expertNorm() : null, rewardClip: o.rewardClip, lr: o.discLr, beta1: o.discBeta1, steps: o.discSteps, costL2: o.costL2, partition: o.partition },
      new Rng(deriveSeed(o.seed, 0x6c1)),
    );
  }

  /** The cost network. */
  get cost(): GclCostNet {
    return this.disc;
  }

  /** Splits a rollout (rows [steps, envs]) into the environments' episodes; returns those that ended. */
  private finishedEpisodes(rollout: RewardInput): Episode[] {
    const N = this.gen.env.numEnvs;
    const d = rollout.obsDim;
    while (this.open.length < N) this.open.push({ obs: [], nextObs: [], actions: [] });
    const done: Episode[] = [];
    for (let i = 0; i < rollout.n; i++) {
      const e = this.open[i % N];
      for (let k = 0; k < d; k++) {
        e.obs.push(rollout.obs[i * d + k]);
        e.nextObs.push(rollout.nextObs[i * d + k]);
      }
      e.actions.push(rollout.actions[i]);
      if (rollout.terminated[i] || rollout.truncated[i]) {
        done.push({ obs: Float32Array.from(e.obs), nextObs: Float32Array.from(e.nextObs), actions: Int32Array.from(e.actions), terminated: rollout.terminated[i] === 1 });
        this.open[i % N] = { obs: [], nextObs: [], actions: [] };
      }
    }
    return done;
  }

  /** log Π_t π_κ(a_t|s_t) per episode for each kept sampler κ: [K][count]. */
  private samplerLogProbs(e: EpisodeRows): Float64Array[] {
    const n = e.rows.n;
    const real = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => !e.rows.absorbing[i]));
    return this.samplers.map((pi) =>
      Float64Array.from(
        tf.tidy(() => {
          const b = toDiscBatch(e.rows, real);
          return segmentSum(pi.logProb(b.obs, b.actions), segmentMatrix(Int32Array.from(real, (i) => e.episode[i]), e.count)).dataSync();
        }),
      ),
    );
  }

  /** Step 2: the round's finished episodes join the background, then the cost's max-ent update. */
  protected override updateDiscriminator(_fresh: Samples, rollout: RewardInput): Metrics {
    const o = this.opts;
    // the sampler of this rollout is the current policy (improve runs after this step)
    const copy = CategoricalPolicy.fromJSON(this.gen.policy.save());
    this.samplers.unshift(copy);
    for (const old of this.samplers.splice(o.mixtureRounds)) old.dispose();
    this.pool.unshift(this.finishedEpisodes(rollout));
    this.pool.length = Math.min(this.pool.length, o.mixtureRounds);
    const policyEps = this.pool.flat();
    if (policyEps.length === 0) return {};
    const horizon = o.absorbing ? this.horizon : null;
    const withDemos = o.demosInBackground && o.partition === "is";
    const all = withDemos ? [...policyEps, ...demoEpisodes(this.demos)] : policyEps;
    const bg = episodeRows(all, this.demos.obsDim, horizon);
    const K = this.samplers.length;
    const lp = this.samplerLogProbs(bg);
    const logQ = new Float64Array(bg.count);
    const isPolicy = new Uint8Array(bg.count);
    for (let j = 0; j < bg.count; j++) {
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = logAddExp(m, lp[k][j]);
      const logMix = m - Math.log(K);
      isPolicy[j] = j < policyEps.length ? 1 : 0;
      // ½ q_mix + ½ q̂_E, q̂_E = 1 on demonstrations and 0 on policy episodes
      logQ[j] = withDemos ? logAddExp(logMix, isPolicy[j] ? -Infinity : 0) - Math.LN2 : logMix;
    }
    this.lastBackground = { logQ, isPolicy };
    return { ...this.disc.updateEpisodes(this.demoSet, bg, logQ, isPolicy), "cost/backgroundEpisodes": bg.count };
  }

  /** The learned reward u = −c on any batch of transitions (absorbing tail not included). */
  override rewardTest(input: RewardInput): Float32Array {
    checkRewardInput(input, this.demos.obsDim);
    return super.rewardTest(input);
  }

  override dispose(): void {
    for (const s of this.samplers) s.dispose();
    this.samplers = [];
    super.dispose();
  }
}
