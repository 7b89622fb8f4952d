/**
 * Behavioural cloning: maximum likelihood of the expert's actions,
 *
 *   max_θ  E_{(s,a) ~ D_train}[ log π_θ(a|s) ]    (minimise the cross-entropy −log π_θ(a|s)),
 *
 * with Adam on minibatches drawn from a training split, a validation split (the paper: 70/30) and
 * early stopping: the returned policy is the iterate with the best validation score (the paper:
 * validation accuracy, over up to 1001 iterations of batch 128 at learning rate 1e-3). The policy
 * is a `CategoricalPolicy` whose inputs are standardised with the expert's state statistics
 * (saved with it), usable by `evaluate`: those of the training pairs by default, or of every kept
 * expert pair, training and validation alike, with `normalizeFrom: "all"` (the paper's code:
 * `policy.update_obsnorm(exobs)` on the whole subsampled dataset before the split). With
 * `demoOffsetSeed` the subsampling offsets come from a stream of their own (`demoOffsetRng`), so
 * GAIL, FEM and GTAL given the same `demoOffsetSeed` keep exactly the same expert pairs.
 */
import { tf, Rng, ensure, checkKnownKeys, checkNumber, checkPositiveInt, checkSeed, describe } from "../core";
import { CategoricalPolicy, RunningMeanStd, Activation, getFlat, setFlat, FlatAdam, Mlp, MlpLinearisation } from "../nn";
import { splitIndices, toTransitions, demoOffsetRng, DemoSet } from "../data";
import { DemoSource, resolveDemos } from "./demos";

export interface BCOptions {
  /** Environment id; the demonstrations must be for it. */
  envId: string;
  /** Keep every k-th expert pair (the paper: 10 on CartPole, 5 on Acrobot). */
  demoEvery: number;
  /** Hidden widths of the policy (the paper: [100, 100]). */
  hidden: number[];
  /** Hidden nonlinearity. */
  activation: Activation;
  /** α, Adam learning rate. */
  lr: number;
  /** Minibatch size (capped at the training-set size). */
  batchSize: number;
  /** Maximum number of Adam steps. */
  iterations: number;
  /** Fraction of the pairs held out for validation (the paper: 0.3; 0: select on the training set). */
  validationFraction: number;
  /** Score the validation set every this many steps (and at the end). */
  evalEvery: number;
  /** Stop after this many evaluations without improvement (null: run every iteration). */
  patience: number | null;
  /** Select the iterate by validation "accuracy" (ties broken by loss; the paper) or "loss". */
  selectBy: "accuracy" | "loss";
  /** Standardise inputs with the expert's state statistics. */
  normalizeObs: boolean;
  /** Whose statistics: the training split's ("train") or every kept expert pair's ("all", the paper's). */
  normalizeFrom: "train" | "all";
  /** Seed of the subsampling offsets' own stream (`demoOffsetRng`); null: drawn from the run's stream (`seed`) before the split. */
  demoOffsetSeed: number | null;
  /** Seed of the split, the subsampling, the minibatches and the initial weights. */
  seed: number;
}

export const BC_DEFAULTS: Readonly<BCOptions> = Object.freeze({
  envId: "CartPole-v1",
  demoEvery: 1,
  hidden: [100, 100],
  activation: "tanh" as Activation,
  lr: 1e-3,
  batchSize: 128,
  iterations: 1001,
  validationFraction: 0.3,
  evalEvery: 10,
  patience: null,
  selectBy: "accuracy" as const,
  normalizeObs: true,
  normalizeFrom: "train" as const,
  demoOffsetSeed: null,
  seed: 0,
});

export interface BCHistoryRow {
  iteration: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
}

export interface BCResult {
  /** The selected (best-validation) policy. */
  policy: CategoricalPolicy;
  /** Adam steps taken before the selected iterate. */
  bestIteration: number;
  bestValLoss: number;
  bestValAccuracy: number;
  /** Steps actually run (≤ `iterations` with patience). */
  iterations: number;
  /** The subsampling start kept in each trajectory, [trajectories]. */
  offsets: Int32Array;
  /** Training and validation pairs. */
  nTrain: number;
  nValidation: number;
  /** The pairs the iterate was selected on (the training pairs when `validationFraction` is 0): obs [n*obsDim], actions [n]. */
  selectionSet: { n: number; obs: Float32Array; actions: Int32Array };
  history: BCHistoryRow[];
  seconds: number;
}

