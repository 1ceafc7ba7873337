export * from "./expr.ts";
export * from "./queries.ts";
export * from "./cost.ts";
export * from "./scope.ts";
export * from "./capacity.ts";
