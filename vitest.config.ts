import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Two kinds of tests:
 * - `workers`: everything under worker/ and otlp/ runs inside workerd with real D1, KV, Cache API and Durable Objects.
 * - `node`: files named `*.node.test.ts`, and everything under cli/, promql/, grafana/, dashboards/, alerts/, observability/, scripts/, test/ (real binaries, subprocesses, libSQL).
 */
const NODE_TESTS = ["**/*.node.test.ts", "cli/**/*.test.ts", "promql/**/*.test.ts", "grafana/**/*.test.ts", "dashboards/**/*.test.ts", "alerts/**/*.test.ts", "observability/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"];

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./worker/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              // MOLTSECRET_TEST_TELEMETRY=<OTLP base URL> runs the whole suite with telemetry on (it must pass either way).
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, ...(process.env.MOLTSECRET_TEST_TELEMETRY ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.MOLTSECRET_TEST_TELEMETRY, OTEL_METRIC_EXPORT_INTERVAL: "1000" } : {}) },
                // The write Worker as wrangler bundles it (worker/writer/test/bundle.global-setup.ts), on the same D1 database:
                // the API's WRITER binding (service = "moltsecret-writer") resolves to it, so every test runs the split.
                workers: [
                  {
                    name: "moltsecret-writer",
                    modules: true,
                    scriptPath: "./.build/writer-test/index.js",
                    compatibilityDate: "2026-05-01",
                    compatibilityFlags: ["nodejs_compat"],
                    d1Databases: { DB: "00000000-0000-0000-0000-000000000000" },
                  },
                ],
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["worker/**/*.test.ts", "otlp/**/*.test.ts"],
            exclude: NODE_TESTS,
            setupFiles: ["./worker/test/apply-migrations.ts"],
            globalSetup: ["./test/tmpdir.global-setup.ts", "./worker/writer/test/bundle.global-setup.ts", "./otlp/test/otlp-receiver.global-setup.ts", "./otlp/test/throttling-backend.global-setup.ts"],
          },
        },
        {
          plugins: [
            cloudflareTest({
              main: "./tail/index.ts",
              wrangler: { configPath: "./tail/wrangler.toml" },
              // The API Worker, as wrangler bundles it (tail/test/global-setup.ts builds it): the Tail Worker's
              // TELEMETRY_AGGREGATOR binding (script_name = "moltsecret-api") resolves to its real aggregator.
              miniflare: {
                workers: [
                  {
                    name: "moltsecret-api",
                    modules: true,
                    scriptPath: "./.build/tail-test-api/index.js",
                    compatibilityDate: "2026-05-01",
                    compatibilityFlags: ["nodejs_compat"],
                    durableObjects: { TELEMETRY_AGGREGATOR: { className: "TelemetryAggregator", useSQLite: true } },
                  },
                ],
              },
            }),
          ],
          test: {
            name: "tail",
            include: ["tail/**/*.test.ts"],
            globalSetup: ["./test/tmpdir.global-setup.ts", "./tail/test/api-bundle.global-setup.ts", "./tail/test/global-setup.ts"],
          },
        },
        {
          test: {
            name: "node",
            environment: "node",
            globalSetup: ["./test/tmpdir.global-setup.ts"],
            include: NODE_TESTS,
            exclude: ["node_modules/**", ".build/**", ".wrangler/**"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
