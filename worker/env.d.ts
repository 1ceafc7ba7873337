/** Optional vars: absent means the catalog default (see worker/config.ts). Bindings are generated into worker-configuration.d.ts. */
declare namespace Cloudflare {
  interface Env {
    /** Largest accepted ciphertext, bytes (default catalog CIPHERTEXT_MAX_BYTES). */
    MAX_CIPHERTEXT_BYTES?: string;
    /** Creates per client network per minute; 0 disables the limit (default catalog RATE_LIMITS). */
    RATE_LIMIT_CREATE_PER_MINUTE?: string;
    /** Reveals per client network per minute; 0 disables the limit (default catalog RATE_LIMITS). */
    RATE_LIMIT_REVEAL_PER_MINUTE?: string;
    /** Metadata GET/HEAD (edge-cache misses) per client network per minute; 0 disables (default catalog RATE_LIMITS). */
    RATE_LIMIT_READ_PER_MINUTE?: string;
    /** Deletes per client network per minute; 0 disables (default catalog RATE_LIMITS). */
    RATE_LIMIT_DELETE_PER_MINUTE?: string;
    /** /healthz per client network per minute; 0 disables (default catalog RATE_LIMITS). */
    RATE_LIMIT_HEALTH_PER_MINUTE?: string;
    /** Creates per minute fleet-wide; 0 disables (default catalog FLEET_CREATE_BUDGET). */
    FLEET_CREATES_PER_MINUTE?: string;
    /** Ciphertext bytes created per minute fleet-wide; 0 disables (default catalog FLEET_CREATE_BUDGET). */
    FLEET_CREATE_BYTES_PER_MINUTE?: string;
    /** Write-behind flush interval of the view counters, ms (default catalog WRITE_BEHIND_FLUSH). */
    VIEW_FLUSH_INTERVAL_MS?: string;
    /** KV key of the feature flags JSON (default "flags"). */
    FLAGS_KV_KEY?: string;
  }
}
