/** lib/irl: AIRL's discriminator identity, shaping, tabular recovery, GCL's log Z, EPIC, errors, leaks. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { tf, initBackend, GanrlError, Rng } from "../../lib/core";
import { gridworld, maxEntIrl, occupancyMeasure, l1Distance, randomPolicy, sampleTrajectories } from "../../lib/tabular";
import { handCodedExpert, recordDemos, DemoSet } from "../../lib/imitation";
import { RewardInput } from "../../lib/rl";
import {
  AIRL,
  shapedReward,
  pathShaping,
  tabularAirl,
  residualUpToConstant,
  stateRewardTable,
  softExpert,
  logPartitionIS,
  notesLogPartition,
  selfNormalisedWeights,
  maxEntIsLoss,
  trajectoryLogPartition,
  pearson,
  spearman,
  epicDistance,
  epicCanonical,
  RewardModel,
  TransitionSet,
  collectTransitions,
  rewardOnTransitions,
  trueRewardModel,
  airlRewardModel,
  rewardFnOf,
  checkRewardInput,
  withAbsorbingFloor,
} from "../../lib/irl";
import { addEntropyBonus } from "../../lib/rl";
import { toDiscBatch, withAbsorbingRows } from "../../lib/imitation";

const toDiscBatchOf = (i: RewardInput) => toDiscBatch(withAbsorbingRows(i));

let demos: DemoSet;
before(async () => {
  await initBackend({ quiet: true });
  demos = recordDemos(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 1, seed: 5 });
});

const tiny = { numEnvs: 2, nSteps: 32, batchSize: 64, nEpochs: 1, hidden: [8] };
const makeAirl = (extra: Record<string, unknown> = {}) =>
  new AIRL({ envId: "CartPole-v1", demos, generator: "ppo", generatorOptions: tiny, discBatchSize: 32, discSteps: 2, rewardHidden: [8], potentialHidden: [8], seed: 3, ...extra });

/** Sets an MLP to output the constant `c` (all weights 0, last bias c). */
function constantNet(params: tf.Variable[], c: number[]): void {
  tf.tidy(() => params.forEach((p, i) => p.assign(i === params.length - 1 ? tf.tensor1d(c) : tf.zerosLike(p))));
}

function inputOf(obs: number[][], actions: number[], nextObs: number[][], terminated: number[]): RewardInput {
  const n = actions.length;
  return { n, obsDim: 4, obs: Float32Array.from(obs.flat()), actions: Int32Array.from(actions), nextObs: Float32Array.from(nextObs.flat()), terminated: Uint8Array.from(terminated), truncated: new Uint8Array(n), envRewards: new Float32Array(n) };
}

test("discriminator identity: logit = f − log π(a|s) and D = e^f/(e^f + π) on hand-worked values", () => {
  const airl = makeAirl();
  try {
    const gamma = airl.shapingGamma;
    assert.equal(gamma, 0.99);
    constantNet(airl.net.g.params, [0.5]); // g ≡ 0.5
    constantNet(airl.net.h!.params, [2]); // h ≡ 2
    constantNet(airl.policy.net.params, [Math.log(0.25), Math.log(0.75)]); // π = (0.25, 0.75)
    const s = [0.01, 0, 0.02, 0];
    const input = inputOf([s, s, s], [0, 1, 1], [s, s, s], [0, 0, 1]);
    const parts = airl.rewardParts(input);
    // f = g + γ h(s') − h(s): 0.5 + 0.99·2 − 2 = 0.48; at a terminal s' h(s') = 0: 0.5 − 2 = −1.5
    const f = [0.5 + gamma * 2 - 2, 0.5 + gamma * 2 - 2, 0.5 - 2];
    parts.f.forEach((v, i) => assert.ok(Math.abs(v - f[i]) < 1e-5, `f[${i}] = ${v}, expected ${f[i]}`));
    const rows = { n: 3, obsDim: 4, obs: input.obs, actions: input.actions, nextObs: input.nextObs, terminated: input.terminated, absorbing: new Uint8Array(3), weight: new Float32Array(3).fill(1) };
    const logits = airl.logitsOf(rows);
    const pi = [0.25, 0.75, 0.75];
    logits.forEach((l, i) => {
      assert.ok(Math.abs(l - (f[i] - Math.log(pi[i]))) < 1e-5, `logit[${i}] = ${l}, expected f − log π = ${f[i] - Math.log(pi[i])}`);
      const D = 1 / (1 + Math.exp(-l));
      const want = Math.exp(f[i]) / (Math.exp(f[i]) + pi[i]);
      assert.ok(Math.abs(D - want) < 1e-6, `D[${i}] = ${D}, expected ${want}`);
    });
    // the test reward is g (default) or f; the absorbing state's reward is g(s_a)
    assert.deepEqual(Array.from(airl.rewardTest(input)).map((x) => +x.toFixed(5)), [0.5, 0.5, 0.5]);
    assert.ok(Math.abs(airl.absorbingReward() - 0.5) < 1e-6);
    // the state-action form has no shaping: f = g(s, a)
    const sa = makeAirl({ rewardType: "state-action", testReward: "f" });
    constantNet(sa.net.g.params, [-1]);
    assert.deepEqual(Array.from(sa.rewardTest(input)), [-1, -1, -1]);
    sa.dispose();
  } finally {
    airl.dispose();
  }
});

