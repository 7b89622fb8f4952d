/**
 * Dyna-style augmentation of PPO with a learned world model (notebook 10, "Dyna").
 *
 * `DynaVecEnv` is a vectorised environment for the unchanged PPO trainer: its first `realEnvs`
 * rows are real environments, its other `modelEnvs` rows are imagined ones stepped by the world
 * model. Imagined episodes start from states drawn uniformly from the real states seen so far,
 * take rewards and termination from the known rules, and are cut after `modelHorizon` steps
 * (reported as truncation, so PPO bootstraps from V(s) there: short model rollouts, as in MBPO,
 * keep compounding model error small). Every real transition goes into the model's training set;
 * after each PPO iteration the model is refitted for a few steps (`runDyna`).
 *
 * Sample efficiency is counted in REAL environment steps only (including the random warm-up the
 * model is first fitted on). The baseline is the same code with `modelEnvs = 0`.
 */
import { Rng, ensure, checkSeed, GanrlError } from "../core";
import { ClassicControlEnv } from "../envs";
import { PPO, PPOOptions } from "../rl";
import { VecEnvLike } from "../rl";
import { TransitionSet } from "./data";
import { WorldModel, WorldModelOptions, WorldModelKind } from "./model";
import { WorldSpec, WorldVariant, worldSpec } from "./spec";

/** Real + imagined environments behind PPO's `VecEnvLike` contract. */
export class DynaVecEnv implements VecEnvLike {
  readonly spec: WorldSpec;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly nActions: number;
  readonly realEnvs: ClassicControlEnv[];
  readonly modelEnvs: number;
  readonly modelHorizon: number;
  model: WorldModel | null;
  /** Real environment steps taken. */
  realSteps = 0;
  /** Returns of finished REAL episodes, in order. */
  readonly realReturns: number[] = [];
  private readonly rng: Rng;
  private readonly obs: Float32Array;
  private readonly finalObs: Float32Array;
  private readonly rewards: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private readonly epReturn: Float64Array;
  private readonly epLength: Int32Array;
  private readonly runRet: Float64Array;
  private readonly runLen: Int32Array;
  /** Imagined states [modelEnvs·stateDim]. */
  private mState: Float64Array;
  /** Real transitions seen so far (growing). */
  private buf: { s: number[]; a: number[]; s2: number[]; d: number[] } = { s: [], a: [], s2: [], d: [] };

  constructor(envId: string, variant: WorldVariant, opts: { realEnvs: number; modelEnvs: number; modelHorizon: number; seed: number; model?: WorldModel | null }) {
    checkSeed(opts.seed, "DynaVecEnv seed");
    this.spec = worldSpec(envId);
    ensure(opts.realEnvs >= 1, "DynaVecEnv needs at least one real environment");
    this.rng = new Rng(opts.seed);
    this.realEnvs = Array.from({ length: opts.realEnvs }, () => this.spec.makeEnv(variant, this.rng.nextSeed()));
    this.modelEnvs = opts.modelEnvs;
    this.modelHorizon = opts.modelHorizon;
    this.model = opts.model ?? null;
    this.numEnvs = opts.realEnvs + opts.modelEnvs;
    this.obsDim = this.spec.obsDim;
    this.nActions = this.spec.nActions;
    const N = this.numEnvs;
    this.obs = new Float32Array(N * this.obsDim);
    this.finalObs = new Float32Array(N * this.obsDim);
    this.rewards = new Float64Array(N);
    this.terminated = new Uint8Array(N);
    this.truncated = new Uint8Array(N);
    this.epReturn = new Float64Array(N);
    this.epLength = new Int32Array(N);
    this.runRet = new Float64Array(N);
    this.runLen = new Int32Array(N);
    this.mState = new Float64Array(opts.modelEnvs * this.spec.stateDim);
  }

  /** The real transitions collected so far. */
  transitions(): TransitionSet {
    const b = this.buf;
    return {
      n: b.a.length,
      stateDim: this.spec.stateDim,
      states: Float64Array.from(b.s),
      actions: Int32Array.from(b.a),
      next: Float64Array.from(b.s2),
      terminated: Uint8Array.from(b.d),
    };
  }

