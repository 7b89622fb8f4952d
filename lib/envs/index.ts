/**
 * ganrl's environments, ported bit-for-bit from Gymnasium 1.4.0 (and seals 0.2.1), each described
 * by one `EnvSpec` in `specs.ts` (`getEnvSpec(id)`):
 *
 * | id                     | dynamics            | obs                                      | max steps | ends        |
 * |------------------------|---------------------|------------------------------------------|-----------|-------------|
 * | `CartPole-v1`          | Gymnasium           | [x, ẋ, θ, θ̇]                             | 500       | pole falls  |
 * | `CartPole-v0`          | same                | same                                     | 200       | same        |
 * | `Acrobot-v1`           | Gymnasium           | [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2] | 500       | end at bar  |
 * | `Acrobot-v0`           | same                | [θ1, θ2, θ̇1, θ̇2]                         | 200       | same        |
 * | `MountainCar-v0`       | Gymnasium           | [x, v]                                   | 200       | flag        |
 * | `seals/CartPole-v0`    | CartPole, θ wrapped | [x, ẋ, θ, θ̇]                             | 500       | never       |
 * | `seals/MountainCar-v0` | MountainCar, absorbing after the flag | [x, v]                 | 200       | never       |
 *
 * `CartPole-v0` and `Acrobot-v0` are the variants used in the GAIL paper (Ho & Ermon 2016).
 * Resets use ganrl's seeded `Rng`, not NumPy's PCG64, so initial states differ from
 * Gymnasium's for the same seed; from the same state, trajectories are identical.
 *
 *     const env = makeEnv("CartPole-v1", { seed: 0 });
 *     let obs = env.reset();
 *     const { obs: next, reward, terminated, truncated } = env.step(1);
 *
 *     const vec = makeVecEnv("Acrobot-v1", 8, { seed: 0 }); // env i seeded 0 + i
 */
import { GanrlError, checkSeed, describe } from "../core";
import { AcrobotEnv, AcrobotOptions } from "./acrobot";
import { CartPoleEnv, CartPoleOptions } from "./cartpole";
import { ClassicControlEnv, ENV_IDS, EnvId } from "./env";
import { MountainCarEnv, MountainCarOptions } from "./mountaincar";
import { SealsCartPoleEnv, SealsMountainCarEnv } from "./seals";
import { EnvOptions, getEnvSpec } from "./specs";
import { VecEnv, vecEnvFromFactory } from "./vec";

export * from "./env";
export * from "./cartpole";
export * from "./acrobot";
export * from "./mountaincar";
export * from "./mountaincar-optimal";
export * from "./seals";
export * from "./specs";
export * from "./measure";
export * from "./vec";
export * from "./render";

/** The options and the class of each id (for typed `makeEnv`). */
interface EnvTypes {
  "CartPole-v1": [CartPoleOptions, CartPoleEnv];
  "CartPole-v0": [CartPoleOptions, CartPoleEnv];
  "Acrobot-v1": [AcrobotOptions, AcrobotEnv];
  "Acrobot-v0": [AcrobotOptions, AcrobotEnv];
  "MountainCar-v0": [MountainCarOptions, MountainCarEnv];
  "seals/CartPole-v0": [CartPoleOptions, SealsCartPoleEnv];
  "seals/MountainCar-v0": [MountainCarOptions, SealsMountainCarEnv];
}
/** Options of `makeEnv` for each id. */
export type EnvOptionsFor<I extends EnvId> = EnvTypes[I][0];
/** The environment class for each id. */
export type EnvFor<I extends EnvId> = EnvTypes[I][1];

/** Whether `id` is one of `ENV_IDS`. */
export function isEnvId(id: unknown): id is EnvId {
  return typeof id === "string" && (ENV_IDS as readonly string[]).includes(id);
}

/**
 * Creates an environment. Options: `seed` (default 0), `params` (physics overrides),
 * `forceNoiseStd` (CartPole) / `torqueNoiseStd` (Acrobot), `reuseObs`. Unknown keys throw.
 */
export function makeEnv<I extends EnvId>(id: I, opts?: EnvOptionsFor<I>): EnvFor<I>;
export function makeEnv(id: string, opts?: EnvOptions): ClassicControlEnv;
export function makeEnv(id: string, opts: EnvOptions = {}): ClassicControlEnv {
  const spec = getEnvSpec(id);
  if (opts === null || typeof opts !== "object") {
    throw new GanrlError(`makeEnv options must be an object such as { seed: 0 }, got ${describe(opts)}`);
  }
  return spec.make(opts);
}

/**
 * `n` environments stepped together (see `VecEnv`); env i is seeded `seed + i` (seed default 0).
 * The other options are passed to every env.
 */
export function makeVecEnv<I extends EnvId>(id: I, n: number, opts?: EnvOptionsFor<I>): VecEnv;
export function makeVecEnv(id: string, n: number, opts?: EnvOptions): VecEnv;
export function makeVecEnv(id: string, n: number, opts: EnvOptions = {}): VecEnv {
  const spec = getEnvSpec(id);
  const seed = opts.seed ?? 0;
  checkSeed(seed, `makeVecEnv seed`);
  return vecEnvFromFactory(n, seed, (s) => spec.make({ ...opts, seed: s }));
}
