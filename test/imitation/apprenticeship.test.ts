/**
 * FEM and GTAL on the adversarial loop (lib/imitation/linear.ts): the linear cost as the loop's
 * discriminator on the hand-worked example of linear.test.ts, the loop's cost update on the
 * rollout it pays, the per-task sign, short runs on CartPole-v0 without tensor leaks, checkpoints
 * and errors.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend, tf, Rng } from "../../lib/core";
import { FEM, GTAL, LinearDiscriminator, LinearOptions, handCodedExpert, recordDemos, withAbsorbingRows } from "../../lib/imitation";

before(async () => {
  await initBackend({ quiet: true });
});

const S15 = Math.sqrt(1.5);
const rows = (obs: number[], actions: number[]) =>
  withAbsorbingRows({ n: actions.length, obsDim: 1, obs: Float32Array.from(obs), actions: Int32Array.from(actions), nextObs: Float32Array.from(obs), terminated: new Uint8Array(actions.length) });
const disc = (mode: "l2ball" | "simplex", favorZeroExpertReward: boolean) =>
  new LinearDiscriminator({ mode, obsDim: 1, nActions: 2, expertObs: Float32Array.from([0, 2, 4]), expertActions: Int32Array.from([0, 1, 1]), favorZeroExpertReward, rng: new Rng(0) });

test("the linear cost as the loop's discriminator: update = best response + the bound over the policy rows; reward = ℓ − b, pure", () => {
  // expert s = 0, 2, 4 with a = 0, 1, 1 (z = −√1.5, 0, √1.5); policy rows s = 4, a = 0 and s = 0, a = 1
  const policy = rows([4, 0], [0, 1]);
  // μ_π = mean of φ(4, 0) = [√1.5, 1.5e-4, 0, 0, 1] and φ(0, 1) = [0, 0, −√1.5, 1.5e-4, 1]
  const muPi = [S15 / 2, 0.75e-4, -S15 / 2, 0.75e-4, 1];
  const muE = [-S15 / 3, 5e-5, S15 / 3, 5e-5, 1];
  const diff = muE.map((v, j) => v - muPi[j]);
  const l2 = Math.hypot(...diff);
  const fem = disc("l2ball", false);
  const m = fem.update(policy, policy, new Rng(1));
  assert.ok(Math.abs(m["cost/l2"] - l2) < 1e-6, `${m["cost/l2"]} vs ${l2}`);
  fem.cost.w.forEach((w, j) => assert.ok(Math.abs(w - diff[j] / l2) < 1e-7, `w[${j}]`));
  // raw rewards w·φ/5 of the two policy rows, by hand; b = their minimum (CartPole's sign: r ≥ 0)
  const raw = [(diff[0] * S15 + diff[1] * 1.5e-4 + diff[4]) / l2 / 5, (-diff[2] * S15 + diff[3] * 1.5e-4 + diff[4]) / l2 / 5];
  assert.ok(Math.abs(fem.cost.rewardBound - Math.min(...raw)) < 1e-7 && m["cost/bound"] === fem.cost.rewardBound);
  Array.from(fem.logits(policy)).forEach((l, i) => assert.ok(Math.abs(l - raw[i]) < 1e-6, `ℓ[${i}]`));
  const r = fem.reward(policy);
  assert.ok(Math.min(...r) === 0 && r.every((v) => v >= 0));
  assert.deepEqual(Array.from(fem.reward(policy)), Array.from(r), "reward has no side effect");
  assert.equal(fem.rewardSign, 1);
  // GTAL: μ_π − μ_E over ψ = [φ, −φ]; the argmin is at column 0 of the negated block's mirror
  const gtal = disc("simplex", true);
  const v = [...muPi, ...muPi.map((x) => -x)].map((x, j) => x - [...muE, ...muE.map((y) => -y)][j]);
  const jStar = v.indexOf(Math.min(...v));
  const g = gtal.update(policy, policy, new Rng(1));
  assert.equal(gtal.cost.widx, jStar);
  assert.ok(Math.abs(g["cost/vmin"] - v[jStar]) < 1e-6);
  const rg = gtal.reward(policy);
  assert.ok(Math.max(...rg) === 0 && rg.every((x) => x <= 0), "log D tasks: r ≤ 0");
  assert.equal(gtal.rewardSign, -1);
  assert.throws(() => fem.reward(withAbsorbingRows(policy, [3])), /no absorbing-state feature/);
});

const cart0 = recordDemos(handCodedExpert("CartPole-v0"), "CartPole-v0", { episodes: 2, seed: 1000 });
/** The paper's TRPO, small: 2 envs × 250 steps a round. */
const small = (extra: Partial<LinearOptions> = {}): Partial<LinearOptions> => ({
  envId: "CartPole-v0",
  demos: cart0,
  demoEvery: 10,
  generator: "trpo",
  generatorOptions: { numEnvs: 2, nSteps: 250, gamma: 0.995, gaeLambda: 0.97, maxKl: 0.01, damping: 0.1, hidden: [16, 16], vfIters: 3 },
  policyNormFromExpert: true,
  seed: 5,
  ...extra,
});

