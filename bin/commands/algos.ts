/**
 * The algorithms `ganrl train-expert` can run, with the hyper-parameters each uses per
 * environment family. Every preset can be overridden with `--set key=value` (unknown keys are
 * rejected by the trainer, which lists the valid ones).
 *
 * | algo      | CartPole (v1, v0)                               | Acrobot (v1, v0)                                      |
 * |-----------|--------------------------------------------------|-------------------------------------------------------|
 * | ppo       | SB3 rl-zoo CartPole-v1 (`PPO_CARTPOLE_ZOO`), 1e5 | SB3 rl-zoo Acrobot-v1: 16 envs, n_steps 256, λ 0.94, γ 0.99, 4 epochs, minibatch 64, ent 0, normalised obs, 1e6 |
 * | trpo      | paper expert: 64-64 tanh, 5000 pairs/iteration, γ 0.995, λ 0.97, δ 0.01, 5e5 | same, normalised obs                  |
 * | reinforce | 8 envs × 256, λ = 1, 3e5                          | 16 envs × 256, normalised obs, 1e6                     |
 * | dqn       | SB3 rl-zoo CartPole-v1 (`DQN_DEFAULTS`: 256-256 ReLU, lr 2.3e-3, train every 256 steps × 128 updates), 5e4 | SB3 rl-zoo Acrobot-v1: lr 6.3e-4, batch 128, buffer 5e4, target every 250, train every 4 × 4, ε → 0.1 over 12%, 1e5 |
 *
 * MountainCar (v0, seals): `ppo` = SB3 rl-zoo MountainCar-v0 (16 envs × 16 steps, λ 0.98, γ 0.99,
 * 4 epochs, minibatch 64, ent 0, normalised obs), 1e6; `dqn` = SB3 rl-zoo MountainCar-v0 (lr 4e-3,
 * batch 128, buffer 1e4, γ 0.98, target every 600, train every 16 × 8, ε → 0.07 over 20%,
 * 256-256 ReLU), 1.2e5. No trpo/reinforce presets: random exploration rarely reaches the flag.
 */
import { GanrlError } from "../../lib/core";
import { EnvFamily, EnvId, getEnvSpec } from "../../lib/envs";
import { NetJson, netJson } from "../../lib/nn";
import { PPO, PPO_CARTPOLE_ZOO, TRPO, Reinforce, DQN, DQN_DEFAULTS, OnPolicyTrainer, OnPolicyOptions, LearnOptions, LearnResult, TrainerCheckpoint } from "../../lib/rl";
import { Actor, policyActor, qActor } from "./common";

export const ALGOS = ["ppo", "trpo", "reinforce", "dqn"] as const;
export type AlgoName = (typeof ALGOS)[number];

/** What the CLI needs from a trainer (the on-policy trainers and DQN satisfy it). */
export interface Trainer {
  readonly algo: string;
  readonly step: number;
  readonly iteration: number;
  learn(totalSteps: number, opts?: LearnOptions): Promise<LearnResult>;
  checkpoint(): Promise<TrainerCheckpoint>;
  restore(ckpt: TrainerCheckpoint): Promise<void>;
  dispose(): void;
}

/** The expert inside a trainer: an actor for evaluation (owned by the trainer) and its file form. */
export interface ExpertView {
  actor: Actor;
  save(meta: Record<string, unknown>): NetJson;
}

export function expertOf(trainer: Trainer): ExpertView {
  if (trainer instanceof DQN) {
    // the ε of the stochastic mode: the exploration rate DQN finished training with
    const epsilon = trainer.opts.explorationFinalEps;
    return { actor: qActor(trainer.q, epsilon), save: (meta) => netJson("q", trainer.q, null, { ...meta, epsilon }) };
  }
  const t = trainer as unknown as OnPolicyTrainer<OnPolicyOptions>;
  return { actor: policyActor(t.policy), save: (meta) => t.policy.save(meta) };
}

export interface AlgoPreset {
  /** Trainer options for this environment (seed and envId are added by the command). */
  options: Record<string, unknown>;
  /** Default budget in environment steps. */
  steps: number;
}

/** SB3 rl-zoo's Acrobot-v1 PPO (`hyperparams/ppo.yml`); minibatch 64 is SB3's default. */
export const PPO_ACROBOT_ZOO = Object.freeze({
  numEnvs: 16,
  nSteps: 256,
  gaeLambda: 0.94,
  gamma: 0.99,
  nEpochs: 4,
  batchSize: 64,
  lr: 3e-4,
  annealLr: false,
  entCoef: 0.0,
  normalizeObs: true,
  hidden: [64, 64],
});

