/** Demonstration datasets (format, validation, subsampling, splits, CSV export). */
export * from "./trajectories";
