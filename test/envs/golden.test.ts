/**
 * Replays Gymnasium 1.4.0's golden trajectories (copied into test/golden/ from the project's
 * shared/golden, see its README; GANRL_GOLDEN_DIR points elsewhere).
 * CartPole: free-running from `initial_state`, every float64 state bit-identical.
 * Acrobot, MountainCar-v0, seals/CartPole-v0 and seals/MountainCar-v0: one step at a time from
 * the recorded previous state (glibc's and NumPy's sin/cos may differ from V8's in the last bit),
 * state within 1e-12 relative; obs, reward and flags exact. For the last three the test also
 * prints how many episodes replay bit for bit free-running.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { makeEnv, getEnvSpec, ClassicControlEnv, SealsMountainCarEnv } from "../../lib/envs";
import type { GoldenEpisode, GoldenFile, GoldenStep } from "./golden-format";

const GOLDEN_DIR = process.env.GANRL_GOLDEN_DIR ?? path.resolve(__dirname, "..", "golden");

type Episode = GoldenEpisode;
type Golden = GoldenFile;
type Step = GoldenStep;

function load(name: string): Golden {
  // The golden files ship with the tests: a missing file is a failure, not a skip.
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, name), "utf8")) as Golden;
}

/** Runs `fn` with console.warn captured; returns the number of warnings. */
function countWarnings(fn: () => void): number {
  const orig = console.warn;
  let n = 0;
  console.warn = () => {
    n++;
  };
  try {
    fn();
  } finally {
    console.warn = orig;
  }
  return n;
}

function startFrom(env: ClassicControlEnv, ep: Episode): void {
  env.reset(0);
  env.setState(ep.initial_state);
  assert.deepEqual(Array.from(env.observe()), ep.initial_obs, `${ep.id}: initial obs`);
}

const cartpole = load("cartpole-v1.json");
const acrobot = load("acrobot-v1.json");

test("golden CartPole-v1: every episode bit-identical, free-running from initial_state", () => {
  const g = cartpole;
  assert.equal(g.env_id, "CartPole-v1");
  let steps = 0;
  for (const ep of g.episodes) {
    const env = makeEnv("CartPole-v1");
    assert.equal(env.maxEpisodeSteps, g.max_episode_steps);
    startFrom(env, ep);
    let total = 0;
    const warnings = countWarnings(() => {
      for (const st of ep.steps) {
        const r = env.step(st.action);
        const s = env.state;
        for (let i = 0; i < 4; i++) {
          assert.ok(s[i] === st.state[i], `${ep.id} t=${st.t}: state[${i}] ${s[i]} !== ${st.state[i]}`);
        }
        total += checkStepOutputs(env, r, st, ep);
        steps++;
      }
    });
    assert.equal(total, ep.total_reward, `${ep.id}: total reward`);
    assert.equal(warnings, ep.steps_after_done > 0 ? 1 : 0, `${ep.id}: warns once when stepping after done`);
  }
  console.log(`CartPole-v1: ${steps} golden steps, all bit-identical`);
});

/** Observation, reward, flags and step counter of one recorded step (exact); returns the reward counted in the episode's total. */
function checkStepOutputs(
  env: { elapsedSteps: number },
  r: { obs: ArrayLike<number>; reward: number; terminated: boolean; truncated: boolean },
  st: { t: number; obs: number[]; reward: number; terminated: boolean; truncated: boolean },
  ep: { id: string; first_done_step: number },
): number {
  assert.deepEqual(Array.from(r.obs), st.obs, `${ep.id} t=${st.t}: obs`);
  assert.equal(r.reward, st.reward, `${ep.id} t=${st.t}: reward`);
  assert.equal(r.terminated, st.terminated, `${ep.id} t=${st.t}: terminated`);
  assert.equal(r.truncated, st.truncated, `${ep.id} t=${st.t}: truncated`);
  assert.equal(env.elapsedSteps, st.t);
  return st.t <= ep.first_done_step ? r.reward : 0;
}

/** What a one-step-at-a-time replay found. */
interface PerStepReport {
  steps: number;
  bitIdentical: number;
  worst: number;
}

/**
 * Replays every step of `g` from the recorded previous state (`initial_state` for t = 1): the
 * state within 1e-12 relative, obs, reward, flags and the step counter exact, and each episode's
 * total reward. `beforeStep` may set what the state does not hold (seals' absorbing flag).
 */
