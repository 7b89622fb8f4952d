/** Core services every layer uses: seeded randomness, backend choice, validation, atomic files. */
export * from "./rng";
export * from "./validate";
export * from "./files";
export * from "./backend";
export * from "./quick";
export * from "./stats";
export * from "./profile";