test("shaping: Σ over a closed loop with γ = 1 is 0; with γ < 1 it telescopes to γ^T h_T − h_0; terminal h is 0", () => {
  const rng = new Rng(1);
  const loop = Array.from({ length: 7 }, () => rng.normal());
  loop.push(loop[0]); // back to the start
  assert.ok(Math.abs(pathShaping(loop, 1)) < 1e-12);
  const path = Array.from({ length: 11 }, () => rng.normal());
  const gamma = 0.9;
  const T = path.length - 1;
  assert.ok(Math.abs(pathShaping(path, gamma) - (gamma ** T * path[T] - path[0])) < 1e-12);
  assert.ok(Math.abs(pathShaping(path, gamma, true) - -path[0]) < 1e-12, "an episode that ends: −h(s_0)");
  // per-transition form agrees with the path form
  const g = new Array(T).fill(0);
  const done = Array.from({ length: T }, (_, t) => (t === T - 1 ? 1 : 0));
  const f = shapedReward(g, path.slice(0, T), path.slice(1), done, gamma);
  let disc = 0;
  f.forEach((x, t) => (disc += gamma ** t * x));
  assert.ok(Math.abs(disc - -path[0]) < 1e-5);
  assert.throws(() => shapedReward([1], [1, 2], [1], [0], 0.9), GanrlError);
  assert.throws(() => pathShaping([], 0.9), GanrlError);
});

test("tabular: max-causal-entropy IRL matches the expert's occupancy measure", () => {
  const mdp = gridworld({ width: 3, height: 2, slip: 0.1 });
  const gamma = 0.8;
  const rng = new Rng(7);
  const r = stateRewardTable(Array.from({ length: 6 }, () => rng.normal()), 5);
  const piE = softExpert(mdp, gamma, r).pi;
  const rhoE = occupancyMeasure(mdp, piE, gamma);
  const res = maxEntIrl({ mdp, gamma, rhoE, lr: 1, iters: 1500, tol: 1e-7 });
  // ρ sums to 1/(1 − γ) = 5
  assert.ok(l1Distance(res.rho, rhoE) < 1e-3, `‖ρ − ρ_E‖₁ = ${l1Distance(res.rho, rhoE)}`);
});

test("tabular AIRL: state-only g recovers r up to a constant (deterministic dynamics); state-action f does not", () => {
  const mdp = gridworld({ width: 4, height: 4 });
  const gamma = 0.9;
  const rng = new Rng(3);
  const r = Array.from({ length: 16 }, () => rng.normal());
  const R = stateRewardTable(r, 5);
  const ex = softExpert(mdp, gamma, R);
  const so = tabularAirl({ mdp, gamma, expertPolicy: ex.pi, rewardType: "state-only" });
  assert.ok(so.policyGap.at(-1)! < 1e-3, `policy gap ${so.policyGap.at(-1)}`);
  const gr = residualUpToConstant(so.g, r);
  assert.ok(gr.rms < 0.01 * gr.stdY, `g − r − c has RMS ${gr.rms} (spread of r ${gr.stdY})`);
  const hv = residualUpToConstant(so.h, ex.V);
  assert.ok(hv.rms < 0.01 * hv.stdY, `h − V* − c has RMS ${hv.rms}`);
  // the full f is NOT r + c: the shaping term absorbs the difference (f = r + γV(s') − V(s) + c)
  const fr = residualUpToConstant(so.fBar.flat(), R.flat());
  assert.ok(fr.rms > 0.3 * fr.stdY, `f̄ − r should not be constant (RMS ${fr.rms})`);
  const sa = tabularAirl({ mdp, gamma, expertPolicy: ex.pi, rewardType: "state-action" });
  const gsa = residualUpToConstant(sa.g, R.flat());
  assert.ok(gsa.rms > 0.3 * gsa.stdY, `state-action g − r should not be constant (RMS ${gsa.rms})`);
  const lpe = residualUpToConstant(sa.g, ex.pi.flat().map(Math.log));
  assert.ok(lpe.rms < 0.05 * lpe.stdY, `state-action g recovers log π_E = A*: RMS ${lpe.rms}`);
  assert.throws(() => tabularAirl({ mdp, gamma: 1, expertPolicy: ex.pi }), GanrlError);
});

