/**
 * The maximum-entropy IRL objective with guided-cost-learning importance weights
 * (Finn, Levine & Abbeel 2016), and its estimate of the log partition function.
 *
 * Max-ent IRL models trajectories as p_r(τ) = p_dyn(τ) exp(R(τ)) / Z with R(τ) = Σ_t r(s_t, a_t)
 * and Z = Σ_τ p_dyn(τ) exp(R(τ)). Its negative log-likelihood on expert trajectories is
 *
 *     L(r) = −E_E[R(τ)] + log Z.
 *
 * Z is estimated by importance sampling with N trajectories τ_j from a sampler q (the current
 * policy π: q(τ) = p_dyn(τ) Π_t π(a_t|s_t), so the dynamics cancel in the ratio):
 *
 *     Ẑ = (1/N) Σ_j exp(R(τ_j)) / Π_t π(a_t|s_t)          (unbiased for Z)
 *     log Ẑ = logsumexp_j (R_j − log q_j) − log N
 *     ∇ log Ẑ = Σ_j w_j ∇R_j,   w_j = exp(R_j − log q_j) / Σ_k exp(R_k − log q_k)   (self-normalised)
 *
 * The overview notes (seed 000) write `−mean(expert rewards) + logsumexp(policy rewards)`: without
 * the 1/q weights the sum estimates Σ_j exp(R_j), whose expectation is N·E_π[exp R], not Z, and
 * without −log N it grows with the batch. `notesLogPartition` keeps that form for comparison.
 *
 * Relation to AIRL and GAIL (notebook 11, "GCL = GAN"): Finn, Christiano, Abbeel & Levine (2016)
 * show that a discriminator D = exp f / (exp f + q) — logit f − log q, AIRL's form with f = r and
 * q = π — trained by cross-entropy has, at its optimum for f, the same gradient in r as L(r) with
 * the importance weights above (using the mixture of expert and policy samples as the sampler);
 * the generator's reward log D − log(1 − D) = f − log π is then the max-ent RL objective. GAIL
 * drops the special form (D is any classifier), so it recovers a policy but no reward.
 */
import { tf, GanrlError, ensure, checkFiniteArray, checkPositiveInt, describe } from "../core";
import { TabularMDP, checkMDP, checkTable, sizes, logSumExp } from "../tabular";

function checkSamples(returns: ArrayLike<number>, logQ: ArrayLike<number>): void {
  ensure(returns.length > 0, "the log-partition estimate needs at least one sampled trajectory");
  ensure(returns.length === logQ.length, () => `one log q per sampled trajectory: got ${returns.length} returns and ${logQ.length} log-probabilities`);
  checkFiniteArray(returns, "sampled returns R_j");
  checkFiniteArray(logQ, "sampler log-probabilities log q_j");
}

/** log Ẑ = logsumexp_j (R_j − log q_j) − log N: the importance-sampled estimate of log Z. */
export function logPartitionIS(returns: ArrayLike<number>, logQ: ArrayLike<number>): number {
  checkSamples(returns, logQ);
  const x = Array.from(returns, (r, j) => r - logQ[j]);
  return logSumExp(x) - Math.log(returns.length);
}

/** The notes' estimate logsumexp_j R_j (no importance weights, no −log N): biased. */
export function notesLogPartition(returns: ArrayLike<number>): number {
  ensure(returns.length > 0, "notesLogPartition needs at least one sampled return");
  checkFiniteArray(returns, "sampled returns R_j");
  return logSumExp(returns);
}

/** Self-normalised importance weights w_j ∝ exp(R_j − log q_j), summing to 1. */
export function selfNormalisedWeights(returns: ArrayLike<number>, logQ: ArrayLike<number>): Float64Array {
  checkSamples(returns, logQ);
  const x = Array.from(returns, (r, j) => r - logQ[j]);
  const lse = logSumExp(x);
  return Float64Array.from(x, (v) => Math.exp(v - lse));
}

/**
 * L = −mean(R_E) + logsumexp(R_j − log q_j) − log N as a tensor (call inside a gradient function).
 * `expertReturns` [n_E], `sampleReturns` [N] depend on the reward's parameters; `sampleLogQ` [N] is
 * a constant. Its gradient in the reward is −mean ∇R_E + Σ_j w_j ∇R_j with the self-normalised w.
 */
export function maxEntIsLoss(expertReturns: tf.Tensor1D, sampleReturns: tf.Tensor1D, sampleLogQ: tf.Tensor1D): tf.Scalar {
  ensure(expertReturns.shape[0] > 0, "maxEntIsLoss needs at least one expert trajectory");
  ensure(sampleReturns.shape[0] > 0, "maxEntIsLoss needs at least one sampled trajectory");
  ensure(sampleReturns.shape[0] === sampleLogQ.shape[0], () => `maxEntIsLoss: ${sampleReturns.shape[0]} sampled returns but ${sampleLogQ.shape[0]} log q values`);
  return tf.tidy(() => {
    const lse = tf.logSumExp(tf.sub(sampleReturns, sampleLogQ));
    return tf.add(tf.neg(tf.mean(expertReturns)), tf.sub(lse, Math.log(sampleReturns.shape[0]))) as tf.Scalar;
  });
}

/**
 * The overview notes' sketch as a tensor: −mean(R_E) + logsumexp_j R_j over the policy's returns,
 * with neither the importance weights 1/q_j nor −log N (see the module comment); its gradient in
 * the reward is −mean ∇R_E + Σ_j softmax(R)_j ∇R_j.
 */
export function maxEntNotesLoss(expertReturns: tf.Tensor1D, sampleReturns: tf.Tensor1D): tf.Scalar {
  ensure(expertReturns.shape[0] > 0 && sampleReturns.shape[0] > 0, "maxEntNotesLoss needs at least one expert and one sampled trajectory");
  return tf.tidy(() => tf.add(tf.neg(tf.mean(expertReturns)), tf.logSumExp(sampleReturns)) as tf.Scalar);
}

/**
 * Exact log Z_T = log Σ_τ p0(s_0) Π_t P(s_{t+1}|s_t, a_t) exp(Σ_{t<T} r(s_t, a_t)) over all
 * trajectories of T steps (a sum over actions, not an average: the max-ent normaliser), by the
 * backward recursion log Z_t(s) = logsumexp_a [r(s, a) + log Σ_s' P(s'|s, a) Z_{t+1}(s')].
 */
export function trajectoryLogPartition(mdp: TabularMDP, reward: number[][], T: number): number {
  checkMDP(mdp);
  const { nS, nA } = sizes(mdp);
  checkTable(reward, nS, nA, "reward table");
  checkPositiveInt(T, "horizon T");
  let logZ = new Array<number>(nS).fill(0);
  for (let t = T - 1; t >= 0; t--) {
    const next = logZ;
    logZ = Array.from({ length: nS }, (_, s) =>
      logSumExp(
        Array.from({ length: nA }, (_, a) => {
          const terms: number[] = [];
          for (let u = 0; u < nS; u++) if (mdp.P[s][a][u] > 0) terms.push(Math.log(mdp.P[s][a][u]) + next[u]);
          return reward[s][a] + logSumExp(terms);
        }),
      ),
    );
  }
  const start: number[] = [];
  for (let s = 0; s < nS; s++) if (mdp.p0[s] > 0) start.push(Math.log(mdp.p0[s]) + logZ[s]);
  if (start.length === 0) throw new GanrlError(`p0 has no mass: ${describe(mdp.p0)}`);
  return logSumExp(start);
}
