import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { MeterProvider, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { ATTR, TELEMETRY } from "../../catalog/index.ts";
import { BoundedBuffer } from "./bounded-buffer.ts";
import type { TelemetryConfig } from "./config.ts";
import { createInstruments, type Instruments } from "./instruments.ts";
import { toReadableLogRecord, type LogEntry } from "./log-record.ts";
import { ManualReader } from "./manual-reader.ts";
import { postOtlp, type Signal } from "./otlp-post.ts";
import { warnRateLimited } from "./warn.ts";

/** The span shape the OTLP serializer takes (sdk-trace-base is only a transitive dependency). */
export type ReadableSpan = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0][number];

/** Work a flush may do before the exports, e.g. sending unique-user hashes so the gauge is current. */
export type FlushHook = (pipeline: TelemetryPipeline) => Promise<void>;

export interface FlushReport {
  metrics?: { ok: boolean; bytes: number; points: number };
  logs?: { ok: boolean; bytes: number; records: number };
  traces?: { ok: boolean; bytes: number; spans: number };
}

const countPoints = (rm: ResourceMetrics): number =>
  rm.scopeMetrics.reduce((n, s) => n + s.metrics.reduce((m, metric) => m + metric.dataPoints.length, 0), 0);

/**
 * Everything one isolate keeps between requests: the MeterProvider and its instruments, bounded
 * log and span buffers, and the export schedule (at most one flush per interval, from waitUntil).
 */
export class TelemetryPipeline {
  readonly instruments: Instruments;
  readonly resource: Resource;
  readonly logs = new BoundedBuffer<LogEntry>(TELEMETRY.maxLogRecords.value);
  readonly spans = new BoundedBuffer<ReadableSpan>(TELEMETRY.maxSpans.value);
  readonly #reader = new ManualReader();
  readonly #hooks = new Map<string, FlushHook>();
  #lastFlush = Date.now();
  #flushing: Promise<FlushReport> | null = null;

  constructor(
    readonly config: TelemetryConfig,
    serviceName = config.serviceName,
  ) {
    this.resource = resourceFromAttributes({
      "service.name": serviceName,
      // Cumulative series from concurrent isolates would collide without a per-isolate identity.
      "service.instance.id": crypto.randomUUID(),
      [ATTR.environment]: config.environment,
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
    });
    const provider = new MeterProvider({ resource: this.resource, readers: [this.#reader] });
    this.instruments = createInstruments(provider.getMeter("moltsecret"));
  }

  /** One hook per name: setting it again replaces it (bindings may be new objects per request). */
  setFlushHook(name: string, hook: FlushHook): void {
    this.#hooks.set(name, hook);
  }

  pushLog(entry: LogEntry): void {
    if (!this.logs.push(entry)) this.countItems("logs", "dropped", 1);
  }

  pushSpans(spans: readonly ReadableSpan[]): void {
    let dropped = 0;
    for (const span of spans) if (!this.spans.push(span)) dropped++;
    if (dropped) this.countItems("traces", "dropped", dropped);
  }

  countItems(signal: Signal | "users", outcome: "exported" | "failed" | "dropped", n: number): void {
    if (n > 0) this.instruments.telemetryItems.add(n, { [ATTR.signal]: signal, [ATTR.outcome]: outcome });
  }

  /** Schedules a flush on ctx.waitUntil when the interval has passed and none is running. */
  maybeFlush(ctx: Pick<ExecutionContext, "waitUntil">, now = Date.now()): boolean {
    if (this.#flushing || now - this.#lastFlush < this.config.exportIntervalMs) return false;
    ctx.waitUntil(this.flush(now));
    return true;
  }

  /** Exports now (tests, scheduled handlers); concurrent callers share the running flush. */
  flush(now = Date.now()): Promise<FlushReport> {
    if (this.#flushing) return this.#flushing;
    this.#lastFlush = now;
    this.#flushing = this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flush(): Promise<FlushReport> {
    const report: FlushReport = {};
    for (const hook of this.#hooks.values()) {
      try {
        await hook(this);
      } catch (error) {
        warnRateLimited("flush-hook", `telemetry flush hook failed: ${error instanceof Error ? error.name : "Error"}`);
      }
    }
    const logs = this.logs.take();
    const spans = this.spans.take();
    const [metrics, logsReport, tracesReport] = await Promise.all([
      this.#exportMetrics(),
      logs.length ? this.#exportLogs(logs) : undefined,
      spans.length ? this.#exportTraces(spans) : undefined,
    ]);
    if (metrics) report.metrics = metrics;
    if (logsReport) report.logs = logsReport;
    if (tracesReport) report.traces = tracesReport;
    return report;
  }

  async #send(signal: Signal, body: Uint8Array | undefined, items: number): Promise<boolean> {
    if (!body) {
      this.countItems(signal, "dropped", items);
      return false;
    }
    const result = await postOtlp(this.config, signal, body);
    const outcome = result.ok ? "exported" : "failed";
    this.instruments.telemetryExports.add(1, { [ATTR.signal]: signal, [ATTR.outcome]: outcome });
    this.countItems(signal, outcome, items);
    if (!result.ok) warnRateLimited(`export-${signal}`, `OTLP ${signal} export failed: ${result.detail}`);
    return result.ok;
  }

  async #exportMetrics(): Promise<FlushReport["metrics"]> {
    const { resourceMetrics } = await this.#reader.collect();
    const points = countPoints(resourceMetrics);
    if (points === 0) return undefined;
    const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
    return { ok: await this.#send("metrics", body, points), bytes: body?.byteLength ?? 0, points };
  }

  async #exportLogs(entries: LogEntry[]): Promise<FlushReport["logs"]> {
    const body = ProtobufLogsSerializer.serializeRequest(entries.map((e) => toReadableLogRecord(e, this.resource)));
    return { ok: await this.#send("logs", body, entries.length), bytes: body?.byteLength ?? 0, records: entries.length };
  }

  async #exportTraces(spans: ReadableSpan[]): Promise<FlushReport["traces"]> {
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    return { ok: await this.#send("traces", body, spans.length), bytes: body?.byteLength ?? 0, spans: spans.length };
  }
}
