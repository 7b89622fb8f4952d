import { test } from "node:test";
import * as assert from "node:assert/strict";
import { GanrlError } from "../../lib/core";
import { makeEnv, makeVecEnv, ENV_IDS, animateEpisode, recordEpisode, ClassicControlEnv } from "../../lib/envs";

function rollout(env: ClassicControlEnv, actions: number[]): number[][] {
  const out: number[][] = [Array.from(env.reset())];
  for (const a of actions) {
    const r = env.step(a);
    out.push(Array.from(r.obs));
    if (r.terminated || r.truncated) out.push(Array.from(env.reset()));
  }
  return out;
}

test("ENV_IDS and spaces", () => {
  assert.deepEqual([...ENV_IDS].sort(), ["Acrobot-v0", "Acrobot-v1", "CartPole-v0", "CartPole-v1", "MountainCar-v0", "seals/CartPole-v0", "seals/MountainCar-v0"]);
  const c = makeEnv("CartPole-v1");
  assert.equal(c.id, "CartPole-v1");
  assert.equal(c.maxEpisodeSteps, 500);
  assert.equal(c.actionSpace.n, 2);
  assert.deepEqual(c.observationSpace.shape, [4]);
  assert.equal(c.observationSpace.high[0], Math.fround(4.8));
  assert.equal(c.observationSpace.high[2], Math.fround((2 * 12 * 2 * Math.PI) / 360));
  assert.ok(c.observationSpace.low instanceof Float32Array);
  const a = makeEnv("Acrobot-v1");
  assert.equal(a.actionSpace.n, 3);
  assert.deepEqual(a.observationSpace.shape, [6]);
  assert.equal(a.observationSpace.high[4], Math.fround(4 * Math.PI));
  assert.equal(a.observationSpace.high[5], Math.fround(9 * Math.PI));
  assert.equal(a.observationSpace.low[5], -Math.fround(9 * Math.PI));
  const a0 = makeEnv("Acrobot-v0");
  assert.deepEqual(a0.observationSpace.shape, [4]);
  assert.deepEqual(Array.from(a0.observationSpace.high), [Math.PI, Math.PI, 4 * Math.PI, 9 * Math.PI].map(Math.fround));
});

test("reset: ranges, float32 obs, Acrobot state rounded to float32, elapsed 0", () => {
  const c = makeEnv("CartPole-v1", { seed: 3 });
  for (let k = 0; k < 50; k++) {
    const o = c.reset();
    assert.ok(o instanceof Float32Array && o.length === 4);
    const s = c.state;
    assert.ok(s instanceof Float64Array);
    for (let i = 0; i < 4; i++) {
      assert.ok(s[i] >= -0.05 && s[i] < 0.05);
      assert.equal(o[i], Math.fround(s[i]));
    }
    assert.equal(c.elapsedSteps, 0);
  }
  const a = makeEnv("Acrobot-v1", { seed: 3 });
  for (let k = 0; k < 50; k++) {
    const o = a.reset();
    assert.equal(o.length, 6);
    const s = a.state;
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(s[i]) <= 0.1);
      assert.equal(s[i], Math.fround(s[i]), "Acrobot reset state is float32-representable");
    }
    assert.equal(o[0], Math.fround(Math.cos(s[0])));
    assert.equal(o[5], s[3]);
  }
});

test("state getter returns a copy; setState keeps elapsed count and validates", () => {
  const env = makeEnv("CartPole-v1");
  env.reset(1);
  env.step(0);
  env.step(1);
  const s = env.state;
  s[0] = 99;
  assert.notEqual(env.state[0], 99);
  env.setState([0.1, 0.2, 0.03, 0.04]);
  assert.equal(env.elapsedSteps, 2);
  assert.deepEqual(Array.from(env.state), [0.1, 0.2, 0.03, 0.04]);
  assert.throws(() => env.setState([1, 2, 3]), (e: unknown) => e instanceof GanrlError && /exactly 4 numbers/.test(e.message));
  assert.throws(() => env.setState([1, NaN, 3, 4]), (e: unknown) => e instanceof GanrlError && /x_dot/.test(e.message));
  assert.throws(() => env.setState([1, 2, 3, Infinity]), GanrlError);
});

