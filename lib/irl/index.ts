/**
 * Inverse RL: AIRL (state-action and disentangled rewards) and guided cost learning (`gcl.ts`) on the shared
 * adversarial trainer, the max-ent IRL objective with importance weights, potential shaping, tabular
 * AIRL with exact quantities, reward comparison (correlations, EPIC) and reward transfer.
 * Derivations: notebooks/11_adversarial_inverse_rl.ipynb.
 */
export * from "./shaping";
export * from "./maxent";
export * from "./airl";
export * from "./gcl";
export * from "./tabular";
export * from "./evaluate";
