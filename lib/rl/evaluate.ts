/**
 * Policy evaluation: `episodes` episodes run side by side (one batched `act` per step), env i
 * seeded `seed + i`, observation statistics frozen.
 */
import { checkPositiveInt, checkSeed } from "../core";
import { makeEnv } from "../envs";
import { ActOptions } from "../nn";
import { meanStd } from "./common";

/** Anything that acts on a batch of observations (a `Policy`, DQN's greedy `QPolicy`). */
export interface Actor {
  readonly obsDim: number;
  act(obs: Float32Array, opts?: ActOptions): { actions: Int32Array };
}

export interface EvaluateOptions {
  /** Number of episodes (default 10). */
  episodes?: number;
  /** Seed of the first episode's environment (default 0). */
  seed?: number;
  /** Greedy actions (default true). */
  deterministic?: boolean;
}

export interface EvaluateResult {
  returns: number[];
  lengths: number[];
  mean: number;
  std: number;
}

export function evaluate(policy: Actor, envId: string, opts: EvaluateOptions = {}): EvaluateResult {
  const episodes = opts.episodes ?? 10;
  const seed = opts.seed ?? 0;
  checkPositiveInt(episodes, "evaluate episodes");
  checkSeed(seed, "evaluate seed");
  const envs = Array.from({ length: episodes }, (_, i) => makeEnv(envId, { seed: seed + i }));
  const D = envs[0].obsDim;
  const obs = envs.map((e) => e.reset(seed + envs.indexOf(e)));
  const returns = new Array<number>(episodes).fill(0);
  const lengths = new Array<number>(episodes).fill(0);
  const active = envs.map(() => true);
  const norm = (policy as { obsNorm?: { frozen: boolean } | null }).obsNorm;
  const wasFrozen = norm ? norm.frozen : false;
  if (norm) norm.frozen = true;
  try {
    for (;;) {
      const idx: number[] = [];
      active.forEach((a, i) => a && idx.push(i));
      if (idx.length === 0) break;
      const batch = new Float32Array(idx.length * D);
      idx.forEach((i, k) => batch.set(obs[i], k * D));
      const { actions } = policy.act(batch, { deterministic: opts.deterministic ?? true });
      idx.forEach((i, k) => {
        const r = envs[i].step(actions[k]);
        returns[i] += r.reward;
        lengths[i]++;
        obs[i] = r.obs;
        if (r.terminated || r.truncated) active[i] = false;
      });
    }
  } finally {
    if (norm) norm.frozen = wasFrozen;
  }
  const { mean, std } = meanStd(returns);
  return { returns, lengths, mean, std };
}
