import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { ATTR, TELEMETRY } from "../catalog/index.ts";
import { FleetHandoff, type HandoffReport } from "./aggregator/handoff-client.ts";
import type { TelemetryAggregator } from "./aggregator/aggregator-object.ts";
import { BoundedBuffer } from "./bounded-buffer.ts";
import { withTimeout } from "./bounded.ts";
import type { TelemetryConfig } from "./config.ts";
import { Meter, type Instruments } from "./instruments.ts";
import { toReadableLogRecord, type LogEntry } from "./log-record.ts";
import { postOtlp, type PostResult, type Signal } from "./post.ts";
import { warnAtMostOncePerInterval } from "./throttled-warning.ts";

/** The span shape the OTLP serializer takes (sdk-trace-base is only a transitive dependency). */
export type ReadableSpan = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0][number];

/** Work a flush may do before the exports, e.g. sending unique-user hashes so the gauge is current. */
export type FlushHook = (pipeline: TelemetryPipeline) => Promise<void>;

export interface FlushReport {
  /** Direct OTLP export: only without an aggregator binding. */
  metrics?: { ok: boolean; bytes: number; points: number };
  /** Metrics handed off to the fleet aggregator (TELEMETRY_AGGREGATOR bound). */
  handoff?: HandoffReport;
  logs?: { ok: boolean; bytes: number; records: number };
  traces?: { ok: boolean; bytes: number; spans: number };
}

const countPoints = (rm: ResourceMetrics): number =>
  rm.scopeMetrics.reduce((n, s) => n + s.metrics.reduce((m, metric) => m + metric.dataPoints.length, 0), 0);

/** Per signal: when it may be sent again after a failure (Retry-After or backoff), and how many failed in a row. */
interface Backoff {
  notBefore: number;
  failures: number;
}

/**
 * Everything one isolate keeps between requests: the Meter and its instruments, bounded
 * log and span buffers, and the export schedule (at most one flush per interval, from waitUntil).
 * Metrics leave through the fleet aggregator when TELEMETRY_AGGREGATOR is bound (one set of series for all
 * isolates), else directly as this isolate's series. Logs and traces always leave from here.
 */
export class TelemetryPipeline {
  readonly instruments: Instruments;
  readonly resource: Resource;
  readonly logs = new BoundedBuffer<LogEntry>(TELEMETRY.maxLogRecords.value);
  readonly spans = new BoundedBuffer<ReadableSpan>(TELEMETRY.maxSpans.value);
  readonly fleet: FleetHandoff;
  /** Set from the env on every getPipeline(); bindings may be new objects per request. */
  aggregator: DurableObjectNamespace<TelemetryAggregator> | undefined;
  readonly #meter: Meter;
  readonly #hooks = new Map<string, FlushHook>();
  readonly #backoff = new Map<Signal, Backoff>();
  #lastFlush = Date.now();
  #flushing: { started: number; done: Promise<FlushReport> } | null = null;

  constructor(
    readonly config: TelemetryConfig,
    serviceName = config.serviceName,
  ) {
    this.resource = resourceFromAttributes({
      "service.name": serviceName,
      // Logs, traces and directly exported metrics are this isolate's; aggregated metrics carry the shard instead.
      "service.instance.id": crypto.randomUUID(),
      [ATTR.environment]: config.environment,
      "cloud.provider": "cloudflare",
      "cloud.platform": "cloudflare.workers",
    });
    this.fleet = new FleetHandoff(serviceName, config.environment);
    this.#meter = new Meter(this.resource);
    this.instruments = this.#meter.instruments;
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

  countItems(signal: Signal | "users" | "handoff", outcome: "exported" | "failed" | "dropped", n: number): void {
    if (n > 0) this.instruments.telemetryItems.add(n, { [ATTR.signal]: signal, [ATTR.outcome]: outcome });
  }

  /** Schedules a flush on ctx.waitUntil when the interval has passed and none is running. */
  maybeFlush(ctx: Pick<ExecutionContext, "waitUntil">, now = Date.now()): boolean {
    if (this.#running(now) || now - this.#lastFlush < this.config.exportIntervalMs) return false;
    ctx.waitUntil(this.flush(now));
    return true;
  }

  /** Exports now (tests, scheduled handlers); concurrent callers share the running flush. */
  flush(now = Date.now()): Promise<FlushReport> {
    if (this.#running(now)) return this.#flushing!.done;
    this.#lastFlush = now;
    const flushing = {
      started: now,
      done: this.#flush(now).finally(() => {
        if (this.#flushing === flushing) this.#flushing = null;
      }),
    };
    this.#flushing = flushing;
    return flushing.done;
  }

  /**
   * A flush that outlived the deadline is dead: workerd cancels waitUntil work 30 s after the response, and a
   * cancelled promise never settles, so its `finally` would never clear the flag and this isolate would stop exporting.
   */
  #running(now: number): boolean {
    return this.#flushing !== null && now - this.#flushing.started < TELEMETRY.flushDeadline.value;
  }

  async #flush(now: number): Promise<FlushReport> {
    const report: FlushReport = {};
    for (const [name, hook] of this.#hooks) {
      try {
        await withTimeout(hook(this), this.config.flushHookTimeoutMs, `flush hook ${name}`);
      } catch (error) {
        warnAtMostOncePerInterval("flush-hook", `telemetry flush hook failed: ${error instanceof Error ? error.name : "Error"}`);
      }
    }
    const [metrics, logsReport, tracesReport] = await Promise.all([
      this.aggregator ? this.#handOff(this.aggregator) : this.#exportMetrics(now),
      this.#due("logs", now) && this.logs.size ? this.#exportLogs(this.logs.take(), now) : undefined,
      this.#due("traces", now) && this.spans.size ? this.#exportTraces(this.spans.take(), now) : undefined,
    ]);
    if (metrics && "attempts" in metrics) report.handoff = metrics;
    else if (metrics) report.metrics = metrics;
    if (logsReport) report.logs = logsReport;
    if (tracesReport) report.traces = tracesReport;
    return report;
  }

