import { ValueType, type HrTime } from "@opentelemetry/api";
import { ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { ATTR } from "../../catalog/index.ts";
import type { FleetSeries, FleetState } from "./fleet-state.ts";
import { aggregatorName, metricDef, zeroOf, type HistogramValue, type MetricKey, type PointValue } from "./points.ts";

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

interface Point {
  startMs: number;
  endMs: number;
  series: FleetSeries;
  value: PointValue;
}

function metricData(metric: MetricKey, points: Point[]): MetricData {
  const def = metricDef(metric);
  const descriptor = { name: def.name, description: def.description, unit: def.unit, valueType: ValueType.DOUBLE };
  const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE };
  const dp = <T>(p: Point, value: T) => ({ startTime: hr(p.startMs), endTime: hr(p.endMs), attributes: p.series.attributes, value });
  if (def.kind === "histogram") {
    const boundaries = [...(def.buckets ?? [])];
    return {
      ...base,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: points.map((p) => {
        const h = p.value as HistogramValue;
        return dp(p, { buckets: { boundaries, counts: h.counts }, sum: h.sum, count: h.count, hasMinMax: false });
      }),
    } as MetricData;
  }
  if (def.kind === "gauge") return { ...base, dataPointType: DataPointType.GAUGE, dataPoints: points.map((p) => dp(p, p.value as number)) };
  return { ...base, dataPointType: DataPointType.SUM, isMonotonic: def.kind === "counter", dataPoints: points.map((p) => dp(p, p.value as number)) };
}

export interface FleetExport {
  body: Uint8Array;
  points: number;
  /** Call after the backend accepted the body: series sent for the first time are no longer new. */
  markExported: () => void;
}

/**
 * The shard's state as one OTLP/HTTP protobuf request, cumulative, one resource per (service, environment) with
 * `service.instance.id` = the shard's name.
 *
 * Prometheus (and so Grafana Cloud) never counts a new series' first sample in rate()/increase(): a label set the
 * fleet sees for the first time would be invisible. So a series not exported before goes out twice in its first
 * export: at 0 half an interval earlier (a sum of 0, every bucket 0; start = end, OTel's mark of a series start),
 * then at its value. Its first event is then an increase from 0, as on every later export.
 */
export function buildFleetExport(state: FleetState, shard: number, now: number, intervalMs: number): FleetExport | null {
  const zeroAt = now - Math.max(1, Math.floor(intervalMs / 2));
  const byResource = new Map<string, Map<MetricKey, Point[]>>();
  const fresh: FleetSeries[] = [];
  for (const s of state.series.values()) {
    let metrics = byResource.get(s.resource);
    if (!metrics) byResource.set(s.resource, (metrics = new Map()));
    let points = metrics.get(s.metric);
    if (!points) metrics.set(s.metric, (points = []));
    const kind = metricDef(s.metric).kind;
    if (!s.exported && kind !== "gauge") {
      fresh.push(s);
      points.push({ startMs: zeroAt, endMs: zeroAt, series: s, value: zeroOf(s.value) });
      points.push({ startMs: zeroAt, endMs: now, series: s, value: s.value });
    } else {
      points.push({ startMs: kind === "gauge" ? now : s.start, endMs: now, series: s, value: s.value });
    }
  }
  if (byResource.size === 0) return null;
  const parts: Uint8Array[] = [];
  let points = 0;
  for (const [rKey, metrics] of byResource) {
    const resource = state.resources.get(rKey);
    if (!resource) continue;
    const rm: ResourceMetrics = {
      resource: resourceFromAttributes({
        "service.name": resource.service,
        "service.instance.id": aggregatorName(shard),
        [ATTR.environment]: resource.environment,
      }),
      scopeMetrics: [{ scope: { name: "moltsecret" }, metrics: [...metrics].map(([metric, ps]) => metricData(metric, ps)) }],
    };
    for (const ps of metrics.values()) points += ps.length;
    const part = ProtobufMetricsSerializer.serializeRequest(rm);
    if (part) parts.push(part);
  }
  // ExportMetricsServiceRequest is `repeated ResourceMetrics resource_metrics = 1`: concatenated requests are one request.
  const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    body.set(p, offset);
    offset += p.byteLength;
  }
  return {
    body,
    points,
    markExported: () => {
      for (const s of fresh) {
        s.exported = true;
        s.start = zeroAt;
      }
      for (const s of state.series.values()) if (metricDef(s.metric).kind === "gauge") s.exported = true;
    },
  };
}
