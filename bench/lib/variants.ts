// The Worker variants the comparisons run, and checks that what they compare exists in the code yet.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { TELEMETRY } from "../../catalog/index.ts";
import { UNLIMITED_RATE_VARS } from "./api.ts";
import type { Built } from "./build.ts";
import { ROOT } from "./root.ts";
import { NotMeasurable, type BuildKind } from "./types.ts";
import type { Variant } from "./variant-worker.ts";


/** Where each bundle kind comes from: a wrangler config (relative to the repo root) and an optional entry override. */
export const BUILD_SOURCES: Record<BuildKind, { config: string; entry?: string }> = {
  api: { config: "wrangler.toml" },
  "no-telemetry": { config: "wrangler.toml", entry: "bench/variants/no-telemetry.ts" },
  "otel-cf-only": { config: "wrangler.toml", entry: "bench/variants/otel-cf-only.ts" },
};

/**
 * The same API bundle as one Worker, the design before the split: its config without the WRITER service binding, so
 * createStore() writes to D1 itself (worker/store/create-store.ts) and no write Worker is started.
 */
export function oneWorkerConfig(api: Built): string {
  const config = api.config.replace(/\.toml$/, ".one-worker.toml");
  writeFileSync(config, readFileSync(api.config, "utf8").replace(/^\[\[services\]\]\nbinding = "WRITER"\nservice = "[^"]+"\n/m, ""));
  if (readFileSync(config, "utf8").includes('binding = "WRITER"')) throw new Error(`${api.config}: could not drop the WRITER binding`);
  return config;
}

/** The API bundle with telemetry off (no OTEL_EXPORTER_OTLP_ENDPOINT). */
export const offVariant = (api: Built, vars: Record<string, string> = {}): Variant => ({ name: "off", config: api.config, vars: { ...UNLIMITED_RATE_VARS, ...vars } });

/** The same API bundle with telemetry on, exporting to `otlpBase` at the catalog's defaults unless `vars` override them. */
export const onVariant = (api: Built, otlpBase: string, vars: Record<string, string> = {}): Variant => ({
  name: "on",
  config: api.config,
  vars: { ...UNLIMITED_RATE_VARS, OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase, ENVIRONMENT: "bench", ...vars },
});

export const otelCfOnlyVariant = (built: Built, tracesUrl: string): Variant => ({
  name: "otel-cf-only",
  config: built.config,
  vars: { ...UNLIMITED_RATE_VARS, BENCH_TRACES_URL: tracesUrl },
});

/** Throws NotMeasurable unless the API bundle's entry wires worker/telemetry (else "on" would run the same code as "off"). */
export function requireTelemetryWired(): void {
  const { config, entry } = BUILD_SOURCES.api;
  const main = entry ?? readFileSync(join(ROOT, config), "utf8").match(/^main\s*=\s*"([^"]+)"/m)?.[1];
  const path = main ? (isAbsolute(main) ? main : join(ROOT, main)) : "";
  if (!path || !existsSync(path)) throw new NotMeasurable(`the API entry (${main ?? `main of ${config}`}) does not exist`);
  if (!/from\s+["'][^"']*telemetry\//.test(readFileSync(path, "utf8"))) {
    throw new NotMeasurable(`${main} does not wire worker/telemetry yet, so telemetry on would run the same code as off`);
  }
}

/** The export interval the Worker uses when OTEL_METRIC_EXPORT_INTERVAL is unset. */
export const DEFAULT_EXPORT_INTERVAL_MS = TELEMETRY.exportInterval.value;
export const DEFAULT_TRACE_RATIO = TELEMETRY.traceSampleRatio.value;