test("GCL: the importance-weighted log Ẑ (with −log N) estimates log Z; the notes' logsumexp does not", () => {
  const mdp = gridworld({ width: 3, height: 2, slip: 0.2 });
  const rng = new Rng(11);
  const reward = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => 0.5 * rng.normal()));
  const T = 4;
  const exact = trajectoryLogPartition(mdp, reward, T);
  const q = randomPolicy(6, 5, 2, 0.5);
  const trajs = sampleTrajectories(mdp, q, T, 20000, new Rng(4));
  const R = trajs.map((t) => t.states.reduce((u, s, k) => u + reward[s][t.actions[k]], 0));
  const logQ = trajs.map((t) => t.states.reduce((u, s, k) => u + Math.log(q[s][t.actions[k]]), 0));
  const est = logPartitionIS(R, logQ);
  assert.ok(Math.abs(est - exact) < 0.05, `log Ẑ = ${est}, exact log Z = ${exact}`);
  const notes = notesLogPartition(R);
  assert.ok(Math.abs(notes - exact) > 3, `the notes' estimate ${notes} should be far from ${exact}`);
  // the loss's gradient in the sample returns is the self-normalised weights
  const w = selfNormalisedWeights(R.slice(0, 5), logQ.slice(0, 5));
  const g = tf.tidy(() => {
    const sR = tf.tensor1d(R.slice(0, 5));
    const grad = tf.grad((x: tf.Tensor) => maxEntIsLoss(tf.tensor1d([1, 2]), x as tf.Tensor1D, tf.tensor1d(logQ.slice(0, 5))))(sR);
    return Array.from(grad.dataSync());
  });
  g.forEach((v, j) => assert.ok(Math.abs(v - w[j]) < 1e-5, `∂L/∂R_${j} = ${v}, w_${j} = ${w[j]}`));
  assert.throws(() => logPartitionIS([1, 2], [0]), GanrlError);
  assert.throws(() => logPartitionIS([], []), GanrlError);
});

test("correlations: Pearson, NaN when constant, Spearman on ranks", () => {
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.ok(Math.abs(spearman([1, 5, 9, 10], [0, 1, 100, 1000]) - 1) < 1e-12);
});

/** u(s, a) = an independent pseudo-random number in [0, 1) per (s, a, absorbing), hashed from the float32 bits. */
function hashedReward(name: string, seed: number): RewardModel {
  const mix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  return {
    name,
    potential: null,
    u: (obs, actions, absorbing, n) => {
      const d = obs.length / n;
      const bits = new Uint32Array(Float32Array.from(obs).buffer);
      return Float32Array.from({ length: n }, (_, i) => {
        let h = mix(seed + 0x9e3779b9);
        if (!absorbing[i]) for (let k = 0; k < d; k++) h = mix(h ^ bits[i * d + k]);
        h = mix(h ^ (absorbing[i] ? 0x5bd1e995 : actions[i] + 1));
        return (h >>> 0) / 2 ** 32;
      });
    },
  };
}

/** C(R) straight from the definition: R(x, a, y) = u(x, a) + γφ(y) − φ(x) summed over every action and every pair of states of D_S. */
function canonicalByDefinition(model: RewardModel, t: TransitionSet, nA: number, gamma: number): Float64Array {
  const d = t.obsDim;
  type State = { obs: Float32Array; abs: number };
  const states: State[] = Array.from({ length: t.n }, (_, i) => ({ obs: t.obs.slice(i * d, (i + 1) * d), abs: t.absorbing[i] }));
  const nexts: State[] = Array.from({ length: t.n }, (_, i) => ({ obs: t.nextObs.slice(i * d, (i + 1) * d), abs: t.terminated[i] || t.absorbing[i] ? 1 : 0 }));
  const phi = (x: State) => (model.potential ? model.potential(x.obs, Uint8Array.of(x.abs), 1)[0] : 0);
  const R = (x: State, a: number, y: State) => model.u(x.obs, Int32Array.of(a), Uint8Array.of(x.abs), 1)[0] + gamma * phi(y) - phi(x);
  const meanFrom = (x: State) => {
    let s = 0;
    for (let a = 0; a < nA; a++) for (const y of states) s += R(x, a, y);
    return s / (nA * states.length);
  };
  let all = 0;
  for (const x of states) all += meanFrom(x);
  all /= states.length;
  return Float64Array.from({ length: t.n }, (_, i) => R(states[i], t.actions[i], nexts[i]) + gamma * meanFrom(nexts[i]) - meanFrom(states[i]) - gamma * all);
}

