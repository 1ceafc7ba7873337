import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { TELEMETRY } from "../../catalog/index.ts";
import { parseTelemetryConfig, type TelemetryConfig } from "../../otlp/config.ts";
import { keepFailedRequest } from "./error-span.ts";
import { parseRetryAfter } from "../../otlp/post.ts";
import { TelemetryPipeline } from "../../otlp/pipeline.ts";
import { telemetryMiddleware } from "./middleware.ts";
import { flaky } from "../../otlp/test/fleet.ts";
import { telemetryEnv } from "../../otlp/test/telemetry-env.ts";
import { received, throttle, throttlingBackendUrl } from "../../otlp/test/throttling-backend.ts";

const config = (over: Partial<TelemetryConfig> = {}): TelemetryConfig => ({ ...parseTelemetryConfig(telemetryEnv())!, ...over });
const logEntry = (i: number) => ({ timeMs: Date.now(), severityNumber: 9, severityText: "INFO", body: `GET /x ${i}`, attributes: { n: i } });
const failedRequest = (pipeline: TelemetryPipeline) =>
  keepFailedRequest(pipeline, { method: "GET", route: "/boom", status: 500, durationMs: 3, region: "eu", requestId: crypto.randomUUID(), timeMs: Date.now() });
const never = () => new Promise<void>(() => {});

describe("every flush is bounded in time (issue 12, item 12)", () => {
  it("abandons a hook that never settles: the flush still exports, and the isolate flushes again", async () => {
    const pipeline = new TelemetryPipeline(config({ flushHookTimeoutMs: 300 }));
    pipeline.setFlushHook("unique-users", never);
    pipeline.instruments.secretsCreated.add(1);
    pipeline.pushLog(logEntry(1));
    const started = Date.now();
    const report = await pipeline.flush();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.metrics?.ok).toBe(true);
    expect(report.logs?.ok).toBe(true);
    const waits: Promise<unknown>[] = [];
    expect(pipeline.maybeFlush({ waitUntil: (p) => void waits.push(p) }, Date.now() + pipeline.config.exportIntervalMs + 1)).toBe(true);
    await Promise.all(waits);
  });

  it("never makes a request wait for a hanging aggregator, and gives the hand-off up after handoffTimeout", async () => {
    const app = new Hono<{ Bindings: object }>();
    app.use(telemetryMiddleware());
    app.get("/healthz", (c) => c.text("ok"));
    const e = { ...env, ...telemetryEnv({ OTEL_SERVICE_NAME: "hanging-aggregator" }), TELEMETRY_AGGREGATOR: flaky({ now: "hang" }) };
    const call = async () => {
      const ctx = createExecutionContext();
      const started = Date.now();
      const res = await app.fetch(new Request("https://api.example.com/healthz"), e, ctx);
      await res.text();
      return { ms: Date.now() - started, background: waitOnExecutionContext(ctx).then(() => Date.now() - started) };
    };
    await (await call()).background;
    await new Promise((r) => setTimeout(r, 1_100));
    // This request's flush hands off to an aggregator that never answers.
    const second = await call();
    expect(second.ms).toBeLessThan(200);
    const background = await second.background;
    expect(background).toBeGreaterThanOrEqual(TELEMETRY.handoffTimeout.value - 50);
    expect(background).toBeLessThan(TELEMETRY.handoffTimeout.value + 2_000);
  });

  it("treats a flush that never settled (its waitUntil cancelled) as dead after the flush deadline", () => {
    const pipeline = new TelemetryPipeline(config({ flushHookTimeoutMs: 1e9 }));
    pipeline.setFlushHook("stuck", never);
    const ctx = { waitUntil: () => {} };
    const t0 = Date.now() + pipeline.config.exportIntervalMs + 1;
    expect(pipeline.maybeFlush(ctx, t0)).toBe(true);
    expect(pipeline.maybeFlush(ctx, t0 + pipeline.config.exportIntervalMs + 1)).toBe(false);
    expect(pipeline.maybeFlush(ctx, t0 + TELEMETRY.flushDeadline.value)).toBe(true);
  });
});

describe("a throttling backend (issue 12, item 13)", () => {
  it("parses Retry-After as seconds or an HTTP date, capped", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 01 Dec 2026 10:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("999999", now)).toBe(TELEMETRY.maxRetryAfter.value);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("honours a 429's Retry-After and keeps the failed logs and spans for the flush after it", async () => {
    const pipeline = new TelemetryPipeline(config({ endpoint: throttlingBackendUrl() }));
    pipeline.instruments.secretsCreated.add(1);
    for (let i = 0; i < 10; i++) pipeline.pushLog(logEntry(i));
    failedRequest(pipeline);
    await throttle(429, "30", 3);
    const { next } = await received();
    const t0 = Date.now();
    const failed = await pipeline.flush(t0);
    expect([failed.logs?.ok, failed.traces?.ok]).toEqual([false, false]);
    expect((await received(next)).received.map((r) => r.status)).toEqual([429, 429, 429]);

    // Inside the backend's 30 s nothing is sent (the isolate's next intervals come and go); new items queue behind.
    for (let i = 0; i < 5; i++) pipeline.pushLog(logEntry(100 + i));
    const { next: quiet } = await received();
    await pipeline.flush(t0 + 1_500);
    await pipeline.flush(t0 + 20_000);
    expect((await received(quiet)).received).toEqual([]);

    const after = await pipeline.flush(t0 + 30_001);
    expect(after.logs).toMatchObject({ ok: true, records: 15 });
    expect(after.traces).toMatchObject({ ok: true, spans: 1 });
    expect(after.metrics?.ok).toBe(true);
  });

  it("keeps at most the buffer's capacity while throttled; the rest is dropped and counted", async () => {
    const pipeline = new TelemetryPipeline(config({ endpoint: throttlingBackendUrl() }));
    const cap = TELEMETRY.maxLogRecords.value;
    for (let i = 0; i < cap; i++) pipeline.pushLog(logEntry(i));
    await throttle(503, "1", 1);
    const t0 = Date.now();
    expect((await pipeline.flush(t0)).logs?.ok).toBe(false);
    for (let i = 0; i < 25; i++) pipeline.pushLog(logEntry(i));
    expect(pipeline.logs.size).toBe(cap);
    const after = await pipeline.flush(t0 + 1_001);
    expect(after.logs).toMatchObject({ ok: true, records: cap });
  });
});