  #due(signal: Signal, now: number): boolean {
    return now >= (this.#backoff.get(signal)?.notBefore ?? 0);
  }

  /**
   * After a failed export: a 429/503's Retry-After (capped) is honoured; any other retryable failure backs off by
   * doubling the interval (capped). Until then the signal is not sent; its items wait in the bounded buffers.
   */
  #noteResult(signal: Signal, result: PostResult, now: number): void {
    if (result.ok) {
      this.#backoff.delete(signal);
      return;
    }
    const failures = (this.#backoff.get(signal)?.failures ?? 0) + 1;
    const backoff = result.retryable ? Math.min(TELEMETRY.maxRetryAfter.value, this.config.exportIntervalMs * 2 ** (failures - 1)) : 0;
    this.#backoff.set(signal, { notBefore: now + (result.retryAfterMs ?? backoff), failures });
  }

  /** Items of a retryable failure go back into their buffer for the next flush; what no longer fits is dropped and counted. */
  #keep<T>(signal: "logs" | "traces", buffer: BoundedBuffer<T>, items: T[]): void {
    const newer = buffer.take();
    let dropped = 0;
    for (const item of [...items, ...newer]) if (!buffer.push(item)) dropped++;
    this.countItems(signal, "dropped", dropped);
  }

  async #send(signal: Signal, body: Uint8Array | undefined, items: number, now: number): Promise<PostResult> {
    if (!body) {
      this.countItems(signal, "dropped", items);
      return { ok: false, detail: "serialize", retryable: false };
    }
    const result = await postOtlp(this.config, signal, body);
    const outcome = result.ok ? "exported" : "failed";
    this.instruments.telemetryExports.add(1, { [ATTR.signal]: signal, [ATTR.outcome]: outcome });
    // Items kept for a retry are not lost (yet): they are counted when they leave or are dropped.
    if (result.ok || !result.retryable || signal === "metrics") this.countItems(signal, outcome, items);
    if (!result.ok) warnAtMostOncePerInterval(`export-${signal}`, `OTLP ${signal} export failed: ${result.detail}`);
    this.#noteResult(signal, result, now);
    return result;
  }

  async #handOff(ns: DurableObjectNamespace<TelemetryAggregator>): Promise<HandoffReport> {
    const { resourceMetrics } = this.#meter.collect();
    const report = await this.fleet.handOff(ns, resourceMetrics);
    if (report.attempts > report.failed) this.instruments.telemetryExports.add(report.attempts - report.failed, { [ATTR.signal]: "handoff", [ATTR.outcome]: "exported" });
    if (report.failed) {
      this.instruments.telemetryExports.add(report.failed, { [ATTR.signal]: "handoff", [ATTR.outcome]: "failed" });
      warnAtMostOncePerInterval("handoff", "telemetry hand-off to the aggregator failed; the delta is kept for the next interval");
    }
    this.countItems("handoff", "exported", report.points);
    return report;
  }

  async #exportMetrics(now: number): Promise<FlushReport["metrics"]> {
    if (!this.#due("metrics", now)) return undefined;
    const { resourceMetrics } = this.#meter.collect();
    const points = countPoints(resourceMetrics);
    if (points === 0) return undefined;
    const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
    return { ok: (await this.#send("metrics", body, points, now)).ok, bytes: body?.byteLength ?? 0, points };
  }

  async #exportLogs(entries: LogEntry[], now: number): Promise<FlushReport["logs"]> {
    const body = ProtobufLogsSerializer.serializeRequest(entries.map((e) => toReadableLogRecord(e, this.resource)));
    const result = await this.#send("logs", body, entries.length, now);
    if (!result.ok && result.retryable) this.#keep("logs", this.logs, entries);
    return { ok: result.ok, bytes: body?.byteLength ?? 0, records: entries.length };
  }

  async #exportTraces(spans: ReadableSpan[], now: number): Promise<FlushReport["traces"]> {
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    const result = await this.#send("traces", body, spans.length, now);
    if (!result.ok && result.retryable) this.#keep("traces", this.spans, spans);
    return { ok: result.ok, bytes: body?.byteLength ?? 0, spans: spans.length };
  }
}
