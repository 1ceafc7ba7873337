import { emptyResource, type Resource } from "@opentelemetry/resources";
import type { MetricData, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { METRICS, type MetricDef, type MetricKind } from "../catalog/index.ts";
import { Adder, Histogram, HistogramSeries, LastValue, NumberSeries, type Instrument, type Series } from "./instrument.ts";
import { metricData } from "./metric-data.ts";

type InstrumentOf<K extends MetricKind> = K extends "histogram" ? Histogram : K extends "gauge" ? LastValue : Adder;

export type Instruments = { [K in keyof typeof METRICS]: InstrumentOf<(typeof METRICS)[K]["kind"]> };

const SCOPE = { name: "moltsecret" };

function create(def: MetricDef, now: () => number): Instrument<Series> {
  if (def.kind === "histogram") {
    const boundaries = Object.freeze([...(def.buckets ?? [])]);
    return new Histogram(def, (a) => new HistogramSeries(a, now(), boundaries));
  }
  const kind = def.kind;
  const make = (a: NumberSeries["attributes"]) => new NumberSeries(a, now(), kind);
  return kind === "gauge" ? new LastValue(def, make) : new Adder(def, make);
}

/**
 * One instrument per catalog entry (names, units and buckets only from catalog/metrics.ts), recording into plain
 * per-isolate memory: no OTel SDK on the request path (its per-measurement attribute hashing and context lookup were
 * most of the metric records' CPU in the bench profile). `collect()` returns what the SDK's cumulative reader returned,
 * for the aggregator hand-off and the direct OTLP export.
 */
export class Meter {
  readonly instruments: Instruments;
  readonly #all: Instrument<Series>[];

  constructor(
    readonly resource: Resource = emptyResource(),
    now: () => number = Date.now,
  ) {
    const entries = Object.entries(METRICS).map(([key, def]) => [key, create(def, now)] as const);
    this.#all = entries.map(([, i]) => i);
    this.instruments = Object.fromEntries(entries) as unknown as Instruments;
  }

  collect(nowMs = Date.now()): { resourceMetrics: ResourceMetrics } {
    const metrics = this.#all.map((i) => metricData(i, nowMs)).filter((m): m is MetricData => m !== null);
    return { resourceMetrics: { resource: this.resource, scopeMetrics: [{ scope: SCOPE, metrics }] } };
  }
}