  /** Adds real transitions (e.g. the warm-up data). */
  addTransitions(set: TransitionSet): void {
    for (let i = 0; i < set.n; i++) {
      for (let d = 0; d < set.stateDim; d++) {
        this.buf.s.push(set.states[i * set.stateDim + d]);
        this.buf.s2.push(set.next[i * set.stateDim + d]);
      }
      this.buf.a.push(set.actions[i]);
      this.buf.d.push(set.terminated[i]);
    }
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.realEnvs.forEach((e, i) => e.seed(seed + i));
    this.realEnvs.forEach((e, i) => {
      e.reset();
      e.writeObs(this.obs, i * this.obsDim);
    });
    for (let j = 0; j < this.modelEnvs; j++) this.resetImagined(j);
    this.runRet.fill(0);
    this.runLen.fill(0);
    return this.obs;
  }

  private resetImagined(j: number): void {
    const D = this.spec.stateDim;
    const n = this.buf.a.length;
    const row = this.realEnvs.length + j;
    if (n === 0) {
      this.mState.set(this.realEnvs[0].state, j * D);
    } else {
      const i = this.rng.int(n);
      for (let d = 0; d < D; d++) this.mState[j * D + d] = this.buf.s[i * D + d];
    }
    this.spec.observe(this.mState, j * D, this.obs, row * this.obsDim);
    this.runLen[row] = 0;
    this.runRet[row] = 0;
  }

  step(actions: ArrayLike<number>) {
    const O = this.obsDim, D = this.spec.stateDim, R = this.realEnvs.length;
    this.epReturn.fill(0);
    this.epLength.fill(0);
    this.realEnvs.forEach((env, i) => {
      const s = env.state;
      const r = env.step(actions[i]);
      const s2 = env.state;
      for (let d = 0; d < D; d++) {
        this.buf.s.push(s[d]);
        this.buf.s2.push(s2[d]);
      }
      this.buf.a.push(actions[i]);
      this.buf.d.push(r.terminated ? 1 : 0);
      this.realSteps++;
      this.rewards[i] = r.reward;
      this.terminated[i] = r.terminated ? 1 : 0;
      this.truncated[i] = r.truncated && !r.terminated ? 1 : 0;
      this.runRet[i] += r.reward;
      this.runLen[i]++;
      this.finalObs.set(r.obs, i * O);
      if (r.terminated || r.truncated) {
        this.epReturn[i] = this.runRet[i];
        this.epLength[i] = this.runLen[i];
        this.realReturns.push(this.runRet[i]);
        this.runRet[i] = 0;
        this.runLen[i] = 0;
        env.reset();
        env.writeObs(this.obs, i * O);
      } else {
        this.obs.set(r.obs, i * O);
      }
    });
    if (this.modelEnvs > 0) {
      if (!this.model) throw new GanrlError("DynaVecEnv: imagined environments need a model; set env.model before stepping");
      const acts = Array.from({ length: this.modelEnvs }, (_, j) => actions[R + j]);
      this.mState = this.model.predict(this.mState, acts);
      for (let j = 0; j < this.modelEnvs; j++) {
        const row = R + j;
        const term = this.spec.terminated(this.mState, j * D);
        const rew = this.spec.reward(term);
        this.runRet[row] += rew;
        this.runLen[row]++;
        this.rewards[row] = rew;
        this.terminated[row] = term ? 1 : 0;
        this.truncated[row] = !term && this.runLen[row] >= this.modelHorizon ? 1 : 0;
        this.spec.observe(this.mState, j * D, this.finalObs, row * O);
        if (term || this.truncated[row]) {
          this.epReturn[row] = this.runRet[row];
          this.epLength[row] = this.runLen[row];
          this.resetImagined(j);
        } else {
          this.obs.set(this.finalObs.subarray(row * O, (row + 1) * O), row * O);
        }
      }
    }
    return {
      obs: this.obs,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
      finalObs: this.finalObs,
      episodeReturn: this.epReturn,
      episodeLength: this.epLength,
    };
  }
}

