import * as fs from "fs";
import * as path from "path";
/**
 * The environment registry (`lib/envs/specs.ts`): every spec agrees with its environment (sizes,
 * names, limits, observation and termination rules along random roll-outs), its reference returns
 * re-measure to the stored figures, unknown ids and missing features raise a GanrlError naming the
 * task, and the new tasks' rules (MountainCar's walls and goal, seals' fixed horizon and
 * absorbing state) hold where the golden files do not reach.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { GanrlError, Rng, repoRoot } from "../../lib/core";
import {
  ENV_IDS,
  SealsMountainCarEnv,
  controllerRule,
  envSpecs,
  episodeStats,
  getEnvSpec,
  makeEnv,
  makeVecEnv,
  randomRule,
  specFeature,
} from "../../lib/envs";
import { worldSpec } from "../../lib/worldmodel/spec";
import { shapingTerm } from "../../lib/worldmodel/mpc";
import { aliveReward } from "../../lib/irl/evaluate";

const isGanrlError = (pattern: RegExp) => (e: unknown) => e instanceof GanrlError && pattern.test(e.message);

test("getEnvSpec: one spec per id, an unknown id lists the valid ones", () => {
  assert.deepEqual(envSpecs().map((s) => s.id), [...ENV_IDS]);
  for (const id of ENV_IDS) assert.equal(getEnvSpec(id).id, id);
  assert.throws(() => getEnvSpec("MountainCar-v1"), isGanrlError(/unknown environment id "MountainCar-v1"; valid ids: CartPole-v1, .*seals\/MountainCar-v0/));
  assert.throws(() => getEnvSpec(undefined), isGanrlError(/valid ids/));
  assert.throws(() => getEnvSpec("toString"), isGanrlError(/valid ids/));
});

test("every spec agrees with its environment along random roll-outs (obs, termination, horizon)", () => {
  for (const spec of envSpecs()) {
    const env = makeEnv(spec.id, { seed: 3 });
    assert.equal(env.obsDim, spec.obsDim, spec.id);
    assert.equal(env.actionSpace.n, spec.nActions, spec.id);
    assert.equal(spec.actionNames.length, spec.nActions, spec.id);
    assert.equal(spec.observationNames.length, spec.obsDim, spec.id);
    assert.equal(env.maxEpisodeSteps, spec.maxEpisodeSteps, spec.id);
    assert.deepEqual(env.stateNames(), [...spec.stateNames], spec.id);
    assert.equal(env.state.length, spec.stateDim, spec.id);
    const rng = new Rng(7);
    const obs = new Float32Array(spec.obsDim);
    let episodes = 0, terminations = 0;
    while (episodes < 20) {
      env.reset();
      for (;;) {
        const r = env.step(rng.int(spec.nActions));
        spec.observe(env.state, 0, obs, 0);
        assert.deepEqual(Array.from(obs), Array.from(r.obs), `${spec.id}: observe(state)`);
        if (!spec.fixedHorizon) assert.equal(spec.terminated(env.state, 0), r.terminated, `${spec.id}: terminated(state)`);
        if (r.terminated) terminations++;
        if (r.terminated || r.truncated) {
          if (spec.fixedHorizon) assert.equal(env.elapsedSteps, spec.maxEpisodeSteps, `${spec.id}: a fixed-horizon episode lasts its limit`);
          break;
        }
      }
      episodes++;
    }
    if (spec.fixedHorizon) assert.equal(terminations, 0, spec.id);
    const svg = spec.render(env.state, 7);
    assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
    assert.match(svg, new RegExp(`${spec.id.replace("/", "\\/")} t=7`));
  }
});

test("reference returns re-measure to the stored figures (random 1000 episodes, controller 100)", () => {
  for (const spec of envSpecs()) {
    const r = episodeStats(spec.id, randomRule(spec.id), spec.reference.random.episodes, 0);
    const c = episodeStats(spec.id, controllerRule(spec.id), spec.reference.controller.episodes, 0);
    for (const [what, got, ref] of [["random", r, spec.reference.random], ["controller", c, spec.reference.controller]] as const) {
      assert.ok(Math.abs(got.mean - ref.mean) <= 5e-5 + 1e-12 && Math.abs(got.std - ref.std) <= 5e-5 + 1e-12, `${spec.id} ${what}: measured ${got.mean} ± ${got.std}, stored ${ref.mean} ± ${ref.std}`);
    }
    // a shipped expert has its measured reference; a task without one yet says NaN
    const shipped = fs.existsSync(path.join(repoRoot, "data", "experts", `${spec.id}.json`));
    assert.equal(Number.isFinite(spec.reference.expert.mean), shipped, `${spec.id}: expert reference vs shipped expert`);
  }
});

test("features a task lacks raise a GanrlError naming the task", () => {
  assert.throws(() => aliveReward("seals/CartPole-v0"), isGanrlError(/not defined for seals\/CartPole-v0: its reward is not a constant/));
  assert.equal(aliveReward("MountainCar-v0"), -1);
  assert.throws(() => worldSpec("seals/MountainCar-v0"), isGanrlError(/world model is not defined for seals\/MountainCar-v0: its absorbing flag/));
  const mc = worldSpec("MountainCar-v0");
  assert.throws(() => mc.makeEnv({ noiseStd: 0.1 }, 0), isGanrlError(/stochastic variant .* not defined for MountainCar-v0/));
  assert.equal(mc.reward(true), -1);
  assert.throws(() => shapingTerm(mc, [0, 0], 0), isGanrlError(/MPC shaping is not defined for MountainCar-v0: no hand-written shaping/));
  assert.ok(Number.isFinite(shapingTerm(worldSpec("CartPole-v1"), [0.1, 0, 0.05, 0], 0)));
  assert.throws(() => specFeature(getEnvSpec("seals/CartPole-v0"), "stepRewards", "a test"), isGanrlError(/a test is not defined for seals\/CartPole-v0/));
});

/** One step of `id` from `state` with `action`. */
function stepFrom(id: string, state: number[], action: number) {
  const env = makeEnv(id);
  env.reset(0);
  env.setState(state);
  const r = env.step(action);
  return { ...r, obs: Array.from(r.obs), state: Array.from(env.state) };
}

