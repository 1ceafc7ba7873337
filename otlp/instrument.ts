import { TELEMETRY, type MetricDef } from "../catalog/index.ts";

export type AttributeValue = string | number | boolean;
export type MetricAttributes = Readonly<Record<string, AttributeValue>>;

const NO_ATTRIBUTES: MetricAttributes = Object.freeze({});
/** The OTel SDK's series for measurements past the cardinality limit. */
const OVERFLOW_ATTRIBUTES: MetricAttributes = Object.freeze({ "otel.metric.overflow": true });
const OVERFLOW_KEY = "\u0000overflow";

/** A series' identity from its attributes, whatever their order: key, type and value of each. */
function canonicalKey(attributes: MetricAttributes): string {
  const keys = Object.keys(attributes);
  if (keys.length > 1) keys.sort();
  let key = "";
  for (const k of keys) {
    const v = attributes[k]!;
    key += `${k}\u0000${(typeof v)[0]}${v}\u0001`;
  }
  return key;
}

/** A sum (counter, updowncounter) or last value (gauge), cumulative since startMs. */
export class NumberSeries {
  value = 0;
  constructor(
    readonly attributes: MetricAttributes,
    readonly startMs: number,
    readonly kind: "counter" | "updowncounter" | "gauge",
  ) {}

  /** Counters ignore negative values (as the SDK does); every kind ignores non-numbers and non-finite values. */
  add(value: number): void {
    if (typeof value !== "number" || !Number.isFinite(value) || (value < 0 && this.kind === "counter")) return;
    this.value += value;
  }

  record(value: number): void {
    if (typeof value === "number" && Number.isFinite(value)) this.value = value;
  }
}

/** Explicit-bucket histogram: bucket i counts boundaries[i-1] < v <= boundaries[i] (OTLP's layout, the SDK's rule). */
export class HistogramSeries {
  readonly counts: number[];
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  constructor(
    readonly attributes: MetricAttributes,
    readonly startMs: number,
    readonly boundaries: readonly number[],
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /** Negative values, NaN and non-numbers are ignored (as the SDK does). */
  record(value: number): void {
    if (typeof value !== "number" || !(value >= 0)) return;
    const b = this.boundaries;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

export type Series = NumberSeries | HistogramSeries;

/**
 * One metric's series in one isolate, by attribute set, at most TELEMETRY.maxSeriesPerMetric of them (then one
 * otel.metric.overflow=true series, as the SDK's cardinality limit). `bind(key, ...)` is the request path's shortcut:
 * a key the caller already has (e.g. method|route|status|region) finds the series without building or sorting
 * attributes; it is an alias of the attribute set, so both ways of recording reach the same series.
 */
export class Instrument<S extends Series> {
  readonly #series = new Map<string, S>();
  readonly #aliases = new Map<string, S>();

  constructor(
    readonly def: MetricDef,
    readonly create: (attributes: MetricAttributes) => S,
    readonly limit = TELEMETRY.maxSeriesPerMetric.value,
  ) {}

  seriesOf(attributes: MetricAttributes = NO_ATTRIBUTES): S {
    const key = canonicalKey(attributes);
    const found = this.#series.get(key);
    if (found) return found;
    if (this.#series.size >= this.limit - 1) return this.#overflow();
    const series = this.create(Object.freeze({ ...attributes }));
    this.#series.set(key, series);
    return series;
  }

  /** The series for a caller's own key of an attribute set (the same key must always mean the same attributes). */
  bind(key: string, attributes: () => MetricAttributes): S {
    const found = this.#aliases.get(key);
    if (found) return found;
    const series = this.seriesOf(attributes());
    // Bounded like the series: keys past the limit are resolved each time instead of remembered.
    if (this.#aliases.size < this.limit) this.#aliases.set(key, series);
    return series;
  }

  get size(): number {
    return this.#series.size;
  }

  series(): IterableIterator<S> {
    return this.#series.values();
  }

  #overflow(): S {
    let series = this.#series.get(OVERFLOW_KEY);
    if (!series) this.#series.set(OVERFLOW_KEY, (series = this.create(OVERFLOW_ATTRIBUTES)));
    return series;
  }
}

/** Counter / UpDownCounter: the OTel API's add(value, attributes). */
export class Adder extends Instrument<NumberSeries> {
  add(value: number, attributes?: MetricAttributes): void {
    this.seriesOf(attributes).add(value);
  }
}

/** Gauge: record(value, attributes) keeps the last value. */
export class LastValue extends Instrument<NumberSeries> {
  record(value: number, attributes?: MetricAttributes): void {
    this.seriesOf(attributes).record(value);
  }
}

export class Histogram extends Instrument<HistogramSeries> {
  record(value: number, attributes?: MetricAttributes): void {
    this.seriesOf(attributes).record(value);
  }
}