test("EPIC canonicalises the shaped reward itself: shaped ≈ 0, sign-flipped = 1, unrelated ≈ √½, and C(R) matches its definition", () => {
  const t = collectTransitions(null, "CartPole-v1", { episodes: 40, seed: 1 });
  assert.ok(t.absorbing.some((x) => x === 1) && t.n > 500, `${t.n} rows`);
  const u = (obs: Float32Array, actions: Int32Array, absorbing: Uint8Array, n: number) => Float32Array.from({ length: n }, (_, i) => (absorbing[i] ? -3 : obs[4 * i + 2] * 10 + actions[i]));
  const potential = (obs: Float32Array, absorbing: Uint8Array, n: number) => Float32Array.from({ length: n }, (_, i) => (absorbing[i] ? 0 : Math.sin(7 * obs[4 * i]) + 3 * obs[4 * i + 1] ** 2));
  const g: RewardModel = { name: "g", u, potential: null };
  const f: RewardModel = { name: "f = g + shaping", u, potential };
  const rf = rewardOnTransitions(f, t, 0.99), rg = rewardOnTransitions(g, t, 0.99);
  assert.ok(pearson(rf, rg) < 0.95, `the rewards themselves differ (ρ = ${pearson(rf, rg)})`);
  // shaping: the potential must cancel inside the canonicalisation
  const dFG = epicDistance(f, g, t, 2, 0.99);
  assert.ok(dFG < 1e-4, `EPIC(f, g) = ${dFG} (f = g + shaping)`);
  const tru = trueRewardModel("CartPole-v1");
  const dG = epicDistance(g, tru, t, 2, 0.99), dF = epicDistance(f, tru, t, 2, 0.99);
  assert.ok(dG > 0.05 && Math.abs(dF - dG) < 1e-5, `EPIC to the true reward: g ${dG}, f ${dF}`);
  // positive affine maps are invisible, a sign flip (even under shaping) is the maximum distance 1
  const scaled: RewardModel = { name: "2g+5", u: (o, a, ab, n) => u(o, a, ab, n).map((x) => 2 * x + 5), potential: null };
  assert.ok(epicDistance(scaled, g, t, 2, 0.99) < 1e-4);
  const flipped: RewardModel = { name: "−g + shaping", u: (o, a, ab, n) => u(o, a, ab, n).map((x) => -x), potential };
  const dFlip = epicDistance(flipped, g, t, 2, 0.99);
  assert.ok(Math.abs(dFlip - 1) < 1e-4, `EPIC(−g + shaping, g) = ${dFlip}`);
  // unrelated rewards: ρ ≈ 0 ± 1/√n, EPIC ≈ √½ = 0.7071, on expert rollouts (2000 rows; no absorbing
  // rows, where a random reward's one value u(s_a) would weigh like a common feature)
  const ex = collectTransitions(handCodedExpert("CartPole-v1"), "CartPole-v1", { episodes: 4, seed: 2 });
  assert.ok(ex.n === 2000 && ex.absorbing.every((x) => x === 0));
  const r1 = hashedReward("random 1", 1), r2 = hashedReward("random 2", 2);
  for (const [a, b] of [[r1, r2], [r1, g], [r2, f]]) {
    const dR = epicDistance(a, b, ex, 2, 0.99);
    assert.ok(Math.abs(dR - Math.SQRT1_2) < 0.05, `EPIC(${a.name}, ${b.name}) = ${dR}, chance √½`);
  }
  // the closed-form expectations equal the definition's sums over every action and pair of states
  const small = collectTransitions(null, "CartPole-v1", { episodes: 2, seed: 5 });
  assert.ok(small.absorbing.some((x) => x === 1) && small.n < 80);
  for (const m of [f, flipped, r1]) {
    const want = canonicalByDefinition(m, small, 2, 0.9), got = epicCanonical(m, small, 2, 0.9);
    // (rewardOnTransitions rounds R to float32: 6e-8 relative)
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6 * Math.max(1, Math.abs(want[i])), `${m.name}: C(R)[${i}] = ${v}, definition ${want[i]}`));
  }
});

