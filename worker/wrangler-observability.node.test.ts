import { resolve } from "node:path";
import { expect, it } from "vitest";

interface Observability {
  enabled?: boolean;
  logs?: { enabled?: boolean; invocation_logs?: boolean };
  traces?: { enabled?: boolean };
}

/** A wrangler config as wrangler itself reads it (top level and every [env.*]). */
async function readConfig(path: string): Promise<{ top: Record<string, unknown>; envs: Record<string, Record<string, unknown>> }> {
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: resolve(path) });
  return { top: rawConfig as Record<string, unknown>, envs: (rawConfig.env ?? {}) as Record<string, Record<string, unknown>> };
}

/** The API, the Tail Worker (its input events carry the API's request URLs) and the write Worker (its requests carry secrets). */
const CONFIGS = ["wrangler.toml", "tail/wrangler.toml", "worker/writer/wrangler.toml"];

it.each(CONFIGS)("%s turns Cloudflare's invocation logs and tracing off in every environment, keeping the Worker's own log lines", async (path) => {
  const { top, envs } = await readConfig(path);
  // [observability] is not inherited by environments: each one must say it again.
  for (const [name, config] of [["top level", top] as const, ...Object.entries(envs)]) {
    const o = config.observability as Observability | undefined;
    expect(o, `${name}: [observability]`).toBeDefined();
    expect(o!.logs?.invocation_logs, `${name}: logs.invocation_logs`).toBe(false);
    expect(o!.traces?.enabled ?? false, `${name}: traces.enabled`).toBe(false);
    expect(o!.logs?.enabled, `${name}: logs.enabled`).toBe(true);
  }
});

it.each(CONFIGS)("%s decides workers_dev explicitly (off: the Cache API does nothing on workers.dev) in every environment", async (path) => {
  const { top, envs } = await readConfig(path);
  expect(top.workers_dev).toBe(false);
  if (path !== "tail/wrangler.toml") expect(top.preview_urls).toBe(false);
  for (const [name, config] of Object.entries(envs)) expect(config.workers_dev ?? top.workers_dev, name).toBe(false);
});
