/**
 * Every key this Worker puts in the Cache API (edge-cache entries, the flags fallback) lives under this one origin,
 * whatever host the request came in on (a custom domain, a second route): a burn through one hostname must purge what
 * was cached for all of them. Never resolved or fetched.
 */
export const EDGE_CACHE_ORIGIN = "https://edge-cache.moltsecret.invalid";