/** Called every `every` Adam steps with the current (not the selected) iterate; return true to stop training there. */
export interface BCCheckpoint {
  every: number;
  onCheckpoint: (iteration: number, policy: CategoricalPolicy) => boolean | void;
}

/**
 * Trains a behavioural-cloning policy on `demos` (a set or a path). `checkpoint` (optional) sees
 * the current iterate every `every` steps (e.g. to evaluate it on a schedule); the result is still
 * the best-validation iterate up to where training stopped.
 */
export function trainBC(demos: DemoSource, opts: Partial<BCOptions> = {}, checkpoint?: BCCheckpoint): BCResult {
  checkKnownKeys(opts, Object.keys(BC_DEFAULTS), "trainBC");
  const o: BCOptions = { ...BC_DEFAULTS } as BCOptions;
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  checkSeed(o.seed);
  checkPositiveInt(o.demoEvery, "demoEvery");
  checkNumber(o.lr, "lr", 0);
  checkPositiveInt(o.batchSize, "batchSize");
  checkPositiveInt(o.iterations, "iterations");
  checkPositiveInt(o.evalEvery, "evalEvery");
  if (o.patience !== null) checkPositiveInt(o.patience, "patience");
  ensure(o.selectBy === "accuracy" || o.selectBy === "loss", () => `selectBy must be "accuracy" or "loss", got ${describe(o.selectBy)}`);
  ensure(o.normalizeFrom === "train" || o.normalizeFrom === "all", () => `normalizeFrom must be "train" or "all", got ${describe(o.normalizeFrom)}`);
  if (o.demoOffsetSeed !== null) checkSeed(o.demoOffsetSeed, "demoOffsetSeed");
  if (checkpoint) checkPositiveInt(checkpoint.every, "checkpoint.every");
  const t0 = Date.now();
  const set: DemoSet = resolveDemos(demos, o.envId);
  const rng = new Rng(o.seed);
  const offsetRng = o.demoOffsetSeed === null ? rng : demoOffsetRng(o.demoOffsetSeed);
  const tr = toTransitions(set, { every: o.demoEvery, rng: o.demoEvery > 1 ? offsetRng : undefined });
  ensure(tr.n >= 2, `behavioural cloning needs at least 2 expert pairs, got ${tr.n}; use a smaller demoEvery or more trajectories`);
  const { train, validation } = splitIndices(tr.n, o.validationFraction, rng);
  const d = tr.obsDim;
  const norm = o.normalizeObs ? new RunningMeanStd(d) : null;
  if (norm) {
    if (o.normalizeFrom === "all") norm.update(tr.obs, tr.n);
    else {
      const xs = new Float32Array(train.length * d);
      train.forEach((i, k) => xs.set(tr.obs.subarray(i * d, (i + 1) * d), k * d));
      norm.update(xs, train.length);
    }
    norm.frozen = true;
  }
  const policy = new CategoricalPolicy({ obsDim: d, nActions: set.nActions, hidden: o.hidden, activation: o.activation, obsNorm: norm }, rng.fork());
  const vars = policy.trainableVariables;
  const opt: tf.Optimizer = new FlatAdam(o.lr); // tf.train.adam's update in fewer TF.js calls (bit-identical)
  const pick = (idx: Int32Array) => {
    const obs = new Float32Array(idx.length * d);
    const act = new Int32Array(idx.length);
    idx.forEach((i, k) => {
      obs.set(tr.obs.subarray(i * d, (i + 1) * d), k * d);
      act[k] = tr.actions[i];
    });
    return { obs, act };
  };
  const trainData = pick(train);
  const valIdx = validation.length > 0 ? validation : train;
  const valData = pick(valIdx);
  const nT = train.length;
  const bs = Math.min(o.batchSize, nT);
  const tensors = tf.tidy(() => ({
    // the inputs standardised once (the statistics are frozen): the same numbers as standardising
    // each minibatch and each validation pass, three kernel calls fewer each time
    xTn: tf.keep(policy.prepare(tf.tensor2d(trainData.obs, [nT, d]))),
    aT: tf.tensor1d(trainData.act, "int32"),
    xVn: tf.keep(policy.prepare(tf.tensor2d(valData.obs, [valIdx.length, d]))),
    aV: tf.tensor1d(valData.act, "int32"),
  }));
  // cross-entropy −log π(a|s) and accuracy of the greedy action
  const score = (): { loss: number; acc: number } =>
    tf.tidy(() => {
      const logits = policy.net.apply(tensors.xVn);
      const loss = tf.mean(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tensors.aV, set.nActions)), 1)));
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tensors.aV), "float32"));
      const v = tf.stack([loss, acc]).dataSync();
      return { loss: v[0], acc: v[1] };
    });
  const better = (s: { loss: number; acc: number }, b: { loss: number; acc: number }): boolean =>
    o.selectBy === "loss" ? s.loss < b.loss : s.acc > b.acc || (s.acc === b.acc && s.loss < b.loss);
  // −1/B in float32, the cotangent autodiff gives the log-softmax rows of mean(−Σ onehot ⊙ log π)
  const negInvBatch = tf.scalar(-Math.fround(1 / bs));
  let best = score();
  let bestIter = 0;
  let bestParams = getFlat(vars);
  const history: BCHistoryRow[] = [{ iteration: 0, trainLoss: NaN, valLoss: best.loss, valAccuracy: best.acc }];
  let perm = rng.permutation(nT);
  let cursor = 0;
  let sinceBest = 0;
  let it = 0;
  const losses: tf.Tensor[] = [];
  while (it < o.iterations) {
    if (cursor + bs > nT) {
      perm = rng.permutation(nT);
      cursor = 0;
    }
    const idx = perm.slice(cursor, cursor + bs);
    cursor += bs;
    losses.push(
      tf.tidy(() => {
        const i = tf.tensor1d(idx, "int32");
        const x = tf.gather(tensors.xTn, i) as tf.Tensor2D;
        const a = tf.gather(tensors.aT, i) as tf.Tensor1D;
        const { loss, grads } = crossEntropyGrads(policy.net, x, a, set.nActions, negInvBatch);
        opt.applyGradients(grads);
        return loss;
      }),
    );
    it++;
    const stop = checkpoint !== undefined && it % checkpoint.every === 0 && checkpoint.onCheckpoint(it, policy) === true;
    if (stop || it % o.evalEvery === 0 || it === o.iterations) {
      const trainLoss = tf.tidy(() => tf.mean(tf.stack(losses)).dataSync()[0]);
      tf.dispose(losses);
      losses.length = 0;
      const s = score();
      history.push({ iteration: it, trainLoss, valLoss: s.loss, valAccuracy: s.acc });
      if (better(s, best)) {
        best = s;
        bestIter = it;
        bestParams = getFlat(vars);
        sinceBest = 0;
      } else if (o.patience !== null && ++sinceBest >= o.patience) {
        break;
      }
    }
    if (stop) break;
  }
  tf.dispose(losses);
  negInvBatch.dispose();
  setFlat(vars, bestParams);
  tf.dispose(tensors);
  opt.dispose();
  return {
    policy,
    bestIteration: bestIter,
    bestValLoss: best.loss,
    bestValAccuracy: best.acc,
    iterations: it,
    offsets: tr.offsets ?? new Int32Array(set.trajectories.length),
    nTrain: nT,
    nValidation: validation.length,
    selectionSet: { n: valIdx.length, obs: valData.obs, actions: valData.act },
    history,
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * The cross-entropy loss mean_i(−log π(a_i|s_i)) of a minibatch and its gradient in every
 * parameter of the policy network `net` (inputs `x` already standardised), in closed form instead
 * of through TF.js's tape: BC's hot loop, about 118 kernel calls a step instead of 145 (measured
 * with tf.profile over 2,000 steps, validation included) and no tape bookkeeping. With ℓ = net(x) and log π = logSoftmax(ℓ), the cotangent of log π is
 * g = −(1/B)·onehot(a), that of ℓ is δ = g − (Σ_k g_k)·softmax(ℓ) (log-softmax's own gradient),
 * and `MlpLinearisation.vjp(δ)` runs the network backwards (dW = hᵀδ, db = 1ᵀδ,
 * δ ← (δWᵀ) ⊙ act'). These are the operations autodiff runs for this loss but one: outside a
 * tape `tf.fused.matMul` fuses the bias and the sigmoid of a tanh layer into the product, while
 * under `tf.variableGrads` it computes them as separate kernels (TF.js fuses a non-linear
 * activation only when no gradient is recorded), which rounds differently in the last bit. So the
 * gradients agree with the tape's to float32 rounding, not bitwise, and a run differs from one
 * made with the tape in the last digits (test/imitation/bc.test.ts compares them).
 * `negInvBatch` is −fround(1/B). Call inside a tidy.
 */
export function crossEntropyGrads(net: Mlp, x: tf.Tensor2D, actions: tf.Tensor1D, nActions: number, negInvBatch: tf.Scalar): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const lin = new MlpLinearisation(net, x);
  try {
    const logp = tf.logSoftmax(lin.out);
    const onehot = tf.oneHot(actions, nActions); // int32: the wasm OneHot kernel ignores a float32 dtype (writes int bits)
    const loss = tf.mean(tf.neg(tf.sum(tf.mul(logp, onehot), 1))) as tf.Scalar;
    const g = tf.mul(negInvBatch, onehot);
    const delta = tf.sub(g, tf.mul(tf.sum(g, 1, true), tf.exp(logp))) as tf.Tensor2D;
    const gs = lin.vjp(delta);
    const grads: tf.NamedTensorMap = {};
    net.params.forEach((v, k) => (grads[v.name] = gs[k]));
    return { loss, grads };
  } finally {
    lin.dispose();
  }
}

/**
 * Fits an existing categorical policy to expert pairs in place by behavioural cloning: `steps`
 * Adam steps (rate `lr`) on minibatches of `batchSize` pairs drawn without replacement by `rng`,
 * minimising mean_i(−log π(a_i|s_i)) through the policy's own input standardisation. No
 * validation split or snapshot selection (that is `trainBC`): this is a warm start, e.g. of an
 * adversarial trainer's generator (`AdversarialOptions.bcWarmStart`). Returns the mean loss over
 * all the given pairs before the first step and after the last.
 */
export function clonePolicyInPlace(
  policy: CategoricalPolicy,
  obs: Float32Array,
  actions: Int32Array,
  opts: { steps: number; lr: number; batchSize: number; rng: Rng },
): { lossBefore: number; lossAfter: number } {
  const n = actions.length;
  const d = obs.length / n;
  ensure(n >= 1 && Number.isInteger(d) && d === policy.obsDim, () => `clonePolicyInPlace: ${n} actions and ${obs.length} observation numbers do not make pairs of the policy's ${policy.obsDim} inputs`);
  checkPositiveInt(opts.steps, "steps");
  checkNumber(opts.lr, "lr", 0);
  checkPositiveInt(opts.batchSize, "batchSize");
  const nA = policy.nActions;
  const bs = Math.min(opts.batchSize, n);
  const x = tf.tidy(() => policy.prepare(tf.tensor2d(obs, [n, d])));
  const a = tf.tensor1d(actions, "int32");
  const meanLoss = (): number =>
    tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(tf.logSoftmax(policy.net.apply(x)), tf.oneHot(a, nA)), 1))).dataSync()[0]);
  const opt: tf.Optimizer = new FlatAdam(opts.lr);
  const negInvBatch = tf.scalar(-Math.fround(1 / bs));
  try {
    const lossBefore = meanLoss();
    let perm = opts.rng.permutation(n);
    let cursor = 0;
    for (let it = 0; it < opts.steps; it++) {
      if (cursor + bs > n) {
        perm = opts.rng.permutation(n);
        cursor = 0;
      }
      const idx = perm.slice(cursor, cursor + bs);
      cursor += bs;
      tf.tidy(() => {
        const i = tf.tensor1d(idx, "int32");
        const { grads } = crossEntropyGrads(policy.net, tf.gather(x, i) as tf.Tensor2D, tf.gather(a, i) as tf.Tensor1D, nA, negInvBatch);
        opt.applyGradients(grads);
      });
    }
    return { lossBefore, lossAfter: meanLoss() };
  } finally {
    tf.dispose([x, a, negInvBatch]);
    opt.dispose();
  }
}
