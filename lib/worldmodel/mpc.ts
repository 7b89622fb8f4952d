/**
 * Model-predictive control inside a dynamics model (notebook 10, "Planning in the model").
 *
 * At every real step: sample `samples` action sequences of length H, roll them all forward in
 * the model (one batched model call per step), score each by its imagined return, and take the
 * first action of the best. With `iterations` > 1 this is the cross-entropy method (CEM) over
 * per-step categorical distributions: refit each step's action probabilities to the `elites`
 * best sequences (smoothed by `smoothing`) and resample. `iterations` = 1 is random shooting.
 *
 * Score of a sequence: Σ_t r_t from the known reward rule until the first predicted termination
 * (then 0, the episode is over), plus an optional shaping term `shaping` × c(s_t) per step, where
 * c is a documented function of the state (`EnvSpec.worldModel.shaping`; CartPole: −(θ/θ_max)² − (x/x_max)², how far the state
 * is from the termination boundary; Acrobot: the free end's height −cos θ1 − cos(θ1 + θ2), which
 * the goal asks to raise). With the sparse rewards of these tasks (CartPole: 1 per step whatever
 * happens; Acrobot: −1 until the goal) most sampled sequences tie on the reward alone; the shaping
 * breaks ties towards states that are further from failing / closer to the goal.
 */
import { GanrlError, Rng, checkPositiveInt, checkNumber, checkKnownKeys, ensure, checkSeed } from "../core";
import { MpcShaping, isUnsupported } from "../envs";
import { DynamicsModel } from "./imagine";
import { WorldSpec, WorldVariant } from "./spec";

export interface MpcOptions {
  /** H, planning horizon (model steps). */
  horizon: number;
  /** N, action sequences per iteration. */
  samples: number;
  /** CEM iterations (1: random shooting). */
  iterations: number;
  /** Elite sequences CEM refits to. */
  elites: number;
  /** Weight of the old distribution when refitting (0: replace). */
  smoothing: number;
  /** Weight of the shaping term c(s) (0: the known reward only). */
  shaping: number;
  /** γ, discount of the imagined return. */
  gamma: number;
  /** Seed of the sequence sampling and the model's noise. */
  seed: number;
}

export const MPC_DEFAULTS: Readonly<MpcOptions> = Object.freeze({
  horizon: 25,
  samples: 128,
  iterations: 2,
  elites: 16,
  smoothing: 0.1,
  shaping: 0.1,
  gamma: 1.0,
  seed: 0,
});

/** The shaping function c(s) described above (`EnvSpec.worldModel.shaping`); a `GanrlError` for a task that has none. */
export function shapingTerm(spec: WorldSpec, s: ArrayLike<number>, o: number): number {
  return shapingOf(spec).term(s, o);
}

function shapingOf(spec: WorldSpec): MpcShaping {
  if (isUnsupported(spec.shaping)) throw new GanrlError(`MPC shaping is not defined for ${spec.envId}: ${spec.shaping.unsupported}`);
  return spec.shaping;
}

export class MpcController {
  readonly model: DynamicsModel;
  readonly opts: Readonly<MpcOptions>;
  private readonly rng: Rng;
  private readonly modelRng: Rng;
  /** Model steps taken (for latency figures). */
  modelCalls = 0;

  constructor(model: DynamicsModel, opts: Partial<MpcOptions> = {}) {
    checkKnownKeys(opts, Object.keys(MPC_DEFAULTS), "MpcController");
    const o: MpcOptions = { ...MPC_DEFAULTS };
    for (const [k, v] of Object.entries(opts)) if (v !== undefined) (o as unknown as Record<string, number>)[k] = v as number;
    checkPositiveInt(o.horizon, "MPC horizon");
    checkPositiveInt(o.samples, "MPC samples");
    checkPositiveInt(o.iterations, "MPC iterations");
    checkPositiveInt(o.elites, "MPC elites");
    ensure(o.elites <= o.samples, `MPC elites (${o.elites}) must be <= samples (${o.samples})`);
    checkNumber(o.smoothing, "MPC smoothing", 0, 1);
    checkNumber(o.shaping, "MPC shaping", 0);
    checkNumber(o.gamma, "MPC gamma", 0, 1);
    checkSeed(o.seed, "MPC seed");
    if (o.shaping > 0) shapingOf(model.spec); // a task without a shaping term fails here, not mid-episode
    this.model = model;
    this.opts = Object.freeze(o);
    this.rng = new Rng(o.seed);
    this.modelRng = this.rng.fork();
  }

