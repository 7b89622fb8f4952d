/** Tiny-budget learning checks: each algorithm, seeded, lifts CartPole-v1 well above random (~22). */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend } from "../../lib/core";
import { PPO, PPO_CARTPOLE_ZOO, Reinforce, TRPO, DQN, evaluate } from "../../lib/rl";

before(async () => {
  await initBackend({ quiet: true });
});

test("PPO (zoo config) learns CartPole-v1", async () => {
  const t = new PPO({ ...PPO_CARTPOLE_ZOO, seed: 1 });
  const r = await t.learn(20480);
  const ev = evaluate(t.policy, "CartPole-v1", { episodes: 5, seed: 100 });
  assert.ok(r.metrics["gen/epReturn"] > 100, `train return ${r.metrics["gen/epReturn"]}`);
  assert.ok(ev.mean > 100, `eval return ${ev.mean}`);
  t.dispose();
});

test("REINFORCE with baseline learns CartPole-v1", async () => {
  const t = new Reinforce({ seed: 1 });
  const r = await t.learn(30720);
  assert.ok(r.metrics["gen/epReturn"] > 100, `train return ${r.metrics["gen/epReturn"]}`);
  t.dispose();
});

test("TRPO learns CartPole-v1", async () => {
  const t = new TRPO({ seed: 1 });
  const r = await t.learn(30720);
  assert.ok(r.metrics["gen/epReturn"] > 100, `train return ${r.metrics["gen/epReturn"]}`);
  t.dispose();
});

test("DQN learns CartPole-v1", async () => {
  const t = new DQN({ seed: 1, hidden: [64, 64], gradientSteps: 64 });
  const r = await t.learn(16000);
  const ev = evaluate(t.policy, "CartPole-v1", { episodes: 5, seed: 100 });
  assert.ok(r.metrics["gen/epReturn"] > 60, `train return ${r.metrics["gen/epReturn"]}`);
  assert.ok(ev.mean > 60, `eval return ${ev.mean}`);
  t.dispose();
});