test("absorbingScale: the absorbing row's indicator is c (its state features 0), other rows unchanged; a saved net keeps c", () => {
  const one = makeAirl();
  const ten = makeAirl({ absorbingScale: 10 });
  try {
    const feats = (airl: AIRL) =>
      tf.tidy(() => Array.from(airl.net.stateFeatures(tf.tensor2d([[0.3, -0.2, 0.05, 0.1], [0.3, -0.2, 0.05, 0.1]]), tf.tensor1d([0, 1])).dataSync(), (x) => x + 0)); // + 0: −0 → 0
    const f1 = feats(one);
    const f10 = feats(ten);
    assert.deepEqual(f10.slice(0, 5), f1.slice(0, 5), "an ordinary row's features do not depend on c");
    assert.equal(f1[4], 0);
    assert.deepEqual(f10.slice(5), [0, 0, 0, 0, 10], "the absorbing row: zero state, indicator c = 10");
    assert.deepEqual(f1.slice(5), [0, 0, 0, 0, 1]);
    assert.throws(() => one.net.load(ten.net.toJSON()), /absorbingScale 10, this one 1/);
  } finally {
    one.dispose();
    ten.dispose();
  }
});

test("bad inputs give clear errors", () => {
  assert.throws(() => makeAirl({ rewardType: "banana" }), /rewardType must be one of disentangled, state-action/);
  assert.throws(() => makeAirl({ testReward: "h" }), /testReward must be "g" or "f"/);
  assert.throws(() => makeAirl({ shapingGamma: 1.5 }), GanrlError);
  assert.throws(() => makeAirl({ potentialPenalty: -1 }), /potentialPenalty/);
  assert.throws(() => makeAirl({ absorbingScale: 0 }), /absorbingScale must be a positive finite number/);
  assert.throws(() => makeAirl({ discReplay: 1.5 }), /discReplay must be a non-negative integer/);
  assert.throws(() => makeAirl({ discHidden: [3] }), /unknown|discHidden/);
  assert.throws(() => new AIRL({ envId: "CartPole-v1", generator: "ppo" }), /needs expert demonstrations/);
  assert.throws(() => new AIRL({ envId: "Acrobot-v1", demos, generator: "ppo" }), GanrlError);
  assert.throws(() => checkRewardInput({ ...inputOf([[0, 0, 0, 0]], [0], [[0, 0, 0, 0]], [0]), obsDim: 6 }, 4), /obsDim is 6 but the reward net expects 4/);
  assert.throws(() => trueRewardModel("Pendulum-v1"), /unknown environment id "Pendulum-v1"; valid ids: CartPole-v1/);
});

test("no tensor leaks in an AIRL round; the reward net and the policy both change", async () => {
  const airl = makeAirl();
  try {
    await airl.learn(64); // burn-in round (optimiser slots, cached expert tensors)
    const before = tf.memory().numTensors;
    const g0 = Array.from(airl.net.g.params[0].dataSync());
    const p0 = Array.from(airl.policy.net.params[0].dataSync());
    const m = (await airl.learn(128)).metrics;
    assert.equal(airl.round, 2);
    assert.equal(tf.memory().numTensors, before, "tensors leaked in one AIRL round");
    assert.ok(Number.isFinite(m["gen/rewardMean"]) && Number.isFinite(m["gen/airlReward"]) && Number.isFinite(m["disc/loss"]));
    assert.notDeepEqual(Array.from(airl.net.g.params[0].dataSync()), g0, "g did not train");
    assert.notDeepEqual(Array.from(airl.policy.net.params[0].dataSync()), p0, "the policy did not train");
    // the learned reward as a transfer reward (absorbing tail added at terminal steps) leaks nothing either
    const model = airlRewardModel(airl, "f");
    const fn = rewardFnOf(model, 4, 0.99);
    const input = inputOf([[0, 0, 0, 0]], [1], [[0, 0, 0.3, 0]], [1]);
    fn(input);
    const n1 = tf.memory().numTensors;
    fn(input);
    assert.equal(tf.memory().numTensors, n1);
  } finally {
    airl.dispose();
  }
});

