import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { tf, Rng, initBackend } from "../../lib/core";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { quickConfig, mpcVariants, rowsNotRerun, WORLD_EXPERIMENT } from "../../lib/worldmodel/experiment";
import { worldModelStudy } from "../../lib/experiments/studies";
import { parseCsv, StoredResult } from "../../lib/experiments/sweep";
import {
  worldSpec,
  collectEpisodes,
  toTransitions,
  WorldModel,
  imagine,
  TrueDynamics,
  MpcController,
  runMpcEpisodes,
  runRandomEpisodes,
  DynaVecEnv,
  wrapAngle,
  mmdRbf,
  oneStepMSE,
  stateScale,
  bceLogitsOnes,
  bceLogitsZeros,
} from "../../lib/worldmodel";

before(async () => {
  await initBackend({ quiet: true });
});

const cart = worldSpec("CartPole-v1");
const acro = worldSpec("Acrobot-v1");
const cartData = toTransitions(cart, collectEpisodes(cart, { noiseStd: 0 }, { steps: 300, source: "random", seed: 1 }));
const acroData = toTransitions(acro, collectEpisodes(acro, { noiseStd: 0 }, { steps: 300, source: "random", seed: 1 }));

function zeroOutputLayer(m: WorldModel): void {
  const p = m.generator.params;
  tf.tidy(() => {
    p[p.length - 2].assign(tf.zerosLike(p[p.length - 2]));
    p[p.length - 1].assign(tf.zerosLike(p[p.length - 1]));
  });
}

test("generator is residual: a zero network predicts s' = s (CartPole and Acrobot, any z)", () => {
  for (const [envId, data] of [["CartPole-v1", cartData], ["Acrobot-v1", acroData]] as const) {
    const m = new WorldModel({ envId, kind: "gan", seed: 0 });
    m.setData(data);
    zeroOutputLayer(m);
    const s = data.states.slice(0, 10 * 4);
    const next = m.predict(s, data.actions.slice(0, 10), new Rng(3));
    assert.deepEqual(Array.from(next), Array.from(s), `${envId}: zero residual must keep the state`);
    m.dispose();
  }
});

test("angles are wrapped into [−π, π) after the residual, in constant time", () => {
  assert.ok(Math.abs(wrapAngle(Math.PI + 0.1) - (-Math.PI + 0.1)) < 1e-12);
  assert.ok(Math.abs(wrapAngle(-Math.PI - 0.1) - (Math.PI - 0.1)) < 1e-12);
  assert.equal(wrapAngle(0.5), 0.5);
  const big = wrapAngle(1e30);
  assert.ok(big >= -Math.PI && big < Math.PI);
});

test("the label convention: BCE with logits is softplus(−x) for real (1), softplus(x) for generated (0)", () => {
  const [a, b] = tf.tidy(() => [bceLogitsOnes(tf.tensor1d([0, 2])).dataSync()[0], bceLogitsZeros(tf.tensor1d([0, 2])).dataSync()[0]]);
  assert.ok(Math.abs(a - (Math.log(2) + Math.log1p(Math.exp(-2))) / 2) < 1e-6);
  assert.ok(Math.abs(b - (Math.log(2) + Math.log1p(Math.exp(2))) / 2) < 1e-6);
});

test("the discriminator's loss falls on a fixed batch (G frozen)", () => {
  const m = new WorldModel({ envId: "CartPole-v1", kind: "gan", lrG: 0, lrD: 1e-3, seed: 2 });
  m.setData(cartData);
  const n = 128;
  const s = cartData.states.slice(0, n * 4), a = cartData.actions.slice(0, n), real = cartData.next.slice(0, n * 4);
  const loss = () => {
    const fake = m.predict(s, a, new Rng(9));
    const lr = m.discriminate(s, a, real), lf = m.discriminate(s, a, fake);
    let l = 0;
    for (let i = 0; i < n; i++) l += Math.log1p(Math.exp(-lr[i])) + Math.log1p(Math.exp(lf[i]));
    return l / n;
  };
  const l0 = loss();
  m.fit(60, { logEvery: 60 });
  const l1 = loss();
  assert.ok(l1 < l0 - 0.05, `D loss ${l0.toFixed(3)} → ${l1.toFixed(3)} should fall`);
  m.dispose();
});

