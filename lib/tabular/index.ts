/**
 * Tabular building blocks of the GAIL derivation (Ho & Ermon 2016, §2–5), exact on finite MDPs:
 * MDPs and policies, occupancy measures, soft value iteration and causal entropy, max-causal-entropy
 * IRL, divergences and the optimal discriminator, behavioural cloning, and tabular GAIL.
 * Notebooks 01–06 derive each piece and check it numerically with these functions.
 */
export * from "./mdp";
export * from "./evaluate";
export * from "./soft";
export * from "./divergence";
export * from "./irl";
export * from "./bc";
export * from "./gail";
