import { ATTR } from "../../catalog/index.ts";
import { activePipeline } from "../../otlp/registry.ts";

/** Business counters. No-ops when telemetry is off; they never throw into the route. */
const add = (key: "secretsCreated" | "secretsRevealed" | "secretsBurned" | "secretsPurged", n: number): void => {
  if (n > 0) activePipeline()?.instruments[key].add(n);
};

export const recordSecretCreated = (n = 1): void => add("secretsCreated", n);
export const recordSecretRevealed = (n = 1): void => add("secretsRevealed", n);
export const recordSecretBurned = (n = 1): void => add("secretsBurned", n);
export const recordSecretsPurged = (n: number): void => add("secretsPurged", n);

/** A 429, by what was refused (e.g. "create", "reveal"). */
export const recordRateLimited = (action: string): void => {
  activePipeline()?.instruments.rateLimited.bind(action, () => ({ [ATTR.action]: action })).add(1);
};

/** One cache lookup: layer (e.g. "edge", "kv", "isolate") and result ("hit" / "miss"). */
export const recordCacheLookup = (layer: string, result: "hit" | "miss"): void => {
  activePipeline()?.instruments.cacheLookups.bind(`${layer}\u0001${result}`, () => ({ [ATTR.cacheLayer]: layer, [ATTR.cacheResult]: result })).add(1);
};

/** One billed KV write of the query cache: "promote" (a hot secret stored) or "invalidate" (deleted after a write). */
export const recordKvWrite = (action: "promote" | "invalidate"): void => {
  activePipeline()?.instruments.kvWrites.bind(action, () => ({ [ATTR.action]: action })).add(1);
};