test("absorbing floor: u(s_a) becomes the lowest u on the support, other rows and the potential unchanged", () => {
  const model: RewardModel = {
    name: "toy",
    u: (obs, _a, absorbing, n) => Float32Array.from({ length: n }, (_, i) => (absorbing[i] ? 5 : obs[4 * i])),
    potential: (obs, absorbing, n) => Float32Array.from({ length: n }, (_, i) => (absorbing[i] ? 0 : 2 * obs[4 * i])),
  };
  const support = { n: 4, obsDim: 4, obs: Float32Array.from([0.5, 0, 0, 0, -2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]), actions: new Int32Array(4), nextObs: new Float32Array(16), terminated: Uint8Array.from([0, 0, 1, 1]), absorbing: Uint8Array.from([0, 0, 0, 1]), episodes: 1, meanReturn: 0 };
  const fl = withAbsorbingFloor(model, support);
  assert.equal(fl.floor, -2, "the absorbing row's own u (5) must not count");
  assert.deepEqual(Array.from(fl.u(Float32Array.from([7, 0, 0, 0, 0, 0, 0, 0]), new Int32Array(2), Uint8Array.from([0, 1]), 2)), [7, -2]);
  assert.equal(fl.potential, model.potential);
  // the transfer reward's absorbing tail uses the floor: γ·(−2)/(1 − γ) at the terminal step
  const r = rewardFnOf({ ...fl, potential: null }, 4, 0.5)(inputOf([[1, 0, 0, 0]], [0], [[1, 0, 0, 0]], [1])) as Float32Array;
  assert.equal(r[0], 1 + (0.5 * -2) / 0.5);
});

test("entropy bonus: r − α log π(a|s) on hand-worked logits", () => {
  // a stand-in policy with logits (0, log 3): π = (1/4, 3/4)
  const policy = { logProb: (obs: tf.Tensor2D, actions: tf.Tensor1D) => tf.tidy(() => tf.gather(tf.tensor1d([Math.log(0.25), Math.log(0.75)]), tf.cast(actions, "int32")).add(tf.mul(obs.sum(1), 0)) as tf.Tensor1D) };
  const before = tf.memory().numTensors;
  const r = addEntropyBonus(Float32Array.from([1, 1]), policy, { n: 2, obsDim: 4, obs: new Float32Array(8), actions: Int32Array.from([0, 1]) }, 0.5);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(Math.abs(r[0] - (1 + 0.5 * Math.log(4))) < 1e-6 && Math.abs(r[1] - (1 - 0.5 * Math.log(0.75))) < 1e-6);
  assert.deepEqual(Array.from(addEntropyBonus(Float32Array.from([2]), policy, { n: 1, obsDim: 4, obs: new Float32Array(4), actions: Int32Array.of(0) }, 0)), [2]);
});

test("potential penalty is λ_h·E[h(s)²] on D's rows; discriminator replay keeps past rounds and survives a checkpoint", async () => {
  const plain = makeAirl({ seed: 4 });
  const pen = makeAirl({ seed: 4, potentialPenalty: 10, discReplay: 3 });
  try {
    constantNet(pen.net.h!.params, [3]);
    const rows = toDiscBatchOf(inputOf([[0.1, 0, 0, 0], [0, 0.2, 0, 0]], [0, 1], [[0, 0, 0, 0], [0, 0, 0, 0]], [0, 1]));
    const reg = (a: AIRL): number | null => {
      const r = (a.net as unknown as { regularizer(b: unknown): tf.Scalar | null }).regularizer(rows);
      const v = r ? r.dataSync()[0] : null;
      if (r) r.dispose();
      return v;
    };
    assert.equal(reg(plain), null, "off by default (the paper's AIRL)");
    assert.ok(Math.abs((reg(pen) as number) - 10 * 9) < 1e-4, "h ≡ 3 on both rows: 10·3² = 90");
    tf.dispose(rows as unknown as tf.TensorContainer);
    await pen.learn(4 * 64);
    const ck = await pen.checkpoint();
    const replay = (ck.extra as { replay: { n: number }[] }).replay;
    assert.equal(replay.length, 3, "the replay keeps the last 3 rounds");
    assert.ok(replay.every((r) => r.n >= 64));
    const again = makeAirl({ seed: 4, potentialPenalty: 10, discReplay: 3 });
    try {
      await again.restore(JSON.parse(JSON.stringify(ck)));
      assert.deepEqual(((await again.checkpoint()).extra as { replay: unknown }).replay, replay);
    } finally {
      again.dispose();
    }
  } finally {
    plain.dispose();
    pen.dispose();
  }
});
