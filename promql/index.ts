export * from "./expr.ts";
export * from "./queries.ts";
export * from "./cost.ts";