for (const kind of ["gan", "mle"] as const) {
  test(`${kind}: no tensor leaks across a training step, and G's weights change`, () => {
    const m = new WorldModel({ envId: "Acrobot-v1", kind, seed: 0, batchSize: 32 });
    m.setData(acroData);
    m.trainStep().dispose(); // burn-in: optimiser slots are created here
    const before = tf.memory().numTensors;
    const w0 = m.generator.params[0].dataSync().slice();
    m.trainStep().dispose();
    assert.equal(tf.memory().numTensors, before);
    const w1 = m.generator.params[0].dataSync();
    assert.ok(w1.some((v, i) => v !== w0[i]), "G's first weight matrix did not change");
    m.fit(3, { logEvery: 2 });
    assert.equal(tf.memory().numTensors, before);
    m.dispose();
  });
}

test("training reduces the one-step error (MLE, CartPole, tiny budget)", () => {
  const m = new WorldModel({ envId: "CartPole-v1", kind: "mle", lrG: 1e-3, seed: 0 });
  m.setData(cartData);
  const scale = stateScale(cartData);
  const e0 = oneStepMSE(m, cartData, scale, new Rng(0));
  m.fit(150);
  const e1 = oneStepMSE(m, cartData, scale, new Rng(0));
  assert.ok(e1 < e0 / 2, `one-step MSE ${e0} → ${e1}`);
  m.dispose();
});

test("imagine: shapes, known rules, and determinism under a seed", () => {
  const m = new WorldModel({ envId: "CartPole-v1", kind: "gan", seed: 0 });
  m.setData(cartData);
  const s0 = [0.01, 0, 0.02, 0];
  const a = imagine(m, s0, "random", 20, { seed: 5, stopAtDone: false });
  const b = imagine(m, s0, "random", 20, { seed: 5, stopAtDone: false });
  const c = imagine(m, s0, "random", 20, { seed: 6, stopAtDone: false });
  assert.equal(a.states.length, 21);
  assert.equal(a.obs.length, 21);
  assert.equal(a.actions.length, 20);
  assert.equal(a.rewards.length, 20);
  assert.equal(a.dones.length, 20);
  assert.equal(a.states[0].length, 4);
  assert.deepEqual(a.states.map((s) => Array.from(s)), b.states.map((s) => Array.from(s)));
  assert.deepEqual(a.actions, b.actions);
  assert.notDeepEqual(a.states.map((s) => Array.from(s)), c.states.map((s) => Array.from(s)));
  // the true simulator through the same interface: rewards and dones by CartPole's rules
  const t = imagine(new TrueDynamics(cart, { noiseStd: 0 }), s0, () => 1, 200, { seed: 0 });
  assert.ok(t.dones[t.dones.length - 1], "always pushing right must topple the pole");
  assert.ok(t.rewards.every((r) => r === 1));
  assert.throws(() => imagine(m, [0, 0], "random", 3), /4 numbers/);
  m.dispose();
});

test("MPC returns an action in range (true dynamics and a learned Acrobot model)", () => {
  const ctl = new MpcController(new TrueDynamics(cart, { noiseStd: 0 }), { horizon: 8, samples: 16, iterations: 2, elites: 4 });
  const a = ctl.act([0, 0, 0.05, 0]);
  assert.ok(a === 0 || a === 1);
  assert.equal(a, 1, "with the pole leaning right the planner pushes right");
  const m = new WorldModel({ envId: "Acrobot-v1", kind: "mle", seed: 0 });
  m.setData(acroData);
  const b = new MpcController(m, { horizon: 5, samples: 8, iterations: 1, elites: 2 }).act([0.1, -0.1, 0, 0]);
  assert.ok(Number.isInteger(b) && b >= 0 && b < 3);
  m.dispose();
});

test("DynaVecEnv: real and imagined rows, only real steps counted", () => {
  const m = new WorldModel({ envId: "CartPole-v1", kind: "mle", seed: 0 });
  m.setData(cartData);
  const env = new DynaVecEnv("CartPole-v1", { noiseStd: 0 }, { realEnvs: 2, modelEnvs: 3, modelHorizon: 4, seed: 0, model: m });
  env.addTransitions(cartData);
  const o = env.reset(0);
  assert.equal(o.length, 5 * 4);
  let truncatedImagined = 0;
  for (let t = 0; t < 8; t++) {
    const r = env.step([0, 1, 0, 1, 0]);
    for (let j = 2; j < 5; j++) truncatedImagined += r.truncated[j];
  }
  assert.equal(env.realSteps, 16);
  assert.ok(truncatedImagined > 0, "imagined rows are cut at modelHorizon");
  m.dispose();
});