test("the loop fits the cost to the rollout it pays: w = (μ_E − μ_π)/‖·‖ on the round's batch, rewards ≥ 0 on CartPole", async () => {
  const fem = new FEM(small());
  await fem.learn(500);
  const b = fem.gen.batch;
  const cost = fem.disc.cost;
  const muPi = cost.featureExpectations(b.obs, b.actions);
  let norm = 0;
  const diff = Array.from(cost.expertFeatures, (e, j) => e - muPi[j]);
  for (const d of diff) norm += d * d;
  cost.w.forEach((w, j) => assert.ok(Math.abs(w - diff[j] / (Math.sqrt(norm) + 1e-8)) < 1e-9, `w[${j}]`));
  assert.ok(b.rewards.every((r) => r >= 0) && Math.min(...b.rewards) === 0, "CartPole-v0: the paper's −log(1 − D) sign, r ≥ 0");
  assert.equal(fem.favorZeroExpertReward, false);
  fem.dispose();
  // Acrobot takes log D's sign (r ≤ 0) unless told otherwise
  const acro = recordDemos(handCodedExpert("Acrobot-v0"), "Acrobot-v0", { episodes: 1, seed: 1000 });
  const g = new GTAL(small({ envId: "Acrobot-v0", demos: acro, demoEvery: 5 }));
  assert.equal(g.favorZeroExpertReward, true);
  await g.learn(500);
  assert.ok(g.gen.batch.rewards.every((r) => r <= 0) && Math.max(...g.gen.batch.rewards) === 0);
  g.dispose();
  const forced = new GTAL(small({ envId: "Acrobot-v0", demos: acro, demoEvery: 5, favorZeroExpertReward: false }));
  assert.equal(forced.favorZeroExpertReward, false);
  forced.dispose();
});

test("FEM and GTAL run a few thousand CartPole-v0 steps with flat tensor counts, and resume from a checkpoint", async () => {
  for (const Algo of [FEM, GTAL]) {
    const t = new Algo(small());
    await t.learn(1000); // two rounds: TRPO's and the value fit's slots exist
    const before = tf.memory().numTensors;
    const res = await t.learn(3000);
    assert.equal(tf.memory().numTensors, before, `${t.algo}: tensors leaked`);
    assert.equal(res.step, 3000);
    assert.equal(t.round, 6);
    const key = t.algo === "fem" ? "cost/l2" : "cost/vmin";
    for (const k of [key, "cost/bound", `gen/${t.algo}Reward`, "gen/epReturn"]) assert.ok(Number.isFinite(res.metrics[k]), `${t.algo} ${k} = ${res.metrics[k]}`);
    const ckpt = JSON.parse(JSON.stringify(await t.checkpoint()));
    assert.equal(ckpt.algo, t.algo);
    const u = new Algo(small());
    await u.restore(ckpt);
    assert.deepEqual(u.disc.cost.toJSON(), t.disc.cost.toJSON());
    assert.equal(u.round, 6);
    await assert.rejects(() => new (Algo === FEM ? GTAL : FEM)(small()).restore({ ...ckpt, algo: Algo === FEM ? "gtal" : "fem" }), /expected a saved (FEM|GTAL) cost/);
    t.dispose();
    u.dispose();
  }
});

test("the const control pays the task's sign; bad options are named", async () => {
  const c = new FEM(small({ control: "const" }));
  const w0 = Array.from(c.disc.cost.w);
  const res = await c.learn(500);
  assert.equal(res.metrics["gen/femReward"], 1);
  assert.equal(res.metrics["cost/l2"], undefined, "no cost update");
  assert.deepEqual(Array.from(c.disc.cost.w), w0);
  c.dispose();
  assert.throws(() => new FEM(small({ absorbing: true })), /FEM's linear cost has no absorbing-state feature/);
  assert.throws(() => new GTAL(small({ control: "randomD" })), /GTAL has no "randomD" control/);
  assert.throws(() => new FEM(small({ discHead: "concat" } as never)), /unknown option 'discHead'/);
  assert.throws(() => new FEM(small({ favorZeroExpertReward: "yes" as never })), /favorZeroExpertReward must be true, false or null/);
});
