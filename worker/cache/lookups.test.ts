import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect, it } from "vitest";
import { ATTR, CACHE_LAYERS, METRICS } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { getPipeline } from "../../otlp/index.ts";
import { telemetryMiddleware } from "../telemetry/index.ts";
import { exportFleet } from "../../otlp/test/fleet.ts";
import { captured, decodeBody } from "../../otlp/test/receiver.ts";
import { telemetryEnv } from "../../otlp/test/telemetry-env.ts";
import { createSecret, ORIGIN } from "../test/client.ts";
import { envWithFlags } from "../test/observed-app.ts";

it("every layer's hits and misses reach the OTLP export as moltsecret.cache.lookups by cache.layer and cache.result", async () => {
  // KV is read for hot secrets only; promoting every read puts a KV lookup into two GETs.
  const vars = { ...(await envWithFlags({ queryCacheEveryRead: true })), ...telemetryEnv({ OTEL_SERVICE_NAME: `cache-lookups-${crypto.randomUUID()}` }) } as Env;
  const app = createApp({ use: [telemetryMiddleware()] });
  const s = await createSecret({ maxViews: null });
  for (let i = 0; i < 2; i++) {
    const ctx = createExecutionContext();
    expect((await app.request(`${ORIGIN}/api/secrets/${s.id}`, {}, vars, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
  }
  const { next } = await captured();
  const pipeline = getPipeline(vars)!;
  const report = await pipeline.flush();
  // Metrics leave through the fleet aggregator (TELEMETRY_AGGREGATOR is bound): hand-off, then the aggregator's export.
  expect(report.handoff?.ok).toBe(true);
  await exportFleet(pipeline.config);
  const body = (await captured(next)).batches.filter((b) => b.signal === "metrics").map(decodeBody).join("");
  expect(body).toContain(METRICS.cacheLookups.name);
  for (const text of [ATTR.cacheLayer, ATTR.cacheResult, CACHE_LAYERS.edge, CACHE_LAYERS.kv, CACHE_LAYERS.isolate, "hit", "miss"]) expect(body).toContain(text);
  expect(body).not.toContain(s.id);
});