test("MMD: larger for a shifted sample than for the sample itself", () => {
  const x = [0, 0, 1, 1, 2, 0, 0, 2];
  const same = mmdRbf(x, x, 4, 4, 2, 1);
  const shifted = mmdRbf(x, x.map((v) => v + 5), 4, 4, 2, 1);
  assert.ok(same <= 0.01, `MMD² of a sample with itself ${same}`);
  assert.ok(shifted > 0.2 && shifted > same, `MMD² of a shifted sample ${shifted}`);
});

test("MPC variants: shaped (the hand-written cost, where the task has one) and unshaped (the known reward alone), named so the table says which", () => {
  const cfg = quickConfig();
  assert.deepEqual(mpcVariants(cfg, worldSpec("CartPole-v1")), [["shaped", 0.1], ["unshaped", 0]]);
  assert.deepEqual(mpcVariants({ ...cfg, mpc: { ...cfg.mpc, shaping: 0 } }, worldSpec("CartPole-v1")), [["unshaped", 0]]);
  assert.deepEqual(mpcVariants(cfg, { shaping: { unsupported: "no shaping for this task" } }), [["unshaped", 0]]);
  assert.ok(WORLD_EXPERIMENT.mpc.episodes >= 10, "at least 10 MPC episodes per seed (issue 16.4)");
});

test("MPC's controls: random actions are reproducible and fall early; MPC in the true simulator with the shaping cost keeps the pole up", () => {
  const variant = { noiseStd: 0 };
  const a = runRandomEpisodes(cart, variant, { episodes: 4, seed: 3 });
  assert.deepEqual(runRandomEpisodes(cart, variant, { episodes: 4, seed: 3 }).returns, a.returns, "same seed, same episodes");
  assert.equal(a.returns.length, 4);
  assert.ok(a.returns.every((r) => r < 100), `random actions: ${a.returns}`);
  const sim = runMpcEpisodes(new TrueDynamics(cart, variant), variant, { episodes: 2, maxSteps: 60, horizon: 10, samples: 32, iterations: 2, elites: 8, shaping: 0.1, seed: 3 });
  assert.deepEqual(sim.lengths, [60, 60], "the planner in the true dynamics survives every capped episode");
  assert.throws(() => runRandomEpisodes(cart, variant, { episodes: 0 }), /episodes/);
});

test("the worldmodel table keeps the rows of (part, env) groups no stored run covers, and replaces the others", () => {
  const header = "env,variant,model,metric,mean,std,seeds";
  const old = [
    "CartPole-v1,deterministic,none,dynaRealStepsToThreshold,11392,1348.56,3",
    "CartPole-v1,deterministic,gan,mpcReturn,489.333,18.4752,3",
    "Acrobot-v1,deterministic,gan,mpcReturn,-125.167,11.8145,3",
  ];
  const kept = rowsNotRerun(parseCsv([header, ...old].join("\n") + "\n"), [{ kind: "wm", envId: "CartPole-v1" }]);
  assert.deepEqual(kept.map((r) => `${r.env} ${r.metric}`), ["CartPole-v1 dynaRealStepsToThreshold", "Acrobot-v1 mpcReturn"]);
  // through the study: a stored wm run of CartPole replaces that group's rows, the Dyna and Acrobot rows stay
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ganrl-wm-table-"));
  try {
    fs.writeFileSync(path.join(dir, "worldmodel.csv"), [header, ...old].join("\n") + "\n");
    const run = { id: "worldmodel/wm/CartPole-v1/seed0", params: { kind: "wm", envId: "CartPole-v1", seed: 0 }, finishedAt: "", seconds: 1,
      result: { rows: [{ env: "CartPole-v1", variant: "deterministic", model: "gan", metric: "mpcReturn/unshaped", value: 200 }] } } as unknown as StoredResult;
    const plan = worldModelStudy.plan({ seeds: 1, quick: true })[0];
    const [t] = worldModelStudy.tables([run], plan, { outDir: dir, seconds: 0, command: "test" });
    const rows = parseCsv(t.text).map((r) => `${r.env} ${r.model} ${r.metric} ${r.mean}`);
    assert.deepEqual(rows, ["CartPole-v1 gan mpcReturn/unshaped 200", "CartPole-v1 none dynaRealStepsToThreshold 11392", "Acrobot-v1 gan mpcReturn -125.167"]);
    assert.equal(t.rows, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
