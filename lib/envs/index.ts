/**
 * ganrl's environments: CartPole and Acrobot ported bit-for-bit from Gymnasium 1.4.0.
 *
 * | id            | dynamics        | obs                                   | max steps |
 * |---------------|-----------------|---------------------------------------|-----------|
 * | `CartPole-v1` | Gymnasium       | [x, ẋ, θ, θ̇]                          | 500       |
 * | `CartPole-v0` | same            | same                                  | 200       |
 * | `Acrobot-v1`  | Gymnasium       | [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2] | 500     |
 * | `Acrobot-v0`  | same            | [θ1, θ2, θ̇1, θ̇2]                      | 200       |
 *
 * The `-v0` ids are the variants used in the GAIL paper (Ho & Ermon 2016).
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
import { VecEnv, vecEnvFromFactory } from "./vec";

export * from "./env";
export * from "./cartpole";
export * from "./acrobot";
export * from "./vec";
export * from "./render";

/** Options of `makeEnv` for each id. */
export type EnvOptionsFor<I extends EnvId> = I extends "CartPole-v1" | "CartPole-v0" ? CartPoleOptions : AcrobotOptions;
/** The environment class for each id. */
export type EnvFor<I extends EnvId> = I extends "CartPole-v1" | "CartPole-v0" ? CartPoleEnv : AcrobotEnv;
/** Union of every environment option. */
export type EnvOptions = CartPoleOptions | AcrobotOptions;

/** Whether `id` is one of `ENV_IDS`. */
export function isEnvId(id: unknown): id is EnvId {
  return typeof id === "string" && (ENV_IDS as readonly string[]).includes(id);
}

function checkId(id: unknown): asserts id is EnvId {
  if (!isEnvId(id)) {
    throw new GanrlError(`unknown environment id ${describe(id)}; valid ids: ${ENV_IDS.join(", ")}`);
  }
}

/**
 * Creates an environment. Options: `seed` (default 0), `params` (physics overrides),
 * `forceNoiseStd` (CartPole) / `torqueNoiseStd` (Acrobot), `reuseObs`. Unknown keys throw.
 */
export function makeEnv<I extends EnvId>(id: I, opts?: EnvOptionsFor<I>): EnvFor<I>;
export function makeEnv(id: string, opts?: EnvOptions): ClassicControlEnv;
export function makeEnv(id: string, opts: EnvOptions = {}): ClassicControlEnv {
  checkId(id);
  if (opts === null || typeof opts !== "object") {
    throw new GanrlError(`makeEnv options must be an object such as { seed: 0 }, got ${describe(opts)}`);
  }
  switch (id) {
    case "CartPole-v1":
    case "CartPole-v0":
      return new CartPoleEnv(opts as CartPoleOptions, id);
    case "Acrobot-v1":
    case "Acrobot-v0":
      return new AcrobotEnv(opts as AcrobotOptions, id);
  }
}

/**
 * `n` environments stepped together (see `VecEnv`); env i is seeded `seed + i` (seed default 0).
 * The other options are passed to every env.
 */
export function makeVecEnv<I extends EnvId>(id: I, n: number, opts?: EnvOptionsFor<I>): VecEnv;
export function makeVecEnv(id: string, n: number, opts?: EnvOptions): VecEnv;
export function makeVecEnv(id: string, n: number, opts: EnvOptions = {}): VecEnv {
  checkId(id);
  const seed = opts.seed ?? 0;
  checkSeed(seed, `makeVecEnv seed`);
  return vecEnvFromFactory(n, seed, (s) => makeEnv(id, { ...opts, seed: s }));
}
