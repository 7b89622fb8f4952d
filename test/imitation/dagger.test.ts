/** DAgger: labels every visited state with the oracle's action, aggregates rounds, keeps the best round, frees the rest. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf } from "../../lib/core";
import { getEnvSpec } from "../../lib/envs";
import { dagger, DaggerOracle } from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

const spec = getEnvSpec("CartPole-v1");
// the hand-written controller, on the observation, so every label can be recomputed from the data
const oracle: DaggerOracle = (_state, obs) => spec.controller(obs, 0);
const small = { envId: "CartPole-v1", rounds: 2, oracleEpisodes: 4, explore: 0.3, episodesPerRound: 2, selectEpisodes: 3, bc: { iterations: 300, evalEvery: 100, hidden: [16, 16] } };

test("dagger: every recorded action is the oracle's on its state, rounds add the learner's episodes, the kept policy imitates", () => {
  const before = tf.memory().numTensors;
  const r = dagger(oracle, { ...small, seed: 3 });
  assert.equal(r.data.trajectories.length, 4 + 2 * 2, "round 0's oracle episodes plus two learner rounds of two");
  let pairs = 0;
  for (const t of r.data.trajectories) {
    assert.equal(t.obs.length, t.actions.length + 1);
    t.actions.forEach((a, i) => assert.equal(a, oracle(new Float64Array(0), Float32Array.from(t.obs[i])), "labels are the oracle's, not the actions taken"));
    pairs += t.actions.length;
  }
  assert.equal(r.rounds.length, 3);
  assert.ok(r.rounds[0].pairs < r.rounds[1].pairs && r.rounds[1].pairs < r.rounds[2].pairs, "each round trains on more pairs");
  assert.equal(r.rounds[2].pairs, pairs, "the last round trains on everything gathered");
  const best = Math.max(...r.rounds.map((x) => x.selectReturn));
  assert.equal(r.rounds[r.bestRound].selectReturn, best);
  assert.ok(best >= 200, `the best round balances the pole (${best})`);
  r.policy.dispose();
  assert.equal(tf.memory().numTensors, before, "the rounds not kept are disposed");
});

test("dagger: the same seed gives the same data; bad options name the problem", () => {
  const a = dagger(oracle, { ...small, rounds: 1, seed: 5 });
  const b = dagger(oracle, { ...small, rounds: 1, seed: 5 });
  assert.deepEqual(a.data.trajectories, b.data.trajectories);
  a.policy.dispose();
  b.policy.dispose();
  assert.throws(() => dagger(oracle, { ...small, explore: 2 }), /explore/);
  assert.throws(() => dagger(oracle, { ...small, bc: { seed: 1 } }), /bc.envId and bc.seed/);
  assert.throws(() => dagger(oracle, { ...small, bogus: 1 } as never), /bogus/);
});