function replayPerStep(g: Golden, beforeStep?: (env: ClassicControlEnv, ep: Episode, st: Step) => void): PerStepReport {
  let steps = 0, bitIdentical = 0, worst = 0;
  for (const ep of g.episodes) {
    const env = makeEnv(g.env_id);
    assert.equal(env.maxEpisodeSteps, g.max_episode_steps);
    startFrom(env, ep);
    let prev = ep.initial_state;
    let total = 0;
    countWarnings(() => {
      for (const st of ep.steps) {
        // setState keeps the elapsed-step counter, so truncation is checked too.
        env.setState(prev);
        beforeStep?.(env, ep, st);
        const r = env.step(st.action);
        const s = env.state;
        let exact = true;
        for (let i = 0; i < s.length; i++) {
          const a = s[i], b = st.state[i];
          const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
          worst = Math.max(worst, err);
          assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${ep.id} t=${st.t}: state[${i}] ${a} vs ${b}`);
          if (a !== b) exact = false;
        }
        if (exact) bitIdentical++;
        total += checkStepOutputs(env, r, st, ep);
        prev = st.state;
        steps++;
      }
    });
    assert.equal(total, ep.total_reward, `${ep.id}: total reward`);
  }
  return { steps, bitIdentical, worst };
}

/** Episodes of `g` whose free-running replay from `initial_state` gives every state bit for bit. */
function freeRunningExact(g: Golden): number {
  let exact = 0;
  for (const ep of g.episodes) {
    const env = makeEnv(g.env_id);
    startFrom(env, ep);
    let same = true;
    countWarnings(() => {
      for (const st of ep.steps) {
        env.step(st.action);
        const s = env.state;
        for (let i = 0; i < s.length; i++) if (s[i] !== st.state[i]) same = false;
      }
    });
    if (same) exact++;
  }
  return exact;
}

function reportPerStep(name: string, r: PerStepReport, why: string): void {
  console.log(
    `${name}: ${r.steps} golden steps within 1e-12 (worst relative error ${r.worst.toExponential(2)}); ` +
      `${r.bitIdentical}/${r.steps} bit-identical (${why})`,
  );
}

test("golden Acrobot-v1: each step from the recorded previous state, 1e-12 relative; obs/reward/flags exact", () => {
  assert.equal(acrobot.env_id, "Acrobot-v1");
  reportPerStep("Acrobot-v1", replayPerStep(acrobot), "the rest differ by V8 vs glibc/NumPy sin/cos last-bit rounding");
});

const SIN_COS = "V8's Math.cos/Math.sin vs glibc's last bit";

test("golden MountainCar-v0: each step from the recorded previous state, 1e-12 relative; obs/reward/flags exact", () => {
  const g = load("mountaincar-v0.json");
  assert.equal(g.env_id, "MountainCar-v0");
  reportPerStep("MountainCar-v0", replayPerStep(g), SIN_COS);
  console.log(`MountainCar-v0: ${freeRunningExact(g)}/${g.episodes.length} episodes bit-exact free-running from initial_state`);
});

test("golden seals/CartPole-v0: each step from the recorded previous state (θ wrapped), never terminated, 500 steps", () => {
  const g = load("seals-cartpole-v0.json");
  assert.equal(g.env_id, "seals/CartPole-v0");
  for (const ep of g.episodes) assert.equal(ep.first_done_step, 500, `${ep.id}: a seals episode lasts 500 steps`);
  reportPerStep("seals/CartPole-v0", replayPerStep(g), SIN_COS);
  console.log(`seals/CartPole-v0: ${freeRunningExact(g)}/${g.episodes.length} episodes bit-exact free-running from initial_state`);
});

test("golden seals/MountainCar-v0: each step from the recorded state and absorbing flag; frozen after the goal", () => {
  const g = load("seals-mountaincar-v0.json");
  assert.equal(g.env_id, "seals/MountainCar-v0");
  const goal = getEnvSpec("MountainCar-v0");
  // seals' flag: set once an earlier step of the episode reached the goal or t ≥ 200 (the inner limit).
  let absorbing = false;
  const r = replayPerStep(g, (env, ep, st) => {
    if (st.t === 1) absorbing = false;
    else {
      const prev = ep.steps[st.t - 2];
      absorbing = absorbing || goal.terminated(prev.state, 0) || prev.t >= 200;
    }
    assert.ok(env instanceof SealsMountainCarEnv);
    assert.equal(env.absorbing, absorbing, `${ep.id} t=${st.t}: the env's own absorbing flag`);
    env.setAbsorbing(absorbing);
  });
  reportPerStep("seals/MountainCar-v0", r, SIN_COS);
  console.log(`seals/MountainCar-v0: ${freeRunningExact(g)}/${g.episodes.length} episodes bit-exact free-running from initial_state`);
});

test("golden Acrobot-v1: free-running replay stays within 1e-9 for the first 20 steps of every episode", () => {
  // Chaotic dynamics amplify last-bit differences, so only a short free run is compared.
  for (const ep of acrobot.episodes) {
    const env = makeEnv("Acrobot-v1");
    startFrom(env, ep);
    countWarnings(() => {
      for (const st of ep.steps.slice(0, 20)) {
        env.step(st.action);
        const s = env.state;
        for (let i = 0; i < 4; i++) assert.ok(Math.abs(s[i] - st.state[i]) <= 1e-9 * Math.max(1, Math.abs(st.state[i])), `${ep.id} t=${st.t}`);
      }
    });
  }
});

test("the shipped golden files equal the project's shared/golden copies where those exist", () => {
  const shared = path.resolve(__dirname, "..", "..", "..", "shared", "golden");
  if (!fs.existsSync(shared)) return; // a clone without the project's shared folder beside it
  for (const name of ["cartpole-v1.json", "acrobot-v1.json", "mountaincar-v0.json", "seals-cartpole-v0.json", "seals-mountaincar-v0.json"]) {
    assert.equal(fs.readFileSync(path.join(GOLDEN_DIR, name), "utf8"), fs.readFileSync(path.join(shared, name), "utf8"), name);
  }
});
