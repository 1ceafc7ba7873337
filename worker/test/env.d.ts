declare namespace Cloudflare {
  interface Env {
    /** Read from migrations/ by vitest.config.ts and applied by worker/test/apply-migrations.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
