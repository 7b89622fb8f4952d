/** Behavioural cloning: learns the hand-written CartPole controller; split, selection and errors. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { CategoricalPolicy } from "../../lib/nn";
import { evaluate } from "../../lib/rl";
import { trainBC, handCodedExpert, recordDemos } from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

const demos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 2, seed: 1000 });

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
  // the returned policy is the selected iterate: its validation score is the best in the history
  assert.ok(res.history.every((h) => h.valAccuracy <= res.bestValAccuracy));
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
  res.policy.dispose();
  assert.throws(() => trainBC(demos, { envId: "Acrobot-v1" }), /holds demonstrations for CartPole-v1, not Acrobot-v1/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", lr: -1 }), /lr must be a finite number/);
  assert.throws(() => trainBC(demos, { envId: "CartPole-v1", epochs: 3 } as never), /unknown option 'epochs' for trainBC/);
});
