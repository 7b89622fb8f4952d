/**
 * DAgger (Ross, Gordon & Bagnell 2011): imitation with an expert that can be asked for its action
 * in any state, not only along its own trajectories. Behavioural cloning trains on the expert's
 * state distribution d_{π_E} and is tested on its own, d_π, so its errors compound; DAgger
 * collects the states the learner itself visits, labels them with the expert's action and
 * retrains on everything gathered so far:
 *
 *     D_0 = states of expert episodes, labelled a = π_E(s)
 *     for i = 1 … N:  π_i = argmax_π Σ_{(s, a) ∈ D_{i−1}} log π(a|s)      (behavioural cloning)
 *                     D_i = D_{i−1} ∪ {(s, π_E(s)) : s visited by π_i}
 *
 * Here round 0 runs the oracle itself, half of its episodes with ε-random actions (`explore`) so
 * that D_0 holds states off the expert's path too; every later round runs the current learner for
 * `episodesPerRound` episodes, alternately greedy and sampled. Each round's policy is scored on
 * `selectEpisodes` greedy episodes from seeds of its own (`selectSeed` …, away from the evaluation
 * seeds 0 … 99 and the demonstration seeds 1000 …), and the best-scoring round is returned.
 * The oracle sees the environment's exact float64 state (`env.state`) and its observation.
 *
 * The library uses it to turn MountainCar's exact minimum-time policy (`MountainCarMinimumTime`)
 * into a network expert (`npx ganrl distill-expert`); it is a general-purpose trainer.
 */
import { Rng, checkKnownKeys, checkNumber, checkPositiveInt, checkSeed, ensure, meanStd } from "../core";
import { makeEnv } from "../envs";
import { CategoricalPolicy } from "../nn";
import { evaluate } from "../rl";
import { DemoSet, Trajectory, DEMOS_FORMAT } from "../data";
import { BCOptions, trainBC } from "./bc";

/** The expert DAgger asks: an action for the exact state (and its observation). */
export type DaggerOracle = (state: Float64Array, obs: Float32Array) => number;

export interface DaggerOptions {
  envId: string;
  /** Learner rounds after the oracle's round 0. */
  rounds: number;
  /** Episodes the oracle runs in round 0. */
  oracleEpisodes: number;
  /** ε of the ε-random actions in half of round 0's episodes (the other half act as the oracle does). */
  explore: number;
  /** Episodes the learner runs in each later round. */
  episodesPerRound: number;
  /** Greedy episodes that score each round's policy (the best round is returned). */
  selectEpisodes: number;
  /** First seed of those episodes. */
  selectSeed: number;
  /** Behavioural-cloning options for every round (envId and seed are set by DAgger). */
  bc: Partial<BCOptions>;
  seed: number;
}

export const DAGGER_DEFAULTS: Readonly<DaggerOptions> = Object.freeze({
  envId: "CartPole-v1",
  rounds: 5,
  oracleEpisodes: 200,
  explore: 0.2,
  episodesPerRound: 100,
  selectEpisodes: 100,
  selectSeed: 20000,
  bc: Object.freeze({ hidden: [64, 64], iterations: 20000, batchSize: 256, lr: 1e-3, validationFraction: 0.1, evalEvery: 500, selectBy: "loss" as const }),
  seed: 0,
});

export interface DaggerRound {
  round: number;
  /** Labelled pairs in the aggregate the round's policy was trained on. */
  pairs: number;
  /** Share of held-out pairs on which the policy's greedy action is the oracle's. */
  validationAccuracy: number;
  /** Mean return of the round's policy on the selection episodes (greedy). */
  selectReturn: number;
  seconds: number;
}

export interface DaggerResult {
  /** The policy of the best round on the selection episodes. */
  policy: CategoricalPolicy;
  bestRound: number;
  rounds: DaggerRound[];
  /** Every labelled episode gathered, as a demonstration set of oracle labels (the last round trained on all of it). */
  data: DemoSet;
}

