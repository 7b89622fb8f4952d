/** Imitation learning: the shared adversarial loop and its discriminators, GAIL, FEM and GTAL, behavioural cloning, expert data, tuned presets. */
export * from "./rewards";
export * from "./demos";
export * from "./discriminator";
export * from "./adversarial";
export * from "./gail";
export * from "./linear";
export * from "./bc";
export * from "./dagger";
export * from "./presets";
export type { DemoSet, Trajectory, Transitions } from "../data";
