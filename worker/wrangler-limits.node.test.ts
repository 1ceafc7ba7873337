import { expect, it } from "vitest";
import { WORKER_LIMITS } from "../catalog/index.ts";

/** wrangler.toml through wrangler's own parser, as `wrangler deploy` reads it. */
async function rawConfig(path: string): Promise<Record<string, unknown>> {
  const { experimental_readRawConfig } = await import("wrangler");
  return experimental_readRawConfig({ config: path }).rawConfig as Record<string, unknown>;
}

it("the API Worker's [limits] cpu_ms is the catalog's WORKER_LIMITS.cpuMs", async () => {
  const config = await rawConfig("wrangler.toml");
  expect((config.limits as { cpu_ms?: number } | undefined)?.cpu_ms).toBe(WORKER_LIMITS.cpuMs.value);
});
