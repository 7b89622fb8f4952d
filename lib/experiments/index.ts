/** Experiment orchestration: parallel, sharded, resumable sweeps and result tables. */
export * from "./sweep";
