/**
 * Expert data for imitation: loading a demonstration set for a given environment (with clear
 * errors when the file or the environment id does not fit), hand-written controllers that make
 * good test fixtures, recording demonstration sets from any actor, and the flat sample arrays the
 * discriminator trains on (with DAC's absorbing-state rows).
 */
import { Rng, GanrlError, ensure, checkPositiveInt, checkSeed, describe } from "../core";
import { makeEnv, getEnvSpec, EnvId } from "../envs";
import { DemoSet, DEMOS_FORMAT, Trajectory, loadDemos, validateDemoSet, toTransitions, trajectoryStats, Transitions } from "../data";
import { Actor, TransitionBatch } from "../rl";

/** A demonstration set given by value or as a `ganrl-demos/1` file path. */
export type DemoSource = DemoSet | string;

/**
 * Loads (if a path) and validates a demonstration set, checking that it holds `envId`'s
 * demonstrations. Errors name the file, the trajectory and the field at fault.
 */
export function resolveDemos(demos: DemoSource, envId: string, what = "demonstrations"): DemoSet {
  getEnvSpec(envId); // an unknown id throws, listing the valid ones
  if (typeof demos === "string") return loadDemos(demos, envId);
  if (demos === null || typeof demos !== "object") {
    throw new GanrlError(`${what} must be a ganrl-demos/1 object or a path to one, got ${describe(demos)}`);
  }
  return validateDemoSet(demos, what, envId);
}

/**
 * The environment's hand-written controller (`EnvSpec.controller`; test fixtures and sanity
 * baselines) as a batched actor: CartPole pushes right iff θ + 0.5·θ̇ > 0 (500 on CartPole-v1),
 * Acrobot applies torque +1 iff θ̇2 > 0 else −1 (about −88 on Acrobot-v1), MountainCar pushes
 * right iff v ≥ 0 else left (about −119 on MountainCar-v0); `EnvSpec.reference.controller` has
 * the measured returns.
 */
export function handCodedExpert(envId: string): Actor {
  const spec = getEnvSpec(envId);
  const obsDim = spec.obsDim;
  const rule = spec.controller;
  return {
    obsDim,
    act(obs: Float32Array) {
      const n = obs.length / obsDim;
      const actions = new Int32Array(n);
      for (let i = 0; i < n; i++) actions[i] = rule(obs, i * obsDim);
      return { actions };
    },
  };
}

export interface RecordOptions {
  /** Number of episodes (trajectories). */
  episodes: number;
  /** Episode i is reset with seed `seed + i` (default 1000, away from training seeds). */
  seed?: number;
  /** Sample actions instead of taking the greedy ones (default false). */
  stochastic?: boolean;
  /** Provenance stored in the set's `source`. */
  source?: Record<string, unknown>;
}

/** Runs `actor` for whole episodes and returns them as a validated `ganrl-demos/1` set. */
export function recordDemos(actor: Actor, envId: string, opts: RecordOptions): DemoSet {
  getEnvSpec(envId); // an unknown id throws, listing the valid ones
  checkPositiveInt(opts.episodes, "recordDemos episodes");
  const seed = opts.seed ?? 1000;
  checkSeed(seed, "recordDemos seed");
  const trajectories: Trajectory[] = [];
  const env = makeEnv(envId as EnvId, { seed });
  for (let i = 0; i < opts.episodes; i++) {
    let o = env.reset(seed + i);
    const t: Trajectory = { seed: seed + i, obs: [Array.from(o)], actions: [], rewards: [], terminated: false, truncated: false };
    for (;;) {
      const a = actor.act(Float32Array.from(o), { deterministic: !opts.stochastic }).actions[0];
      const r = env.step(a);
      t.actions.push(a);
      t.rewards.push(r.reward);
      t.obs.push(Array.from(r.obs));
      o = r.obs;
      if (r.terminated || r.truncated) {
        t.terminated = r.terminated;
        t.truncated = r.truncated && !r.terminated;
        break;
      }
    }
    trajectories.push(t);
  }
  const set: DemoSet = {
    format: DEMOS_FORMAT,
    envId: envId as EnvId,
    obsDim: env.obsDim,
    nActions: env.actionSpace.n,
    source: opts.source ?? { recordedBy: "recordDemos" },
    expertStats: trajectoryStats(trajectories),
    trajectories,
  };
  return validateDemoSet(set, `recorded ${envId} demonstrations`, envId);
}

/**
 * Flat (s, a, s', terminated) rows for the discriminator (a `TransitionBatch`), [n, obsDim]
 * row-major, each with a sampling weight.
 * Rows with `absorbing` = 1 stand for DAC's absorbing state s_a (Kostrikov et al. 2019): their obs,
 * action and next obs are ignored and replaced by the absorbing features (zero state, no action,
 * indicator 1). An episode that terminates after T steps of a time limit H is padded with H − T
 * absorbing steps; one absorbing row of weight H − T stands for them (sampling is ∝ weight).
 */
export interface Samples extends TransitionBatch {
  /** 1 for absorbing-state rows, [n]. */
  absorbing: Uint8Array;
  /** Sampling weight of each row (1 for ordinary rows), [n]. */
  weight: Float32Array;
}