test("MountainCar-v0 rules: left wall, speed and position clips, inclusive goal", () => {
  // from exactly −1.2 pushing left: the position stays clipped and the velocity is reset to 0
  const wall = stepFrom("MountainCar-v0", [-1.2, -0.01], 0);
  assert.deepEqual(wall.state, [-1.2, 0]);
  assert.equal(wall.reward, -1);
  // the speed limit ±0.07 is applied before the position update
  assert.equal(stepFrom("MountainCar-v0", [-0.5, 0.07], 2).state[1], 0.07);
  assert.equal(stepFrom("MountainCar-v0", [-0.5, -0.07], 0).state[1], -0.07);
  // the right edge 0.6 clips the position only; the velocity is kept
  const edge = stepFrom("MountainCar-v0", [0.58, 0.05], 2);
  assert.equal(edge.state[0], 0.6);
  assert.ok(edge.state[1] > 0 && edge.terminated);
  // past the flag moving left: not terminal; the goal is x ≥ 0.5 and v ≥ 0, both inclusive
  assert.equal(stepFrom("MountainCar-v0", [0.56, -0.02], 1).terminated, false);
  const goal = getEnvSpec("MountainCar-v0");
  assert.equal(goal.terminated([0.5, 0], 0), true);
  assert.equal(goal.terminated([0.49999999999999994, 0], 0), false);
  assert.equal(goal.terminated([0.5, -1e-300], 0), false);
  // after termination the physics simply continue (reward −1)
  const env = makeEnv("MountainCar-v0");
  env.reset(0);
  env.setState([0.55, 0.03]);
  assert.equal(env.step(2).terminated, true);
  const warn = console.warn;
  console.warn = () => {};
  try {
    const again = env.step(2);
    assert.equal(again.reward, -1);
    assert.ok(env.state[0] > 0.55);
  } finally {
    console.warn = warn;
  }
});