/** The GAIL paper's expert recipe: TRPO, 64-64 tanh, batches of 5000 state-action pairs. */
export const TRPO_PAPER_EXPERT = Object.freeze({
  numEnvs: 10,
  nSteps: 500,
  gamma: 0.995,
  gaeLambda: 0.97,
  maxKl: 0.01,
  damping: 0.1,
  hidden: [64, 64],
});

/** SB3 rl-zoo's Acrobot-v1 DQN (`hyperparams/dqn.yml`; gradient_steps −1 = one per env step). */
export const DQN_ACROBOT_ZOO = Object.freeze({
  lr: 6.3e-4,
  batchSize: 128,
  bufferSize: 50_000,
  learningStarts: 0,
  gamma: 0.99,
  targetUpdateInterval: 250,
  trainFreq: 4,
  gradientSteps: 4,
  explorationFraction: 0.12,
  explorationFinalEps: 0.1,
  hidden: [256, 256],
});

/**
 * SB3 rl-zoo's MountainCar-v0 PPO (`hyperparams/ppo.yml`): the Acrobot settings with 16-step
 * rollouts and λ 0.98 (the zoo's `normalize` here normalises observations only).
 */
export const PPO_MOUNTAINCAR_ZOO = Object.freeze({ ...PPO_ACROBOT_ZOO, nSteps: 16, gaeLambda: 0.98 });

/** SB3 rl-zoo's MountainCar-v0 DQN (`hyperparams/dqn.yml`). */
export const DQN_MOUNTAINCAR_ZOO = Object.freeze({
  lr: 4e-3,
  batchSize: 128,
  bufferSize: 10_000,
  learningStarts: 1000,
  gamma: 0.98,
  targetUpdateInterval: 600,
  trainFreq: 16,
  gradientSteps: 8,
  explorationFraction: 0.2,
  explorationFinalEps: 0.07,
  hidden: [256, 256],
});

/** The presets of each environment family (`EnvSpec.family`); a family may lack an algorithm. */
const PRESETS: Readonly<Record<EnvFamily, Partial<Record<AlgoName, AlgoPreset>>>> = Object.freeze({
  CartPole: {
    ppo: { options: { ...PPO_CARTPOLE_ZOO }, steps: 100_000 },
    trpo: { options: { ...TRPO_PAPER_EXPERT, normalizeObs: false }, steps: 500_000 },
    reinforce: { options: { numEnvs: 8, nSteps: 256 }, steps: 300_000 },
    dqn: { options: { ...DQN_DEFAULTS, env: undefined, rewardFn: undefined }, steps: 50_000 },
  },
  Acrobot: {
    ppo: { options: { ...PPO_ACROBOT_ZOO }, steps: 1_000_000 },
    trpo: { options: { ...TRPO_PAPER_EXPERT, normalizeObs: true }, steps: 500_000 },
    reinforce: { options: { numEnvs: 16, nSteps: 256, normalizeObs: true }, steps: 1_000_000 },
    dqn: { options: { ...DQN_ACROBOT_ZOO }, steps: 100_000 },
  },
  MountainCar: {
    ppo: { options: { ...PPO_MOUNTAINCAR_ZOO }, steps: 1_000_000 },
    dqn: { options: { ...DQN_MOUNTAINCAR_ZOO }, steps: 120_000 },
  },
});

/** The preset of `algo` for `env`'s family; a `GanrlError` naming the ones there are if it has none. */
export function preset(algo: AlgoName, env: EnvId): AlgoPreset {
  const spec = getEnvSpec(env);
  const family = PRESETS[spec.family];
  const p = family[algo];
  if (!p) {
    throw new GanrlError(
      `no ${algo} preset for ${env} (${spec.family} family); presets there: ${Object.keys(family).join(", ")}; ` +
        `choose one of those with --algo, or pass every option with --set`,
    );
  }
  return { options: { ...p.options }, steps: p.steps };
}

/** Builds a fresh trainer from full options (as stored in a checkpoint's `options`). */
export function makeTrainer(algo: AlgoName, options: Record<string, unknown>): Trainer {
  switch (algo) {
    case "ppo":
      return new PPO(options) as unknown as Trainer;
    case "trpo":
      return new TRPO(options) as unknown as Trainer;
    case "reinforce":
      return new Reinforce(options) as unknown as Trainer;
    case "dqn":
      return new DQN(options);
  }
}