test("errors: actions, ids, seeds, options, step before reset", () => {
  const env = makeEnv("CartPole-v1");
  assert.throws(() => env.step(0), (e: unknown) => e instanceof GanrlError && /call reset\(\)/.test(e.message));
  env.reset();
  for (const bad of [2, -1, 0.5, NaN, Infinity, "1" as unknown as number, undefined as unknown as number]) {
    assert.throws(() => env.step(bad), (e: unknown) => e instanceof GanrlError && /invalid action/.test(e.message) && /0\.\.1/.test(e.message));
  }
  const acro = makeEnv("Acrobot-v1");
  acro.reset();
  assert.throws(() => acro.step(3), (e: unknown) => e instanceof GanrlError && /0\.\.2/.test(e.message));
  acro.step(2);
  assert.throws(() => makeEnv("CartPole-v2"), (e: unknown) => e instanceof GanrlError && /valid ids: CartPole-v1, CartPole-v0, Acrobot-v1, Acrobot-v0/.test(e.message));
  assert.throws(() => makeEnv("CartPole-v1", { seed: -1 }), (e: unknown) => e instanceof GanrlError && /non-negative integer/.test(e.message));
  assert.throws(() => makeEnv("CartPole-v1", { seed: 1.5 }), GanrlError);
  assert.throws(() => env.reset(-3), GanrlError);
  assert.throws(() => env.reset(2.5), GanrlError);
  assert.throws(() => makeEnv("CartPole-v1", { sed: 1 } as never), (e: unknown) => e instanceof GanrlError && /unknown option 'sed'/.test(e.message));
  assert.throws(() => makeEnv("Acrobot-v1", { forceNoiseStd: 1 } as never), (e: unknown) => e instanceof GanrlError && /torqueNoiseStd/.test(e.message));
  assert.throws(() => makeEnv("CartPole-v1", { params: { gravty: 1 } as never }), (e: unknown) => e instanceof GanrlError && /gravity/.test(e.message));
  assert.throws(() => makeEnv("CartPole-v1", { params: { massPole: -1 } }), GanrlError);
  assert.throws(() => makeEnv("CartPole-v1", { forceNoiseStd: -1 }), GanrlError);
  assert.throws(() => makeVecEnv("CartPole-v1", 0), GanrlError);
  assert.throws(() => makeVecEnv("Nope", 2), GanrlError);
});

test("stepping after termination follows Gymnasium and warns once per env", () => {
  const env = makeEnv("CartPole-v1");
  env.reset();
  env.setState([0, 0, 0.2, 2]);
  const orig = console.warn;
  const msgs: string[] = [];
  console.warn = (m: string) => msgs.push(m);
  try {
    const r1 = env.step(1);
    assert.equal(r1.terminated, true);
    assert.equal(r1.reward, 1.0);
    assert.equal(msgs.length, 0);
    const r2 = env.step(1);
    assert.equal(r2.reward, 0.0);
    assert.equal(env.step(1).reward, 0.0);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0], /reset\(\)/);
    env.reset();
    env.setState([0, 0, 0.2, 2]);
    env.step(1);
    env.step(1);
    assert.equal(msgs.length, 1, "once per instance");
  } finally {
    console.warn = orig;
  }
});

test("determinism by seed; reset(seed) re-seeds; different seeds differ", () => {
  const acts = Array.from({ length: 300 }, (_, i) => (i * 7919) % 3);
  for (const id of ENV_IDS) {
    const n = makeEnv(id).actionSpace.n;
    const a = rollout(makeEnv(id, { seed: 5 }), acts.map((x) => x % n));
    const b = rollout(makeEnv(id, { seed: 5 }), acts.map((x) => x % n));
    const c = rollout(makeEnv(id, { seed: 6 }), acts.map((x) => x % n));
    assert.deepEqual(a, b, id);
    assert.notDeepEqual(a, c, id);
    const e = makeEnv(id, { seed: 99 });
    e.reset();
    assert.deepEqual(Array.from(e.reset(5)), a[0]);
  }
});

test("v0 variants: 200-step truncation; Acrobot-v0 raw 4-number observation", () => {
  for (const id of ["CartPole-v0", "Acrobot-v0"] as const) {
    const env = makeEnv(id);
    assert.equal(env.maxEpisodeSteps, 200);
    env.reset();
    let last = { terminated: false, truncated: false };
    for (let t = 1; t <= 200; t++) {
      // Keep the system near its start so that nothing terminates.
      env.setState(id === "CartPole-v0" ? [0, 0, 0, 0] : [0, 0, 0, 0]);
      last = env.step(1);
      assert.equal(last.truncated, t === 200, `${id} t=${t}`);
    }
    assert.equal(last.terminated, false);
  }
  const a0 = makeEnv("Acrobot-v0", { seed: 1 });
  const a1 = makeEnv("Acrobot-v1", { seed: 1 });
  const o0 = a0.reset();
  a1.reset();
  assert.equal(o0.length, 4);
  const s = a0.state;
  assert.deepEqual(Array.from(o0), Array.from(s).map(Math.fround));
  assert.deepEqual(Array.from(a1.state), Array.from(s));
  const r0 = a0.step(2), r1 = a1.step(2);
  assert.deepEqual(Array.from(a0.state), Array.from(a1.state), "same dynamics");
  assert.equal(r0.obs[2], r1.obs[4]);
  // CartPole-v1 truncates at 500, also together with termination flags as in Gymnasium.
  const c = makeEnv("CartPole-v1");
  c.reset();
  let r = c.step(0);
  for (let t = 2; t <= 500; t++) {
    c.setState([0, 0, 0, 0]);
    r = c.step(t % 2);
  }
  assert.equal(r.truncated, true);
});

