export { DEFAULT_FLAGS, type Flags } from "../operator-flags.ts";
export { FlagCache, isolateFlags, parseFlags } from "./flags.ts";
export { EDGE_CACHE_ORIGIN } from "./cache-origin.ts";
export { edgeCache, edgeCacheKey, knownMissing, purgeEdgeCache, rememberMissing } from "./edge-cache.ts";
export { cachedMetadata, invalidateQueryCache, queryCacheKey } from "./query-cache.ts";
export { countReads, invalidateSecret, metadataOf } from "./secret-cache.ts";