  /** The action to take in internal state `state` ([stateDim]); always in 0..nActions−1. */
  act(state: ArrayLike<number>): number {
    const spec = this.model.spec;
    const { horizon: H, samples: N, iterations, elites, smoothing, shaping, gamma } = this.opts;
    const D = spec.stateDim, A = spec.nActions;
    const c = shaping > 0 ? shapingOf(spec) : null;
    ensure(state.length === D, () => `MpcController.act: state must hold ${D} numbers`);
    // probs[t*A + a]: the sampling distribution of step t
    const probs = new Float64Array(H * A).fill(1 / A);
    const seqs = new Int32Array(N * H);
    const scores = new Float64Array(N);
    let bestAction = 0;
    let bestScore = -Infinity;
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < N; i++) for (let t = 0; t < H; t++) seqs[i * H + t] = this.rng.categorical(probs, A, t * A);
      let s = new Float64Array(N * D);
      for (let i = 0; i < N; i++) s.set(state as ArrayLike<number>, i * D);
      const alive = new Uint8Array(N).fill(1);
      scores.fill(0);
      const acts = new Int32Array(N);
      let disc = 1;
      for (let t = 0; t < H; t++) {
        for (let i = 0; i < N; i++) acts[i] = seqs[i * H + t];
        s = this.model.predict(s, acts, this.modelRng);
        this.modelCalls++;
        for (let i = 0; i < N; i++) {
          if (!alive[i]) continue;
          const term = spec.terminated(s, i * D);
          scores[i] += disc * (spec.reward(term) + (term || c === null ? 0 : shaping * c.term(s, i * D)));
          if (term) alive[i] = 0;
        }
        disc *= gamma;
      }
      const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
      if (scores[order[0]] > bestScore) {
        bestScore = scores[order[0]];
        bestAction = seqs[order[0] * H];
      }
      if (it + 1 < iterations) {
        const counts = new Float64Array(H * A);
        for (let e = 0; e < elites; e++) for (let t = 0; t < H; t++) counts[t * A + seqs[order[e] * H + t]] += 1 / elites;
        for (let q = 0; q < H * A; q++) probs[q] = smoothing * probs[q] + (1 - smoothing) * counts[q];
      }
    }
    return bestAction;
  }
}

export interface MpcEpisodeResult {
  /** Real return of each episode. */
  returns: number[];
  /** Real length of each episode. */
  lengths: number[];
  /** Mean wall-clock milliseconds per decision. */
  msPerAction: number;
}

/** Runs `episodes` real episodes (variant noise included) acting with MPC in `model`, scored by the real environment. */
export function runMpcEpisodes(
  model: DynamicsModel,
  variant: WorldVariant,
  opts: Partial<MpcOptions> & { episodes?: number; seed?: number; maxSteps?: number } = {},
): MpcEpisodeResult {
  const { episodes = 3, maxSteps, ...mpcOpts } = opts;
  const seed = opts.seed ?? 0;
  const ctl = new MpcController(model, { ...mpcOpts, seed });
  return runRealEpisodes(model.spec, variant, (s) => ctl.act(s), { episodes, seed, maxSteps });
}

/**
 * The floor of the MPC table: `episodes` real episodes with uniformly random actions (the same
 * environment seed, hence the same initial states, as `runMpcEpisodes` with this `seed`). A planner
 * whose model predicts s' = s ties every sequence under any cost and so acts the same way.
 */
export function runRandomEpisodes(spec: WorldSpec, variant: WorldVariant, opts: { episodes?: number; seed?: number; maxSteps?: number } = {}): MpcEpisodeResult {
  const seed = opts.seed ?? 0;
  checkSeed(seed, "random-action seed");
  const rng = new Rng(seed).fork();
  return runRealEpisodes(spec, variant, () => rng.int(spec.nActions), { episodes: opts.episodes ?? 3, seed, maxSteps: opts.maxSteps });
}

/** The episode loop both share: real environment `seed + 7919`, `act` on its internal state, real returns and lengths. */
function runRealEpisodes(spec: WorldSpec, variant: WorldVariant, act: (state: ArrayLike<number>) => number, o: { episodes: number; seed: number; maxSteps?: number }): MpcEpisodeResult {
  checkPositiveInt(o.episodes, "episodes");
  const env = spec.makeEnv(variant, o.seed + 7919);
  const returns: number[] = [], lengths: number[] = [];
  let decisions = 0, ms = 0;
  for (let e = 0; e < o.episodes; e++) {
    env.reset();
    let ret = 0, len = 0;
    for (;;) {
      const t0 = process.hrtime.bigint();
      const a = act(env.state);
      ms += Number(process.hrtime.bigint() - t0) / 1e6;
      decisions++;
      const r = env.step(a);
      ret += r.reward;
      len++;
      if (r.terminated || r.truncated || (o.maxSteps !== undefined && len >= o.maxSteps)) break;
    }
    returns.push(ret);
    lengths.push(len);
  }
  return { returns, lengths, msPerAction: ms / Math.max(decisions, 1) };
}
