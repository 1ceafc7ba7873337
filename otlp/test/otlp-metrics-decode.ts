/**
 * A small reader of OTLP ExportMetricsServiceRequest protobuf, enough for tests to assert what an export carries:
 * resources (attributes), and per metric its points (attributes, times, value or histogram counts).
 */
export interface DecodedPoint {
  attributes: Record<string, string | number>;
  startMs: number;
  timeMs: number;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
}

export interface DecodedResourceMetrics {
  resource: Record<string, string | number>;
  metrics: Map<string, DecodedPoint[]>;
}

type Field = { field: number; wire: number; int?: bigint; bytes?: Uint8Array; fixed?: DataView };

function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { field, wire, int: varint() };
    else if (wire === 1) {
      yield { field, wire, fixed: new DataView(buf.buffer, buf.byteOffset + pos, 8) };
      pos += 8;
    } else if (wire === 5) {
      yield { field, wire, fixed: new DataView(buf.buffer, buf.byteOffset + pos, 4) };
      pos += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      yield { field, wire, bytes: buf.subarray(pos, pos + len) };
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const nanosToMs = (v: DataView): number => Number(v.getBigUint64(0, true) / 1_000_000n);

function anyValue(buf: Uint8Array): string | number {
  for (const f of fields(buf)) {
    if (f.field === 1 && f.bytes) return text(f.bytes);
    if (f.field === 3 && f.int !== undefined) return Number(f.int);
    if (f.field === 4 && f.fixed) return f.fixed.getFloat64(0, true);
    if (f.field === 2 && f.int !== undefined) return Number(f.int);
  }
  return "";
}

function keyValue(buf: Uint8Array): [string, string | number] {
  let key = "";
  let value: string | number = "";
  for (const f of fields(buf)) {
    if (f.field === 1 && f.bytes) key = text(f.bytes);
    if (f.field === 2 && f.bytes) value = anyValue(f.bytes);
  }
  return [key, value];
}

/** NumberDataPoint (sum/gauge) or HistogramDataPoint: same start(2)/time(3); attributes 7 resp. 9. */
function point(buf: Uint8Array, histogram: boolean): DecodedPoint {
  const p: DecodedPoint = { attributes: {}, startMs: 0, timeMs: 0 };
  for (const f of fields(buf)) {
    if (f.field === (histogram ? 9 : 7) && f.bytes) {
      const [k, v] = keyValue(f.bytes);
      p.attributes[k] = v;
    } else if (f.field === 2 && f.fixed) p.startMs = nanosToMs(f.fixed);
    else if (f.field === 3 && f.fixed) p.timeMs = nanosToMs(f.fixed);
    else if (!histogram && f.field === 4 && f.fixed) p.value = f.fixed.getFloat64(0, true);
    else if (!histogram && f.field === 6 && f.fixed) p.value = Number(f.fixed.getBigInt64(0, true));
    else if (histogram && f.field === 4 && f.fixed) p.count = Number(f.fixed.getBigUint64(0, true));
    else if (histogram && f.field === 5 && f.fixed) p.sum = f.fixed.getFloat64(0, true);
    else if (histogram && f.field === 6 && f.fixed) (p.bucketCounts ??= []).push(Number(f.fixed.getBigUint64(0, true)));
    else if (histogram && f.field === 6 && f.bytes) {
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      p.bucketCounts = Array.from({ length: f.bytes.byteLength / 8 }, (_, i) => Number(view.getBigUint64(i * 8, true)));
    }
  }
  return p;
}

function metric(buf: Uint8Array): [string, DecodedPoint[]] {
  let name = "";
  const points: DecodedPoint[] = [];
  for (const f of fields(buf)) {
    if (f.field === 1 && f.bytes) name = text(f.bytes);
    // gauge = 5, sum = 7, histogram = 9: each has data_points = 1
    if ((f.field === 5 || f.field === 7 || f.field === 9) && f.bytes) {
      for (const d of fields(f.bytes)) if (d.field === 1 && d.bytes) points.push(point(d.bytes, f.field === 9));
    }
  }
  return [name, points];
}

export function decodeMetricsRequest(body: Uint8Array): DecodedResourceMetrics[] {
  const out: DecodedResourceMetrics[] = [];
  for (const rm of fields(body)) {
    if (rm.field !== 1 || !rm.bytes) continue;
    const entry: DecodedResourceMetrics = { resource: {}, metrics: new Map() };
    for (const f of fields(rm.bytes)) {
      if (f.field === 1 && f.bytes) {
        for (const a of fields(f.bytes)) if (a.field === 1 && a.bytes) {
          const [k, v] = keyValue(a.bytes);
          entry.resource[k] = v;
        }
      } else if (f.field === 2 && f.bytes) {
        for (const m of fields(f.bytes)) if (m.field === 2 && m.bytes) {
          const [name, points] = metric(m.bytes);
          entry.metrics.set(name, [...(entry.metrics.get(name) ?? []), ...points]);
        }
      }
    }
    out.push(entry);
  }
  return out;
}

export const base64Bytes = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** What an export says about one metric itself, as a backend reads it: the OTLP data type, unit, bounds, attribute keys. */
export interface MetricDescriptor {
  name: string;
  unit: string;
  /** gauge; sum split by is_monotonic into counter / updowncounter; histogram; the two types we never send. */
  kind: "gauge" | "counter" | "updowncounter" | "histogram" | "exponential_histogram" | "summary";
  /** Histograms: explicit_bounds of the first point. */
  bounds?: number[];
  attributeKeys: string[];
}

const KIND_BY_FIELD: Record<number, MetricDescriptor["kind"]> = { 5: "gauge", 7: "counter", 9: "histogram", 10: "exponential_histogram", 11: "summary" };

/** HistogramDataPoint.explicit_bounds = 7: packed doubles, or one fixed64 field per bound. */
function explicitBounds(point: Uint8Array): number[] {
  const bounds: number[] = [];
  for (const f of fields(point)) {
    if (f.field !== 7) continue;
    if (f.fixed) bounds.push(f.fixed.getFloat64(0, true));
    if (f.bytes) {
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      for (let i = 0; i < f.bytes.byteLength; i += 8) bounds.push(view.getFloat64(i, true));
    }
  }
  return bounds;
}

function descriptor(buf: Uint8Array): MetricDescriptor {
  const d: MetricDescriptor = { name: "", unit: "", kind: "gauge", attributeKeys: [] };
  const keys = new Set<string>();
  for (const f of fields(buf)) {
    if (f.field === 1 && f.bytes) d.name = text(f.bytes);
    else if (f.field === 3 && f.bytes) d.unit = text(f.bytes);
    else if (KIND_BY_FIELD[f.field] && f.bytes) {
      const histogram = f.field === 9;
      const data = [...fields(f.bytes)];
      // Sum.is_monotonic = 3; absent (false) makes it an up-down counter.
      d.kind = f.field === 7 && !data.some((x) => x.field === 3 && x.int) ? "updowncounter" : KIND_BY_FIELD[f.field]!;
      for (const point of data) {
        if (point.field !== 1 || !point.bytes) continue;
        for (const a of fields(point.bytes)) if (a.field === (histogram ? 9 : 7) && a.bytes) keys.add(keyValue(a.bytes)[0]);
        if (histogram) d.bounds ??= explicitBounds(point.bytes);
      }
    }
  }
  d.attributeKeys = [...keys].sort();
  return d;
}

/** Every metric in an ExportMetricsServiceRequest, described (one entry per metric per scope). */
export function describeMetrics(body: Uint8Array): MetricDescriptor[] {
  const out: MetricDescriptor[] = [];
  for (const rm of fields(body)) {
    if (rm.field !== 1 || !rm.bytes) continue;
    for (const sm of fields(rm.bytes)) {
      if (sm.field !== 2 || !sm.bytes) continue;
      for (const m of fields(sm.bytes)) if (m.field === 2 && m.bytes) out.push(descriptor(m.bytes));
    }
  }
  return out;
}
