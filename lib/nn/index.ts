/** Neural-network building blocks: MLPs as TF.js variables, categorical policy, value net, normalisation, (de)serialisation. */
export * from "./init";
export * from "./dense";
export * from "./mlp";
export * from "./mirror";
export * from "./linearise";
export * from "./normalize";
export * from "./policy";
export * from "./flat";
export * from "./adam";
