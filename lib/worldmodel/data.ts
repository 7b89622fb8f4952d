/**
 * Transition data for world models: episodes of INTERNAL states (float64, as the environment
 * holds them) collected with random, expert and mixed policies, flattened into transition sets
 * for training, and kept as episodes for open-loop rollout tests.
 *
 * Action sources (all seeded from one `Rng`):
 * - `random`: uniform actions;
 * - `expert`: the expert policy of `data/experts/<env>.json` when present, else a hand-written
 *   controller (CartPole: push towards θ + 0.5·θ̇ > 0, scores 500; Acrobot: torque with the sign
 *   of θ̇2, about −88);
 * - `mixed`: at each step the expert's action with probability ½, else a uniform one.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng, ensure, checkPositiveInt, repoRoot, readJson } from "../core";
import { CategoricalPolicy, NetJson } from "../nn";
import { getEnvSpec } from "../envs";
import { WorldSpec, WorldVariant, stateDiff } from "./spec";

export const ACTION_SOURCES = ["random", "expert", "mixed"] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

/** One episode: T + 1 states and T actions. */
export interface Episode {
  /** s_0 .. s_T, [(T+1)·stateDim] float64. */
  states: Float64Array;
  /** a_0 .. a_{T−1}, [T]. */
  actions: Int32Array;
  /** Whether s_T is terminal (else the episode was cut by the time limit or the budget). */
  terminated: boolean;
  source: ActionSource;
}

/** Flattened transitions (s, a, s', done). */
export interface TransitionSet {
  n: number;
  stateDim: number;
  /** s, [n·stateDim]. */
  states: Float64Array;
  /** a, [n]. */
  actions: Int32Array;
  /** s', [n·stateDim]. */
  next: Float64Array;
  /** 1 where s' is terminal, [n]. */
  terminated: Uint8Array;
}

/** An action rule on observations (deterministic unless it draws from `rng`). */
export type ObsPolicy = (obs: Float32Array, rng: Rng) => number;

/** The environment's hand-written controller (`EnvSpec.controller`), used when no trained expert is available. */
export function controllerPolicy(spec: WorldSpec): ObsPolicy {
  const rule = getEnvSpec(spec.envId).controller;
  return (o) => rule(o, 0);
}

/** The expert: `data/experts/<env>.json` (argmax of the saved policy) if it exists, else `controllerPolicy`. */
export function expertPolicy(spec: WorldSpec, opts: { preferFile?: boolean } = {}): { act: ObsPolicy; kind: "file" | "controller"; file?: string } {
  const file = path.join(repoRoot, "data", "experts", `${spec.envId}.json`);
  if (opts.preferFile !== false && fs.existsSync(file)) {
    try {
      const pol = CategoricalPolicy.fromJSON(readJson(file) as NetJson);
      if (pol.obsDim === spec.obsDim && pol.nActions === spec.nActions) {
        return { act: (o) => pol.act(o, { deterministic: true }).actions[0], kind: "file", file };
      }
      pol.dispose();
    } catch {
      // an expert file in another format: fall back to the controller
    }
  }
  return { act: controllerPolicy(spec), kind: "controller" };
}

/** The action rule of a source, given the expert. */
export function sourcePolicy(spec: WorldSpec, source: ActionSource, expert: ObsPolicy): ObsPolicy {
  if (source === "random") return (_o, rng) => rng.int(spec.nActions);
  if (source === "expert") return expert;
  return (o, rng) => (rng.uniform() < 0.5 ? expert(o, rng) : rng.int(spec.nActions));
}

export interface CollectOptions {
  /** Transitions to collect (whole episodes; the last one is cut at the budget). */
  steps: number;
  source: ActionSource;
  /** Seed of the environment and of the action draws. */
  seed: number;
  /** The expert (default `expertPolicy(spec).act`). */
  expert?: ObsPolicy;
  /** Longest episode (default the time limit, 500). */
  maxEpisodeSteps?: number;
}

/** Runs episodes of `source` in the real environment (variant noise included) until `steps` transitions. */
export function collectEpisodes(spec: WorldSpec, variant: WorldVariant, opts: CollectOptions): Episode[] {
  checkPositiveInt(opts.steps, "collectEpisodes steps");
  const rng = new Rng(opts.seed);
  const env = spec.makeEnv(variant, rng.nextSeed());
  const act = sourcePolicy(spec, opts.source, opts.expert ?? expertPolicy(spec).act);
  const maxT = opts.maxEpisodeSteps ?? spec.maxEpisodeSteps;
  const D = spec.stateDim;
  const out: Episode[] = [];
  let total = 0;
  const obs = new Float32Array(spec.obsDim);
  while (total < opts.steps) {
    env.reset();
    const states: number[] = Array.from(env.state);
    const actions: number[] = [];
    let terminated = false;
    while (actions.length < maxT && total < opts.steps) {
      spec.observe(states, states.length - D, obs, 0);
      const a = act(obs, rng);
      const r = env.step(a);
      actions.push(a);
      states.push(...env.state);
      total++;
      if (r.terminated) {
        terminated = true;
        break;
      }
    }
    out.push({ states: Float64Array.from(states), actions: Int32Array.from(actions), terminated, source: opts.source });
  }
  return out;
}

