/**
 * GAN world models (notebook 10): a residual transition generator G(s, a, z) trained with an
 * adversarial loss plus λ·reconstruction against a transition discriminator D(s, a, s'), the
 * maximum-likelihood baseline (same G, reconstruction only), imagination, model-predictive
 * control in the learned model, and Dyna-style augmentation of PPO.
 */
export * from "./spec";
export * from "./data";
export * from "./model";
export * from "./imagine";
export * from "./eval";
export * from "./mpc";
export * from "./dyna";
