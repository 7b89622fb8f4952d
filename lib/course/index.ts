/** Course helpers for the notebooks: exercises and their checks. */
export * from "./check";
