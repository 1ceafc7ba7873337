import { ValueType, type HrTime } from "@opentelemetry/api";
import { AggregationTemporality, DataPointType, type MetricData } from "@opentelemetry/sdk-metrics";
import type { HistogramSeries, Instrument, NumberSeries, Series } from "./instrument.ts";

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** One metric's cumulative points, as the OTel SDK's MetricReader.collect() returns them; null without any series. */
export function metricData(instrument: Instrument<Series>, nowMs: number): MetricData | null {
  if (instrument.size === 0) return null;
  const def = instrument.def;
  const base = {
    descriptor: { name: def.name, description: def.description, unit: def.unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
  };
  const end = hr(nowMs);
  const series = [...instrument.series()];
  if (def.kind === "histogram") {
    const boundaries = [...(def.buckets ?? [])];
    return {
      ...base,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: (series as HistogramSeries[]).map((s) => ({
        startTime: hr(s.startMs),
        endTime: end,
        attributes: s.attributes,
        value: { buckets: { boundaries, counts: [...s.counts] }, sum: s.sum, count: s.count, min: s.min, max: s.max },
      })),
    };
  }
  const dataPoints = (series as NumberSeries[]).map((s) => ({ startTime: hr(s.startMs), endTime: end, attributes: s.attributes, value: s.value }));
  if (def.kind === "gauge") return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
  return { ...base, dataPointType: DataPointType.SUM, isMonotonic: def.kind === "counter", dataPoints };
}

