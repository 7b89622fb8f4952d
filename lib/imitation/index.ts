/** Imitation learning: the shared adversarial trainer, GAIL, behavioural cloning, expert data, tuned presets. */
export * from "./rewards";
export * from "./demos";
export * from "./adversarial";
export * from "./gail";
export * from "./bc";
export * from "./presets";
export type { DemoSet, Trajectory, Transitions } from "../data";
