/** Reinforcement learning: rollouts, GAE, pluggable rewards, REINFORCE, PPO, TRPO, DQN, evaluation, checkpoints. */
export * from "./types";
export * from "./gae";
export * from "./rollout";
export * from "./common";
export * from "./onpolicy";
export * from "./ppo";
export * from "./reinforce";
export * from "./trpo";
export * from "./replay";
export * from "./dqn";
export * from "./evaluate";