test("params and noise change dynamics only when set", () => {
  const acts = Array.from({ length: 100 }, (_, i) => (i * 31) % 2);
  const base = rollout(makeEnv("CartPole-v1", { seed: 2 }), acts);
  assert.deepEqual(rollout(makeEnv("CartPole-v1", { seed: 2, params: {}, forceNoiseStd: 0 }), acts), base);
  assert.deepEqual(rollout(makeEnv("CartPole-v1", { seed: 2, params: { gravity: 9.8, tau: 0.02 } }), acts), base);
  assert.notDeepEqual(rollout(makeEnv("CartPole-v1", { seed: 2, params: { massPole: 0.3 } }), acts), base);
  assert.notDeepEqual(rollout(makeEnv("CartPole-v1", { seed: 2, forceNoiseStd: 1 }), acts), base);
  // noise is seeded: same seed, same noisy run
  assert.deepEqual(rollout(makeEnv("CartPole-v1", { seed: 2, forceNoiseStd: 1 }), acts), rollout(makeEnv("CartPole-v1", { seed: 2, forceNoiseStd: 1 }), acts));
  // the noise stream does not move the reset stream
  assert.deepEqual(Array.from(makeEnv("CartPole-v1", { seed: 2, forceNoiseStd: 1 }).reset()), base[0]);

  const aActs = acts.map((x, i) => (x + i) % 3);
  const abase = rollout(makeEnv("Acrobot-v1", { seed: 2 }), aActs);
  assert.deepEqual(rollout(makeEnv("Acrobot-v1", { seed: 2, torqueNoiseStd: 0, params: {} }), aActs), abase);
  assert.notDeepEqual(rollout(makeEnv("Acrobot-v1", { seed: 2, torqueNoiseStd: 0.5 }), aActs), abase);
  assert.notDeepEqual(rollout(makeEnv("Acrobot-v1", { seed: 2, params: { linkMass2: 1.5 } }), aActs), abase);
  const heavy = makeEnv("CartPole-v1", { params: { massPole: 0.5, length: 1 } });
  assert.equal(heavy.params.massPole, 0.5);
  assert.equal(heavy.params.gravity, 9.8);
});

test("reuseObs: step returns one shared buffer with identical values", () => {
  const a = makeEnv("Acrobot-v1", { seed: 4, reuseObs: true });
  const b = makeEnv("Acrobot-v1", { seed: 4 });
  a.reset();
  b.reset();
  const r1 = a.step(0);
  b.step(0);
  const first = r1.obs;
  for (let t = 0; t < 50; t++) {
    const ra = a.step(t % 3), rb = b.step(t % 3);
    assert.equal(ra.obs, first, "same buffer");
    assert.deepEqual(Array.from(ra.obs), Array.from(rb.obs));
  }
  const c = makeEnv("CartPole-v1");
  c.reset();
  assert.notEqual(c.step(0).obs, c.step(0).obs, "default: fresh arrays");
});