test("seals/MountainCar-v0: the goal step pays −1, later steps freeze the state and pay 0; always 200 steps", () => {
  const env = makeEnv("seals/MountainCar-v0");
  assert.ok(env instanceof SealsMountainCarEnv);
  env.reset(0);
  env.setState([0.48, 0.015]);
  const first = env.step(2);
  assert.equal(first.reward, -1);
  assert.equal(first.terminated, false);
  assert.equal(env.absorbing, false);
  const goal = env.step(2);
  assert.equal(goal.reward, -1);
  assert.equal(env.absorbing, true, "the goal step sets the flag");
  const frozen = Array.from(env.state);
  for (const a of [0, 1, 2, 0]) {
    const r = env.step(a);
    assert.equal(r.reward, 0);
    assert.equal(r.terminated, false);
    assert.deepEqual(Array.from(env.state), frozen);
    assert.deepEqual(Array.from(r.obs), Array.from(goal.obs));
  }
  env.reset(1);
  assert.equal(env.absorbing, false, "reset clears the flag");
  // the vectorised form: every episode 200 steps, return −(goal step) from the controller
  const vec = makeVecEnv("seals/MountainCar-v0", 2, { seed: 4 });
  let obs = vec.reset();
  const rule = getEnvSpec("seals/MountainCar-v0").controller;
  let finished = 0;
  for (let t = 1; t <= 400; t++) {
    const r = vec.step([rule(obs, 0), rule(obs, 2)]);
    for (let i = 0; i < 2; i++) {
      assert.equal(r.terminated[i], 0);
      assert.equal(r.truncated[i], t % 200 === 0 ? 1 : 0);
      if (r.truncated[i]) {
        finished++;
        assert.equal(r.episodeLength[i], 200);
        assert.ok(r.episodeReturn[i] > -200 && r.episodeReturn[i] < -80, `return ${r.episodeReturn[i]}`);
        // finalObs is the frozen goal observation, obs the next episode's first
        assert.ok(r.finalObs[2 * i] >= 0.5);
        assert.ok(r.obs[2 * i] < -0.39);
      }
    }
    obs = r.obs;
  }
  assert.equal(finished, 4);
});

test("seals/CartPole-v0: θ wrapped with floor modulo, reward only inside the bounds, never terminated", () => {
  // swinging through +π wraps to −π..: floor modulo keeps the sign of 2π
  const over = stepFrom("seals/CartPole-v0", [0, 0, 3.14, 2], 1);
  assert.ok(over.state[2] < -3, `θ ${over.state[2]}`);
  assert.equal(over.reward, 0);
  assert.equal(over.terminated, false);
  const under = stepFrom("seals/CartPole-v0", [0, 0, -3.14, -2], 0);
  assert.ok(under.state[2] > 3, `θ ${under.state[2]}`);
  // at exactly x = 2.4 seals pays 0 (strict), where CartPole-v1 neither terminates nor stops paying
  assert.equal(stepFrom("seals/CartPole-v0", [2.4, 0, 0, 0], 1).reward, 0);
  assert.equal(stepFrom("CartPole-v1", [2.4, 0, 0, 0], 1).reward, 1);
  assert.deepEqual(Array.from(makeEnv("seals/CartPole-v0").observationSpace.high), [3.4028234663852886e38, 3.4028234663852886e38, Math.fround(Math.PI), 3.4028234663852886e38]);
  // a random policy's episodes all last 500 steps
  const r = episodeStats("seals/CartPole-v0", randomRule("seals/CartPole-v0"), 20, 0);
  assert.deepEqual(r.lengths, new Array(20).fill(500));
  assert.equal(r.terminated, 0);
});