export interface DynaOptions {
  envId: string;
  /** World model for the imagined rows, or null for the real-data-only baseline. */
  modelKind: WorldModelKind | null;
  seed: number;
  /** Real environments (rows) of PPO's batch. */
  realEnvs: number;
  /** Imagined environments (rows) of PPO's batch. */
  modelEnvs: number;
  /** Length at which imagined episodes are cut (truncation). */
  modelHorizon: number;
  /** Random-action real steps the model is first fitted on (counted as real steps). */
  warmupSteps: number;
  /** Model training steps on the warm-up data. */
  warmupModelSteps: number;
  /** Model training steps after each PPO iteration. */
  modelStepsPerIter: number;
  /** World-model options (learning rates, λ, noise size...). */
  modelOptions: Partial<WorldModelOptions>;
  /** PPO options (envId/env/numEnvs/seed are set here). */
  ppo: Partial<PPOOptions>;
  /** Success: mean return of the last `window` real episodes ≥ threshold. */
  threshold: number;
  window: number;
  /** Give up after this many real steps. */
  maxRealSteps: number;
}

export interface DynaResult {
  /** Real steps when the threshold was first met, or null if never within the budget. */
  realStepsToThreshold: number | null;
  /** Learning curve: (real steps, mean return of the last `window` real episodes) after each iteration. */
  curve: { realSteps: number; meanReturn: number }[];
  realSteps: number;
  seconds: number;
}

/** Trains PPO with (or without) imagined rows until the threshold or the real-step budget. */
export async function runDyna(opts: DynaOptions, variant: WorldVariant = { noiseStd: 0 }): Promise<DynaResult> {
  const t0 = Date.now();
  const useModel = opts.modelKind !== null && opts.modelEnvs > 0;
  const spec = worldSpec(opts.envId);
  let model: WorldModel | null = null;
  const env = new DynaVecEnv(opts.envId, variant, { realEnvs: opts.realEnvs, modelEnvs: useModel ? opts.modelEnvs : 0, modelHorizon: opts.modelHorizon, seed: opts.seed, model: null });
  if (useModel) {
    // warm-up: random actions in the real environment, counted as real steps
    const rng = new Rng(opts.seed + 17);
    const w = spec.makeEnv(variant, rng.nextSeed());
    w.reset();
    const D = spec.stateDim;
    const set: TransitionSet = { n: opts.warmupSteps, stateDim: D, states: new Float64Array(opts.warmupSteps * D), actions: new Int32Array(opts.warmupSteps), next: new Float64Array(opts.warmupSteps * D), terminated: new Uint8Array(opts.warmupSteps) };
    for (let i = 0; i < opts.warmupSteps; i++) {
      set.states.set(w.state, i * D);
      const a = rng.int(spec.nActions);
      const r = w.step(a);
      set.actions[i] = a;
      set.next.set(w.state, i * D);
      set.terminated[i] = r.terminated ? 1 : 0;
      if (r.terminated || r.truncated) w.reset();
    }
    env.addTransitions(set);
    env.realSteps += opts.warmupSteps;
    model = new WorldModel({ ...opts.modelOptions, envId: opts.envId, kind: opts.modelKind as WorldModelKind, seed: opts.seed });
    model.setData(set);
    model.fit(opts.warmupModelSteps);
    env.model = model;
  }
  const ppo = new PPO({ ...opts.ppo, envId: opts.envId, env, seed: opts.seed });
  const curve: DynaResult["curve"] = [];
  let hit: number | null = null;
  const budget = Math.ceil((opts.maxRealSteps * env.numEnvs) / opts.realEnvs);
  await ppo.learn(budget, {
    callback: () => {
      const last = env.realReturns.slice(-opts.window);
      const mean = last.length ? last.reduce((a, b) => a + b, 0) / last.length : NaN;
      curve.push({ realSteps: env.realSteps, meanReturn: mean });
      if (last.length >= Math.min(opts.window, 3) && mean >= opts.threshold) {
        hit = env.realSteps;
        return false;
      }
      if (env.realSteps >= opts.maxRealSteps) return false;
      if (model) {
        model.setData(env.transitions());
        model.fit(opts.modelStepsPerIter);
      }
      return true;
    },
  });
  ppo.dispose();
  model?.dispose();
  return { realStepsToThreshold: hit, curve, realSteps: env.realSteps, seconds: (Date.now() - t0) / 1000 };
}