/** Runs DAgger with `oracle` as the expert; see the module comment. */
export function dagger(oracle: DaggerOracle, opts: Partial<DaggerOptions> = {}): DaggerResult {
  checkKnownKeys(opts, Object.keys(DAGGER_DEFAULTS), "dagger");
  const o: DaggerOptions = { ...DAGGER_DEFAULTS, ...opts, bc: { ...DAGGER_DEFAULTS.bc, ...(opts.bc ?? {}) } };
  checkPositiveInt(o.rounds, "rounds");
  checkPositiveInt(o.oracleEpisodes, "oracleEpisodes");
  checkNumber(o.explore, "explore", 0, 1);
  checkPositiveInt(o.episodesPerRound, "episodesPerRound");
  checkPositiveInt(o.selectEpisodes, "selectEpisodes");
  checkSeed(o.selectSeed, "selectSeed");
  checkSeed(o.seed);
  ensure(o.bc.envId === undefined && o.bc.seed === undefined, "dagger sets bc.envId and bc.seed itself; pass envId and seed at the top level");
  const rng = new Rng(o.seed);
  const env = makeEnv(o.envId);
  const trajectories: Trajectory[] = [];

  // one labelled episode: the oracle's label is recorded, `act` (given the label) chooses what is done
  const episode = (act: (obs: Float32Array, label: number) => number): void => {
    let obs = env.reset(rng.int(2 ** 31));
    const t: Trajectory = { obs: [Array.from(obs)], actions: [], rewards: [], terminated: false, truncated: false };
    for (;;) {
      const label = oracle(env.state, obs);
      t.actions.push(label);
      const r = env.step(act(obs, label));
      t.rewards.push(r.reward);
      obs = r.obs;
      t.obs.push(Array.from(obs));
      if (r.terminated || r.truncated) {
        t.terminated = r.terminated;
        t.truncated = r.truncated;
        break;
      }
    }
    trajectories.push(t);
  };

  for (let i = 0; i < o.oracleEpisodes; i++) {
    const eps = i % 2 === 1 ? o.explore : 0;
    episode((_obs, label) => (eps > 0 && rng.uniform() < eps ? rng.int(env.actionSpace.n) : label));
  }
  const dataset = (): DemoSet => {
    const returns = meanStd(trajectories.map((t) => t.rewards.reduce((a, b) => a + b, 0)));
    return {
      format: DEMOS_FORMAT,
      envId: o.envId as DemoSet["envId"],
      obsDim: env.obsDim,
      nActions: env.actionSpace.n,
      // the returns are of the actions taken (oracle, ε-random or learner), not of the labels
      source: { kind: "dagger", note: "oracle labels of the states each round visited (round 0: the oracle's own episodes, half with ε-random actions)" },
      expertStats: { episodes: trajectories.length, meanReturn: returns.mean, stdReturn: returns.std, meanLength: meanStd(trajectories.map((t) => t.actions.length)).mean },
      trajectories,
    };
  };

  const rounds: DaggerRound[] = [];
  let best: { policy: CategoricalPolicy; round: number; score: number } | null = null;
  for (let round = 0; round <= o.rounds; round++) {
    const t0 = Date.now();
    const r = trainBC(dataset(), { ...o.bc, envId: o.envId, seed: rng.int(2 ** 31) });
    const score = evaluate(r.policy, o.envId, { episodes: o.selectEpisodes, seed: o.selectSeed }).mean;
    rounds.push({ round, pairs: r.nTrain + r.nValidation, validationAccuracy: r.bestValAccuracy, selectReturn: score, seconds: (Date.now() - t0) / 1000 });
    if (round < o.rounds) {
      const p = r.policy;
      for (let i = 0; i < o.episodesPerRound; i++) {
        const greedy = i % 2 === 0;
        episode((obs) => p.act(obs, { deterministic: greedy, rng }).actions[0]);
      }
    }
    if (best === null || score > best.score) {
      best?.policy.dispose();
      best = { policy: r.policy, round, score };
    } else {
      r.policy.dispose();
    }
  }
  ensure(best !== null, "dagger ran no round");
  return { policy: best.policy, bestRound: best.round, rounds, data: dataset() };
}
