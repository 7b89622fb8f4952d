/**
 * Returns of simple policies (uniform-random, the spec's controller) over seeded episodes: how the
 * reference returns of `specs.ts` are measured (`npx tsx scripts/env-references.ts`).
 */
import { Rng, checkPositiveInt, checkSeed } from "../core";
import { getEnvSpec } from "./specs";

/** An action rule on one observation; `rng` is the episode's own stream. */
export type ObsRule = (obs: Float32Array, rng: Rng) => number;

export interface EpisodeStats {
  returns: number[];
  lengths: number[];
  /** Episodes that ended by termination (the goal, the pole falling), not by the time limit. */
  terminated: number;
  mean: number;
  /** Population standard deviation of the returns. */
  std: number;
}

/**
 * Runs `rule` on `id` for `episodes` episodes: episode i resets with seed `seed + i` and its rule
 * draws from `new Rng(seed + i).fork()` (the convention of `npx ganrl eval`), until terminated or
 * truncated.
 */
export function episodeStats(id: string, rule: ObsRule, episodes: number, seed = 0): EpisodeStats {
  checkPositiveInt(episodes, "episodes");
  checkSeed(seed, "episodeStats seed");
  const env = getEnvSpec(id).make({ seed, reuseObs: true });
  const returns: number[] = [];
  const lengths: number[] = [];
  let terminated = 0;
  for (let i = 0; i < episodes; i++) {
    const rng = new Rng(seed + i).fork();
    let obs = env.reset(seed + i);
    let ret = 0, t = 0;
    for (;;) {
      const r = env.step(rule(obs, rng));
      ret += r.reward;
      t++;
      obs = r.obs;
      if (r.terminated || r.truncated) {
        if (r.terminated) terminated++;
        break;
      }
    }
    returns.push(ret);
    lengths.push(t);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) * (b - mean), 0) / episodes);
  return { returns, lengths, terminated, mean, std };
}

/** Uniform-random actions of `id`. */
export function randomRule(id: string): ObsRule {
  const n = getEnvSpec(id).nActions;
  return (_obs, rng) => rng.int(n);
}

/** The spec's hand-written controller as a rule. */
export function controllerRule(id: string): ObsRule {
  const spec = getEnvSpec(id);
  return (obs) => spec.controller(obs, 0);
}
