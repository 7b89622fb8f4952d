/** Behavioural cloning: learns the hand-written CartPole controller; split, selection and errors. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { CategoricalPolicy } from "../../lib/nn";
import { evaluate } from "../../lib/rl";
import { trainBC, BCResult, handCodedExpert, recordDemos } from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

const demos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 2, seed: 1000 });

/** Cross-entropy and greedy accuracy of `policy` on a result's selection (validation) pairs, scored afresh. */
function rescore(res: BCResult): { loss: number; acc: number } {
  const { n, obs, actions } = res.selectionSet;
  const logits = tf.tidy(() => res.policy.logits(tf.tensor2d(obs, [n, obs.length / n])).arraySync() as number[][]);
  let loss = 0, hits = 0;
  logits.forEach((l, i) => {
    const m = Math.max(...l);
    const lse = m + Math.log(l.reduce((s, x) => s + Math.exp(x - m), 0));
    loss += lse - l[actions[i]];
    if (l.indexOf(m) === actions[i]) hits++;
  });
  return { loss: loss / n, acc: hits / n };
}

/** The returned policy is the recorded best iterate: re-scored on the validation pairs it gives the best score of the history. */
function assertBestIterate(res: BCResult, by: "accuracy" | "loss"): void {
  const s = rescore(res);
  assert.ok(Math.abs(s.acc - res.bestValAccuracy) < 1e-6, `re-scored accuracy ${s.acc}, recorded best ${res.bestValAccuracy}`);
  // the recorded loss is float32 (log-softmax of logits ~10: ~1e-6 absolute); the re-score is float64
  assert.ok(Math.abs(s.loss - res.bestValLoss) < 2e-6 + 1e-5 * res.bestValLoss, `re-scored loss ${s.loss}, recorded best ${res.bestValLoss}`);
  for (const h of res.history.filter((h) => h.iteration > 0 && h.valLoss !== res.bestValLoss))
    assert.ok(Math.abs(s.loss - res.bestValLoss) < Math.abs(s.loss - h.valLoss), `the returned policy scores like iteration ${h.iteration} (${h.valLoss}), not the best ${res.bestIteration}`);
  const best = res.history.find((h) => h.iteration === res.bestIteration)!;
  assert.deepEqual([best.valAccuracy, best.valLoss], [res.bestValAccuracy, res.bestValLoss]);
  if (by === "loss") assert.ok(res.history.every((h) => h.valLoss >= res.bestValLoss));
  else assert.ok(res.history.every((h) => h.valAccuracy < res.bestValAccuracy || (h.valAccuracy === res.bestValAccuracy && h.valLoss >= res.bestValLoss)));
  // the last scored iterate scores differently, so handing back the last weights would be caught
  const last = res.history.at(-1)!;
  assert.ok(last.iteration > res.bestIteration && (last.valLoss !== res.bestValLoss || last.valAccuracy !== res.bestValAccuracy), `the best iterate is the last one (${last.iteration}): nothing to tell apart`);
}

test("BC learns the hand-written CartPole controller (1000 pairs, 70/30 split, best validation iterate)", () => {
  // what a bare policy of this shape holds (lib/nn's Mlp keeps its initial-value tensors alive too)
  const base = tf.memory().numTensors;
  new CategoricalPolicy({ obsDim: 4, nActions: 2, hidden: [32, 32] }, new Rng(0));
  const policyTensors = tf.memory().numTensors - base;
  const before = tf.memory().numTensors;
  const res = trainBC(demos, { envId: "CartPole-v1", iterations: 600, batchSize: 64, lr: 3e-3, hidden: [32, 32], seed: 0 });
  assert.equal(res.nTrain, 700);
  assert.equal(res.nValidation, 300);
  assert.ok(res.bestValAccuracy > 0.9, `validation accuracy ${res.bestValAccuracy}`);
  assert.ok(res.bestIteration > 0 && res.bestIteration <= 600);
  assert.equal(res.selectionSet.n, 300);
  assertBestIterate(res, "accuracy");
  const ev = evaluate(res.policy, "CartPole-v1", { episodes: 10, seed: 0 });
  assert.ok(ev.mean >= 475, `BC return ${ev.mean}`);
  // nothing but the policy (and its normalisation cache, 2 tensors) survives training
  assert.equal(tf.memory().numTensors, before + policyTensors + 2);
  res.policy.dispose();
});

test("BC: early stopping with patience, subsampling, and clear errors", () => {
  const res = trainBC(demos, { envId: "CartPole-v1", iterations: 3000, evalEvery: 10, patience: 3, demoEvery: 10, lr: 0.01, hidden: [64, 64], selectBy: "loss", seed: 1 });
  assert.ok(res.iterations < 3000, `stopped after ${res.iterations}`);
  assert.equal(res.nTrain + res.nValidation, 100); // every 10th of 2 × 500 pairs
  assertBestIterate(res, "loss");
  res.policy.dispose();
  assert.throws(() => trainBC(demos, { envId: "Acrobot-v1" }), /holds demonstrations for CartPole-v1, not Acrobot-v1/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", lr: -1 }), /lr must be a finite number/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", epochs: 3 } as never), /unknown option 'epochs' for trainBC/);
});
