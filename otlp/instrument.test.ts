import { AggregationTemporality, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { ATTR, HTTP_DURATION_BUCKETS, METRICS, TELEMETRY } from "../catalog/index.ts";
import { Meter } from "./instruments.ts";

/** The OTel SDK's cumulative reader, the reference the Meter replaces on the request path. */
class SdkReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function sdkMeter() {
  const reader = new SdkReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter("moltsecret");
  const histogram = meter.createHistogram(METRICS.httpServerDuration.name, { advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] } });
  const counter = meter.createCounter(METRICS.d1Queries.name);
  const gauge = meter.createGauge(METRICS.d1DatabaseSize.name);
  return { reader, histogram, counter, gauge };
}

/** name -> sorted [attributes, value] of every point, comparable across both implementations. */
function points(metrics: MetricData[]): Record<string, [string, unknown][]> {
  const out: Record<string, [string, unknown][]> = {};
  for (const m of metrics) {
    out[m.descriptor.name] = m.dataPoints
      .map((p): [string, unknown] => {
        const v = p.value as number | { buckets: { counts: number[] }; sum: number; count: number };
        return [JSON.stringify(Object.entries(p.attributes).sort()), typeof v === "number" ? v : { counts: v.buckets.counts, sum: v.sum, count: v.count }];
      })
      .sort(([a], [b]) => (a < b ? -1 : 1));
  }
  return out;
}

const route = (r: string, status: number) => ({ [ATTR.method]: "GET", [ATTR.route]: r, [ATTR.status]: status });

describe("Meter (the request path's instruments)", () => {
  it("collects the same cumulative points as the OTel SDK for the same measurements, bucket edges and bad values included", async () => {
    const sdk = sdkMeter();
    const ours = new Meter();
    const m = ours.instruments;
    // Values on every boundary, between them, above the last, zero, and what both must ignore (negative, NaN).
    const values = [...HTTP_DURATION_BUCKETS, ...HTTP_DURATION_BUCKETS.map((b) => b * 1.5), 0, 100, -1, NaN];
    values.forEach((v, i) => {
      const attrs = route(i % 3 ? "/api/secrets/:id" : "/healthz", i % 5 ? 200 : 404);
      sdk.histogram.record(v, attrs);
      // Half through bind (the middleware's way), half through attributes: one series either way.
      if (i % 2) m.httpServerDuration.record(v, attrs);
      else m.httpServerDuration.bind(`${attrs[ATTR.route]}|${attrs[ATTR.status]}`, () => attrs).record(v);
      sdk.counter.add(i % 4, { [ATTR.d1OperationType]: i % 2 ? "read" : "write" });
      m.d1Queries.add(i % 4, { [ATTR.d1OperationType]: i % 2 ? "read" : "write" });
    });
    sdk.counter.add(-5, { [ATTR.d1OperationType]: "read" });
    m.d1Queries.add(-5, { [ATTR.d1OperationType]: "read" });
    for (const size of [10, 30, 20]) {
      sdk.gauge.record(size);
      m.d1DatabaseSize.record(size);
    }
    const expected = points((await sdk.reader.collect()).resourceMetrics.scopeMetrics[0]!.metrics);
    expect(points(ours.collect().resourceMetrics.scopeMetrics[0]!.metrics)).toEqual(expected);
    expect(Object.keys(expected)).toHaveLength(3);
  });

  it("finds one series for one attribute set whatever the key order or the way it was recorded", () => {
    const ours = new Meter();
    const m = ours.instruments.cacheLookups;
    m.add(1, { [ATTR.cacheLayer]: "edge", [ATTR.cacheResult]: "hit" });
    m.add(1, { [ATTR.cacheResult]: "hit", [ATTR.cacheLayer]: "edge" });
    m.bind("edge|hit", () => ({ [ATTR.cacheLayer]: "edge", [ATTR.cacheResult]: "hit" })).add(1);
    m.bind("other key, same attributes", () => ({ [ATTR.cacheResult]: "hit", [ATTR.cacheLayer]: "edge" })).add(1);
    // A number and a string are different attribute values in OTLP.
    ours.instruments.httpServerDuration.record(0.01, { [ATTR.status]: 200 });
    ours.instruments.httpServerDuration.record(0.01, { [ATTR.status]: "200" });
    expect([...m.series()].map((s) => [s.attributes, s.value])).toEqual([[{ [ATTR.cacheLayer]: "edge", [ATTR.cacheResult]: "hit" }, 4]]);
    expect(ours.instruments.httpServerDuration.size).toBe(2);
  });

  it("keeps at most maxSeriesPerMetric series per metric: the rest count in one otel.metric.overflow series", () => {
    const ours = new Meter();
    const m = ours.instruments.rateLimited;
    const limit = TELEMETRY.maxSeriesPerMetric.value;
    for (let i = 0; i < limit * 2; i++) {
      if (i % 2) m.add(1, { [ATTR.action]: `a${i}` });
      else m.bind(`a${i}`, () => ({ [ATTR.action]: `a${i}` })).add(1);
    }
    expect(m.size).toBe(limit);
    const series = [...m.series()];
    expect(series.reduce((n, s) => n + s.value, 0)).toBe(limit * 2);
    expect(series.find((s) => s.attributes["otel.metric.overflow"] === true)?.value).toBe(limit + 1);
  });

  it("reports only metrics that have a series, with a start time per series", () => {
    let now = 1_000_000;
    const ours = new Meter(undefined, () => now);
    ours.instruments.secretsCreated.add(2);
    now += 5_000;
    ours.instruments.secretsRevealed.add(1);
    const metrics = ours.collect(now + 1).resourceMetrics.scopeMetrics[0]!.metrics;
    expect(metrics.map((x) => x.descriptor.name)).toEqual([METRICS.secretsCreated.name, METRICS.secretsRevealed.name]);
    expect(metrics.map((x) => x.dataPoints[0]!.startTime)).toEqual([[1000, 0], [1005, 0]]);
    expect(metrics[0]!.dataPoints[0]!.endTime).toEqual([1005, 1_000_000]);
  });
});
