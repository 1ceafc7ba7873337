/**
 * Operator switches, read from one KV key (JSON object). Absent key, absent field or a wrong type means the default.
 * `cachingDisabled` is the master switch for comparing caching on vs off: it implies the three *CacheDisabled flags.
 */
export interface Flags {
  /** POST /api/secrets answers 503 service_unavailable. */
  createDisabled: boolean;
  /** Layer 1 off: metadata GETs neither read nor fill the Cache API. */
  edgeCacheDisabled: boolean;
  /** Layer 3 off: metadata GETs neither read nor fill the KV query cache. */
  queryCacheDisabled: boolean;
  /** Layer 3 promotes every read into KV, hot or not (the layer before "KV for hot data only"; for comparison). */
  queryCacheEveryRead: boolean;
  /** Unlimited-view reveals count atomically in D1 (one write each) instead of in the view-counter DOs. */
  writeBehindDisabled: boolean;
}

export const DEFAULT_FLAGS: Readonly<Flags> = Object.freeze({
  createDisabled: false,
  edgeCacheDisabled: false,
  queryCacheDisabled: false,
  queryCacheEveryRead: false,
  writeBehindDisabled: false,
});
