/** Experiment orchestration: parallel, sharded, resumable sweeps, studies and result tables. */
export * from "./sweep";
export * from "./study";
export * from "./slurm";
