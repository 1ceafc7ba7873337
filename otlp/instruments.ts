import type { Counter, Gauge, Histogram, Meter, UpDownCounter } from "@opentelemetry/api";
import { METRICS, type MetricDef, type MetricKind } from "../catalog/index.ts";

type InstrumentOf<K extends MetricKind> = K extends "counter"
  ? Counter
  : K extends "histogram"
    ? Histogram
    : K extends "gauge"
      ? Gauge
      : UpDownCounter;

export type Instruments = { [K in keyof typeof METRICS]: InstrumentOf<(typeof METRICS)[K]["kind"]> };

function create(meter: Meter, def: MetricDef): Counter | Histogram | Gauge | UpDownCounter {
  const options = { unit: def.unit, description: def.description };
  switch (def.kind) {
    case "counter":
      return meter.createCounter(def.name, options);
    case "updowncounter":
      return meter.createUpDownCounter(def.name, options);
    case "gauge":
      return meter.createGauge(def.name, options);
    case "histogram":
      return meter.createHistogram(def.name, { ...options, advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] } });
  }
}

/** One instrument per catalog entry: names, units and buckets come only from catalog/metrics.ts. */
export function createInstruments(meter: Meter): Instruments {
  const entries = Object.entries(METRICS).map(([key, def]) => [key, create(meter, def)]);
  return Object.fromEntries(entries) as Instruments;
}