/** `base` plus one absorbing row per entry of `weights` (its weight), appended at the end. */
export function withAbsorbingRows(base: TransitionBatch, weights: ArrayLike<number> = []): Samples {
  const { n, obsDim: d } = base;
  const m = n + weights.length;
  const s: Samples = {
    n: m,
    obsDim: d,
    obs: new Float32Array(m * d),
    actions: new Int32Array(m),
    nextObs: new Float32Array(m * d),
    terminated: new Uint8Array(m),
    absorbing: new Uint8Array(m),
    weight: new Float32Array(m).fill(1),
  };
  s.obs.set(base.obs.subarray(0, n * d));
  s.nextObs.set(base.nextObs.subarray(0, n * d));
  s.actions.set(base.actions.subarray(0, n));
  s.terminated.set(base.terminated.subarray(0, n));
  s.absorbing.fill(1, n);
  for (let k = 0; k < weights.length; k++) s.weight[n + k] = weights[k];
  return s;
}

/** The rows of several sample sets one after another (same observation size). */
export function concatSamples(parts: Samples[]): Samples {
  ensure(parts.length > 0, "concatSamples needs at least one set");
  const d = parts[0].obsDim;
  ensure(parts.every((p) => p.obsDim === d), "concatSamples: observation sizes differ");
  const n = parts.reduce((u, p) => u + p.n, 0);
  const out: Samples = { n, obsDim: d, obs: new Float32Array(n * d), actions: new Int32Array(n), nextObs: new Float32Array(n * d), terminated: new Uint8Array(n), absorbing: new Uint8Array(n), weight: new Float32Array(n) };
  let k = 0;
  for (const p of parts) {
    out.obs.set(p.obs.subarray(0, p.n * d), k * d);
    out.nextObs.set(p.nextObs.subarray(0, p.n * d), k * d);
    out.actions.set(p.actions.subarray(0, p.n), k);
    out.terminated.set(p.terminated.subarray(0, p.n), k);
    out.absorbing.set(p.absorbing.subarray(0, p.n), k);
    out.weight.set(p.weight.subarray(0, p.n), k);
    k += p.n;
  }
  return out;
}

/** `Samples` as plain JSON arrays (checkpoints). */
export interface SamplesJson {
  n: number;
  obsDim: number;
  obs: number[];
  actions: number[];
  nextObs: number[];
  terminated: number[];
  absorbing: number[];
  weight: number[];
}

export function samplesToJson(s: Samples): SamplesJson {
  return { n: s.n, obsDim: s.obsDim, obs: Array.from(s.obs), actions: Array.from(s.actions), nextObs: Array.from(s.nextObs), terminated: Array.from(s.terminated), absorbing: Array.from(s.absorbing), weight: Array.from(s.weight) };
}

export function samplesFromJson(j: SamplesJson): Samples {
  ensure(j && j.obs.length === j.n * j.obsDim && j.actions.length === j.n && j.weight.length === j.n && Array.isArray(j.terminated) && j.terminated.length === j.n, "malformed samples in checkpoint (replay buffer): array lengths do not match n and obsDim (or no 'terminated' flags: written before they were renamed from 'done'; start the run afresh)");
  return { n: j.n, obsDim: j.obsDim, obs: Float32Array.from(j.obs), actions: Int32Array.from(j.actions), nextObs: Float32Array.from(j.nextObs), terminated: Uint8Array.from(j.terminated), absorbing: Uint8Array.from(j.absorbing), weight: Float32Array.from(j.weight) };
}

/** Draws `count` row indices with replacement, P(i) ∝ weight[i] (binary search on the cumulative weights). */
export function sampleWeighted(weight: ArrayLike<number>, count: number, rng: Rng): Int32Array {
  const n = weight.length;
  const cum = new Float64Array(n);
  let tot = 0;
  for (let i = 0; i < n; i++) cum[i] = tot += weight[i];
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const u = rng.uniform() * tot;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}

export interface ExpertSampleOptions {
  /** Keep every k-th pair (the paper: 10 on CartPole, 5 on Acrobot); 1 keeps all. */
  every: number;
  /** Rng for the subsampling offsets (one random offset per trajectory). */
  rng: Rng;
  /** Pad terminated trajectories to the time limit with the absorbing state (DAC); null: no padding. */
  absorbingHorizon: number | null;
}

/** The expert's discriminator rows: subsampled transitions (+ one weighted absorbing row per terminated trajectory). */
export function expertSamples(set: DemoSet, opts: ExpertSampleOptions): { samples: Samples; transitions: Transitions } {
  const tr = toTransitions(set, { every: opts.every, rng: opts.every > 1 ? opts.rng : undefined });
  if (tr.n === 0) throw new GanrlError(`subsampling every ${opts.every}-th pair left no expert pairs; use a smaller 'every'`);
  const weights: number[] = [];
  if (opts.absorbingHorizon !== null) {
    for (const t of set.trajectories) {
      // the H − T padded steps, thinned like the real ones by the subsampling
      if (t.terminated) weights.push(Math.max(1, opts.absorbingHorizon - t.actions.length) / opts.every);
    }
  }
  const samples = withAbsorbingRows(tr, weights);
  return { samples, transitions: tr };
}
