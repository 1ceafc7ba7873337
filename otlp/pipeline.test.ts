import { afterEach, describe, expect, it } from "vitest";
import { TELEMETRY } from "../catalog/index.ts";
import { parseTelemetryConfig, type TelemetryConfig } from "./config.ts";
import { TelemetryPipeline } from "./pipeline.ts";
import { captured, decodeBody, receiverUrl, setReceiverMode } from "./test/receiver.ts";
import { telemetryEnv } from "./test/telemetry-env.ts";

const config = (over: Partial<TelemetryConfig> = {}): TelemetryConfig => ({ ...parseTelemetryConfig(telemetryEnv())!, ...over });

const logEntry = (i: number) => ({ timeMs: Date.now(), severityNumber: 9, severityText: "INFO", body: `GET /x ${i}`, attributes: { n: i } });

afterEach(() => setReceiverMode("ok"));

describe("TelemetryPipeline in workerd", () => {
  it("exports under this file's own receiver scope: its fail and hang modes never answer another file's exports", async () => {
    expect(receiverUrl()).toMatch(/\/scope\/[A-Za-z0-9._-]*otlp-pipeline\.test\.ts$/);
    await setReceiverMode("fail");
    const anotherFile = receiverUrl().replace(/[^/]+$/, "another-file.test.ts");
    expect((await fetch(`${anotherFile}/v1/logs`, { method: "POST", body: "" })).status).toBe(200);
    expect((await fetch(`${receiverUrl()}/v1/logs`, { method: "POST", body: "" })).status).toBe(500);
  });

  it("posts OTLP protobuf metrics to {endpoint}/v1/metrics with the configured headers", async () => {
    const pipeline = new TelemetryPipeline(
      parseTelemetryConfig(telemetryEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiverUrl()}/`, OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20dGVzdDp0b2tlbg==" }))!,
    );
    const { next } = await captured();
    pipeline.instruments.secretsCreated.add(3);
    const report = await pipeline.flush();
    expect(report.metrics?.ok).toBe(true);
    const { batches } = await captured(next);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch!.signal).toBe("metrics");
    expect(batch!.contentType).toBe("application/x-protobuf");
    expect(batch!.authorization).toBe("Basic dGVzdDp0b2tlbg==");
    const body = decodeBody(batch!);
    expect(body).toContain("moltsecret.secrets.created");
    expect(body).toContain("service.instance.id");
  });

  it("flushes at most once per interval, and logs leave in one batch with the metrics", async () => {
    const pipeline = new TelemetryPipeline(config({ exportIntervalMs: 60_000 }));
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p) };
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) pipeline.pushLog(logEntry(i));
    expect(pipeline.maybeFlush(ctx, t0 + 1000)).toBe(false);
    const { next } = await captured();
    pipeline.instruments.secretsRevealed.add(1);
    expect(pipeline.maybeFlush(ctx, t0 + 60_001)).toBe(true);
    expect(pipeline.maybeFlush(ctx, t0 + 60_002)).toBe(false);
    await Promise.all(waits);
    expect(pipeline.maybeFlush(ctx, t0 + 60_003)).toBe(false);
    const { batches } = await captured(next);
    expect(batches.map((b) => [b.signal, b.items]).sort()).toEqual([["logs", 50], ["metrics", 1]]);
  });

  it("bounds the log buffer, dropping and counting what does not fit", async () => {
    const pipeline = new TelemetryPipeline(config());
    const cap = TELEMETRY.maxLogRecords.value;
    for (let i = 0; i < cap + 25; i++) pipeline.pushLog(logEntry(i));
    expect(pipeline.logs.size).toBe(cap);
    const { next } = await captured();
    const report = await pipeline.flush();
    expect(report.logs?.records).toBe(cap);
    const metrics = (await captured(next)).batches.find((b) => b.signal === "metrics")!;
    const body = decodeBody(metrics);
    expect(body).toContain("moltsecret.telemetry.items");
    expect(body).toContain("dropped");
  });

  it("survives a backend answering 500: the flush reports failure and the failure is counted", async () => {
    const pipeline = new TelemetryPipeline(config());
    pipeline.instruments.secretsBurned.add(1);
    pipeline.pushLog(logEntry(1));
    await setReceiverMode("fail");
    const failed = await pipeline.flush();
    expect(failed.metrics?.ok).toBe(false);
    expect(failed.logs?.ok).toBe(false);
    await setReceiverMode("ok");
    const { next } = await captured();
    expect((await pipeline.flush()).metrics?.ok).toBe(true);
    const body = decodeBody((await captured(next)).batches.find((b) => b.signal === "metrics")!);
    expect(body).toContain("moltsecret.telemetry.exports");
    expect(body).toContain("failed");
  });

  it("gives up on a hanging backend after the export timeout", async () => {
    const pipeline = new TelemetryPipeline(config({ exportTimeoutMs: 300 }));
    pipeline.instruments.secretsBurned.add(1);
    await setReceiverMode("hang");
    const started = Date.now();
    const report = await pipeline.flush();
    expect(report.metrics?.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("gives up on a refused connection without throwing", async () => {
    const pipeline = new TelemetryPipeline(config({ endpoint: "http://127.0.0.1:9" }));
    pipeline.instruments.secretsBurned.add(1);
    await expect(pipeline.flush()).resolves.toMatchObject({ metrics: { ok: false } });
  });
});