/** The transitions of some episodes, in order. */
export function toTransitions(spec: WorldSpec, episodes: readonly Episode[]): TransitionSet {
  const D = spec.stateDim;
  const n = episodes.reduce((s, e) => s + e.actions.length, 0);
  const set: TransitionSet = {
    n,
    stateDim: D,
    states: new Float64Array(n * D),
    actions: new Int32Array(n),
    next: new Float64Array(n * D),
    terminated: new Uint8Array(n),
  };
  let k = 0;
  for (const e of episodes) {
    const T = e.actions.length;
    for (let t = 0; t < T; t++, k++) {
      set.states.set(e.states.subarray(t * D, (t + 1) * D), k * D);
      set.next.set(e.states.subarray((t + 1) * D, (t + 2) * D), k * D);
      set.actions[k] = e.actions[t];
      set.terminated[k] = e.terminated && t === T - 1 ? 1 : 0;
    }
  }
  return set;
}

/** Concatenates transition sets. */
export function concatTransitions(sets: readonly TransitionSet[]): TransitionSet {
  ensure(sets.length > 0, "concatTransitions needs at least one set");
  const D = sets[0].stateDim;
  const n = sets.reduce((s, t) => s + t.n, 0);
  const out: TransitionSet = { n, stateDim: D, states: new Float64Array(n * D), actions: new Int32Array(n), next: new Float64Array(n * D), terminated: new Uint8Array(n) };
  let k = 0;
  for (const s of sets) {
    out.states.set(s.states, k * D);
    out.next.set(s.next, k * D);
    out.actions.set(s.actions, k);
    out.terminated.set(s.terminated, k);
    k += s.n;
  }
  return out;
}

/** The first `n` transitions of a set (views). */
export function sliceTransitions(set: TransitionSet, start: number, end: number): TransitionSet {
  const D = set.stateDim;
  return {
    n: end - start,
    stateDim: D,
    states: set.states.subarray(start * D, end * D),
    actions: set.actions.subarray(start, end),
    next: set.next.subarray(start * D, end * D),
    terminated: set.terminated.subarray(start, end),
  };
}

/** Residual targets s' ⊖ s of a set, [n·stateDim]. */
export function residuals(spec: WorldSpec, set: TransitionSet): Float64Array {
  const D = spec.stateDim;
  const out = new Float64Array(set.n * D);
  for (let i = 0; i < set.n; i++) stateDiff(spec, set.next, i * D, set.states, i * D, out, i * D);
  return out;
}

/** A world-model data set: training transitions from every source, held-out episodes per source. */
export interface WorldDataset {
  spec: WorldSpec;
  variant: WorldVariant;
  /** Training transitions: equal parts random, expert and mixed. */
  train: TransitionSet;
  /** Held-out episodes per source (collected with other seeds). */
  test: Record<ActionSource, Episode[]>;
  /** Held-out transitions of all test episodes. */
  testSet: TransitionSet;
  /** Which expert was used. */
  expertKind: "file" | "controller";
}

export interface DatasetOptions {
  /** Training transitions in total (a third per source). */
  trainSteps: number;
  /** Held-out transitions per source. */
  testSteps: number;
  seed: number;
}

/** Collects a training set and held-out episodes (the test seeds differ from the training ones). */
export function makeDataset(spec: WorldSpec, variant: WorldVariant, opts: DatasetOptions): WorldDataset {
  const expert = expertPolicy(spec);
  const per = Math.ceil(opts.trainSteps / 3);
  const trainParts = ACTION_SOURCES.map((source, i) =>
    toTransitions(spec, collectEpisodes(spec, variant, { steps: per, source, seed: opts.seed * 1000 + i, expert: expert.act })),
  );
  const test = {} as Record<ActionSource, Episode[]>;
  ACTION_SOURCES.forEach((source, i) => {
    test[source] = collectEpisodes(spec, variant, { steps: opts.testSteps, source, seed: opts.seed * 1000 + 500 + i, expert: expert.act });
  });
  const testSet = concatTransitions(ACTION_SOURCES.map((s) => toTransitions(spec, test[s])));
  return { spec, variant, train: concatTransitions(trainParts), test, testSet, expertKind: expert.kind };
}
