/** The operating envelope of MoltSecret: every threshold, limit, price, TTL and metric, defined once. */
export * from "./quantity.ts";
export * from "./thresholds.ts";
export * from "./limits.ts";
export * from "./api.ts";
export * from "./caching.ts";
export * from "./prices.ts";
export * from "./metrics.ts";
export * from "./capacity.ts";
export * from "./telemetry.ts";
export * from "./observability.ts";
export * from "./uptime.ts";
export * from "./placement.ts";
export * from "./cost-terms.ts";
export * from "./aggregator-cost.ts";
