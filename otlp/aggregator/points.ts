import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { DataPointType } from "@opentelemetry/sdk-metrics";
import { METRICS, TELEMETRY, type MetricDef } from "../../catalog/index.ts";

/** A catalog key of METRICS: hand-offs name metrics by it, so kind, unit, buckets and merge rule come from the catalog. */
export type MetricKey = keyof typeof METRICS;
export type Attributes = Record<string, string | number | boolean>;

export interface HistogramValue {
  /** Per bucket, len(boundaries) + 1, as OTLP carries them (not cumulative per `le`). */
  counts: number[];
  sum: number;
  count: number;
}

export type PointValue = number | HistogramValue;

/** One series' change since the isolate's last acknowledged hand-off (a gauge: its current value). */
export interface DeltaPoint {
  metric: MetricKey;
  attributes: Attributes;
  value: PointValue;
}

/** What one isolate sends one aggregator shard, at most once per export interval. */
export interface Handoff {
  /** Random per isolate lifetime; with `seq` it makes a retried hand-off apply once. */
  isolate: string;
  /** 1, 2, 3... per isolate and shard; a hand-off is retried with the same seq and points until acknowledged. */
  seq: number;
  service: string;
  environment: string;
  /** The isolate's clock when it collected the points, ms. */
  time: number;
  points: DeltaPoint[];
}

export interface HandoffAck {
  /** False when the aggregator had already applied this (isolate, seq): the retry changed nothing. */
  applied: boolean;
}

const KEY_BY_NAME = new Map<string, MetricKey>(Object.entries(METRICS).map(([key, def]) => [def.name, key as MetricKey]));

/** Undefined for a key the catalog no longer has (a hand-off or stored state from a previous deploy). */
export const metricDef = (key: MetricKey): MetricDef => METRICS[key];

/** Counters, updowncounters and histograms merge by sum; gauges by their catalog rule. */
export const mergeRuleOf = (def: MetricDef): "sum" | "latest" | "max" => (def.kind === "gauge" ? (def.merge ?? "latest") : "sum");

const sortedAttributes = (a: Attributes): [string, string | number | boolean][] => Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

/** A series' identity within one service: metric plus its sorted attributes. */
export const seriesKey = (metric: MetricKey, attributes: Attributes): string => JSON.stringify([metric, sortedAttributes(attributes)]);

/** FNV-1a of the series identity: a series always lands on the same shard, whatever isolate recorded it. */
export function shardOf(key: string, shards = TELEMETRY.aggregatorShards.value): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

export const aggregatorName = (shard: number): string => `aggregator-${shard}`;

export interface SeriesSnapshot {
  metric: MetricKey;
  attributes: Attributes;
  value: PointValue;
}

/** The isolate's cumulative values per series, from one collect() of its Meter. */
export function snapshotOf(rm: ResourceMetrics): Map<string, SeriesSnapshot> {
  const out = new Map<string, SeriesSnapshot>();
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      const key = KEY_BY_NAME.get(metric.descriptor.name);
      if (!key) continue;
      for (const dp of metric.dataPoints) {
        const attributes = dp.attributes as Attributes;
        let value: PointValue;
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const h = dp.value as { buckets: { counts: number[] }; sum?: number; count: number };
          value = { counts: [...h.buckets.counts], sum: h.sum ?? 0, count: h.count };
        } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
          value = dp.value as number;
        } else continue;
        out.set(seriesKey(key, attributes), { metric: key, attributes, value });
      }
    }
  }
  return out;
}

const isHistogram = (v: PointValue): v is HistogramValue => typeof v === "object";

/** current - acked, or null when nothing changed. A gauge's delta is its current value when it differs from the acked one. */
export function deltaOf(def: MetricDef, current: PointValue, acked: PointValue | undefined): PointValue | null {
  if (isHistogram(current)) {
    const base = acked as HistogramValue | undefined;
    const count = current.count - (base?.count ?? 0);
    if (count === 0) return null;
    return { counts: current.counts.map((c, i) => c - (base?.counts[i] ?? 0)), sum: current.sum - (base?.sum ?? 0), count };
  }
  if (def.kind === "gauge") return current === acked ? null : current;
  const d = current - ((acked as number | undefined) ?? 0);
  return d === 0 ? null : d;
}

/** a + b for summed values (histograms bucket-wise). */
export function addValues(a: PointValue, b: PointValue): PointValue {
  if (isHistogram(a) && isHistogram(b)) {
    const n = Math.max(a.counts.length, b.counts.length);
    return { counts: Array.from({ length: n }, (_, i) => (a.counts[i] ?? 0) + (b.counts[i] ?? 0)), sum: a.sum + b.sum, count: a.count + b.count };
  }
  return (a as number) + (b as number);
}

export const zeroOf = (v: PointValue): PointValue => (isHistogram(v) ? { counts: v.counts.map(() => 0), sum: 0, count: 0 } : 0);