test("makeVecEnv: seeding seed+i, batched obs, auto-reset with finalObs and episode stats", () => {
  const n = 4;
  const vec = makeVecEnv("CartPole-v1", n, { seed: 10 });
  assert.equal(vec.numEnvs, n);
  assert.equal(vec.obsDim, 4);
  assert.equal(vec.nActions, 2);
  assert.equal(vec.envs.length, n);
  assert.throws(() => vec.step([0, 0, 0, 0]), GanrlError);
  const obs0 = vec.reset();
  assert.equal(obs0.length, n * 4);
  // env i behaves exactly like a single env seeded 10 + i
  const singles = Array.from({ length: n }, (_, i) => makeEnv("CartPole-v1", { seed: 10 + i }));
  const sObs = singles.map((e) => e.reset());
  for (let i = 0; i < n; i++) assert.deepEqual(Array.from(obs0.subarray(i * 4, i * 4 + 4)), Array.from(sObs[i]));
  const returns = new Float64Array(n);
  let finished = 0;
  for (let t = 0; t < 400; t++) {
    const acts = Array.from({ length: n }, (_, i) => (t * (i + 3)) % 2);
    const r = vec.step(acts);
    assert.equal(r.obs, obs0, "obs buffer reused");
    for (let i = 0; i < n; i++) {
      const sr = singles[i].step(acts[i]);
      returns[i] += sr.reward;
      assert.equal(r.rewards[i], sr.reward);
      assert.equal(r.terminated[i], sr.terminated ? 1 : 0);
      assert.equal(r.truncated[i], sr.truncated ? 1 : 0);
      assert.deepEqual(Array.from(r.finalObs.subarray(i * 4, i * 4 + 4)), Array.from(sr.obs));
      if (sr.terminated || sr.truncated) {
        finished++;
        assert.equal(r.episodeReturn[i], returns[i]);
        assert.equal(r.episodeLength[i], singles[i].elapsedSteps);
        returns[i] = 0;
        const o = singles[i].reset();
        assert.deepEqual(Array.from(r.obs.subarray(i * 4, i * 4 + 4)), Array.from(o), "obs holds the reset observation");
        assert.equal(vec.envs[i].elapsedSteps, 0);
      } else {
        assert.equal(r.episodeReturn[i], 0);
        assert.equal(r.episodeLength[i], 0);
        assert.deepEqual(Array.from(r.obs.subarray(i * 4, i * 4 + 4)), Array.from(sr.obs));
      }
    }
  }
  assert.ok(finished > 5, `some episodes finished (${finished})`);
  assert.throws(() => vec.step([0, 1]), (e: unknown) => e instanceof GanrlError && /one action per environment/.test(e.message));
  assert.throws(() => vec.step([0, 1, 2, 0]), GanrlError);
  // reset(seed) re-seeds env i with seed + i
  const v2 = makeVecEnv("Acrobot-v1", 3);
  const o = Array.from(v2.reset(7));
  const expect = [7, 8, 9].flatMap((s) => Array.from(makeEnv("Acrobot-v1").reset(s)));
  assert.deepEqual(o, expect);
});

test("Acrobot vec truncation at 500 gives finalObs and episodeLength 500", () => {
  const vec = makeVecEnv("Acrobot-v1", 2, { seed: 1 });
  vec.reset();
  let saw = false;
  for (let t = 1; t <= 500; t++) {
    const r = vec.step([1, 1]); // zero torque: hangs down, never terminates
    if (t === 500) {
      assert.deepEqual(Array.from(r.truncated), [1, 1]);
      assert.deepEqual(Array.from(r.episodeLength), [500, 500]);
      assert.deepEqual(Array.from(r.episodeReturn), [-500, -500]);
      assert.notDeepEqual(Array.from(r.finalObs), Array.from(r.obs));
      saw = true;
    } else assert.equal(r.truncated[0], 0);
  }
  assert.ok(saw);
});

test("render: valid-looking SVG for every env", () => {
  for (const id of ENV_IDS) {
    const env = makeEnv(id);
    env.reset();
    env.step(1);
    const svg = env.render();
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /viewBox="0 0 600 400"/);
    assert.match(svg, /<\/svg>$/);
    assert.ok(!/NaN|undefined/.test(svg));
    const opens = (svg.match(/<g[ >]/g) ?? []).length, closes = (svg.match(/<\/g>/g) ?? []).length;
    assert.equal(opens, closes);
    if (id.startsWith("Acrobot")) assert.match(svg, /goal/);
    if (id.includes("MountainCar")) assert.match(svg, /fill="#cccc00"/, "the flag");
  }
});

test("recordEpisode + animateEpisode: one looping SMIL SVG, 500 frames well under 300 KB", () => {
  for (const id of ["CartPole-v1", "Acrobot-v1"] as const) {
    const env = makeEnv(id, { seed: 0 });
    const ep = recordEpisode(env, (obs) => (id === "CartPole-v1" ? (obs[2] + 0.5 * obs[3] > 0 ? 1 : 0) : 1), 499);
    assert.equal(ep.frames.length, 500);
    const svg = animateEpisode(ep.frames, { fps: 30 });
    assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
    assert.equal((svg.match(/<defs>/g) ?? []).length <= 1, true, "one <defs>");
    assert.equal((svg.match(/repeatCount="indefinite"/g) ?? []).length, 500);
    assert.match(svg, /calcMode="discrete"/);
    assert.ok(svg.length < 300_000, `${id}: ${svg.length} bytes`);
    console.log(`${id}: 500-frame animation ${(svg.length / 1024).toFixed(0)} KB`);
  }
  assert.throws(() => animateEpisode([]), GanrlError);
  assert.throws(() => animateEpisode(["<svg></svg>"], { speed: 2 } as never), GanrlError);
  const plain = animateEpisode(["<svg><rect/></svg>", "<svg><circle/></svg>"]);
  assert.match(plain, /<rect\/>/);
  assert.match(plain, /<circle\/>/);
});
