/** Optional vars: absent means the catalog default (see worker/config.ts). Bindings are generated into worker-configuration.d.ts. */
declare namespace Cloudflare {
  interface Env {
    /** Largest accepted ciphertext, bytes (default catalog CIPHERTEXT_MAX_BYTES). */
    MAX_CIPHERTEXT_BYTES?: string;
    /** Creates per client IP per minute; 0 disables the limit (default catalog RATE_LIMITS). */
    RATE_LIMIT_CREATE_PER_MINUTE?: string;
    /** Reveals per client IP per minute; 0 disables the limit (default catalog RATE_LIMITS). */
    RATE_LIMIT_REVEAL_PER_MINUTE?: string;
    /** Write-behind flush interval of the view counters, ms (default catalog WRITE_BEHIND_FLUSH). */
    VIEW_FLUSH_INTERVAL_MS?: string;
    /** KV key of the feature flags JSON (default "flags"). */
    FLAGS_KV_KEY?: string;
  }
}
