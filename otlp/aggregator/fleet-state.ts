import { TELEMETRY } from "../../catalog/index.ts";
import { addValues, mergeRuleOf, metricDef, seriesKey, type Attributes, type DeltaPoint, type Handoff, type MetricKey, type PointValue } from "./points.ts";

/** The resource a series is exported under (no per-isolate identity). */
export interface FleetResource {
  service: string;
  environment: string;
}

export interface FleetSeries {
  resource: string;
  metric: MetricKey;
  attributes: Attributes;
  /** Cumulative (sums) or the merged gauge value as last exported/merged. */
  value: PointValue;
  /** Gauges merged by "max": the largest value handed off since the last export. */
  intervalMax?: number;
  /** Gauges merged by "latest": the hand-off time of `value`. */
  valueTime?: number;
  /** When the aggregator first saw the series (its OTLP start time), ms. */
  start: number;
  /** Last hand-off that touched it, ms. */
  updated: number;
  /** Exported at least once: a series never exported first goes out at zero (see toExport). */
  exported: boolean;
}

interface FleetJson {
  resources: [string, FleetResource][];
  series: FleetSeries[];
  isolates: [string, { seq: number; at: number }][];
  /** Number of the last hand-off folded into this state (the hand-off log is replayed after it). */
  compactedThrough: number;
}

/**
 * During a deploy, isolates of the previous version keep handing off for a while, and the stored state was merged
 * under the previous catalog: a metric that no longer exists, or a histogram whose buckets changed, is dropped
 * rather than exported with counts that do not match its boundaries (it starts again from 0: a counter reset).
 */
function fitsCatalog(metric: MetricKey, value: PointValue): boolean {
  const def = metricDef(metric);
  if (!def) return false;
  if (def.kind !== "histogram") return typeof value === "number" && Number.isFinite(value);
  return typeof value === "object" && value.counts.length === (def.buckets?.length ?? 0) + 1;
}

const resourceKey = (r: FleetResource): string => JSON.stringify([r.service, r.environment]);

/**
 * The merged, cumulative state of one aggregator shard: every series of the fleet, and per isolate the last applied
 * hand-off sequence (so a retry applies once). Pure data: the Durable Object persists it (JSON) and replays hand-offs
 * into it.
 */
export class FleetState {
  readonly resources = new Map<string, FleetResource>();
  readonly series = new Map<string, FleetSeries>();
  readonly isolates = new Map<string, { seq: number; at: number }>();
  compactedThrough = 0;

  /** False when this (isolate, seq) or a later one was applied already. */
  accepts(h: Pick<Handoff, "isolate" | "seq">): boolean {
    return h.seq > (this.isolates.get(h.isolate)?.seq ?? 0);
  }

  apply(h: Handoff, at: number): boolean {
    if (!this.accepts(h)) return false;
    this.isolates.set(h.isolate, { seq: h.seq, at });
    const resource = { service: h.service, environment: h.environment };
    for (const point of h.points) this.merge(resource, point, at, h.time);
    return true;
  }

  /** One point into the state: sums add, gauges follow their catalog rule. */
  merge(resource: FleetResource, point: DeltaPoint, at: number, time = at): void {
    if (!fitsCatalog(point.metric, point.value)) return;
    const def = metricDef(point.metric);
    const rKey = resourceKey(resource);
    if (!this.resources.has(rKey)) this.resources.set(rKey, resource);
    const key = `${rKey}${seriesKey(point.metric, point.attributes)}`;
    const existing = this.series.get(key);
    const rule = mergeRuleOf(def);
    if (!existing) {
      this.series.set(key, {
        resource: rKey,
        metric: point.metric,
        attributes: point.attributes,
        value: point.value,
        ...(rule === "max" ? { intervalMax: point.value as number } : {}),
        ...(rule === "latest" ? { valueTime: time } : {}),
        start: at,
        updated: at,
        exported: false,
      });
      return;
    }
    existing.updated = at;
    if (rule === "sum") existing.value = addValues(existing.value, point.value);
    else if (rule === "max") existing.intervalMax = Math.max(existing.intervalMax ?? -Infinity, point.value as number);
    else if (time >= (existing.valueTime ?? -Infinity)) {
      existing.value = point.value;
      existing.valueTime = time;
    }
  }

  /** Closes an export interval: "max" gauges take their interval's max (or keep the last value when nothing came). */
  closeInterval(): void {
    for (const s of this.series.values()) {
      if (s.intervalMax !== undefined) s.value = s.intervalMax;
      delete s.intervalMax;
    }
  }

  /** Forgets isolates and series that went quiet (see TELEMETRY.handoffDedupRetention / seriesIdleRetention). */
  prune(now: number): void {
    for (const [id, i] of this.isolates) if (now - i.at > TELEMETRY.handoffDedupRetention.value) this.isolates.delete(id);
    for (const [key, s] of this.series) if (now - s.updated > TELEMETRY.seriesIdleRetention.value) this.series.delete(key);
    const used = new Set([...this.series.values()].map((s) => s.resource));
    for (const key of this.resources.keys()) if (!used.has(key)) this.resources.delete(key);
  }

  toJSON(): FleetJson {
    return { resources: [...this.resources], series: [...this.series.values()], isolates: [...this.isolates], compactedThrough: this.compactedThrough };
  }

  static fromJSON(json: FleetJson | null): FleetState {
    const state = new FleetState();
    if (!json) return state;
    for (const [k, r] of json.resources) state.resources.set(k, r);
    for (const s of json.series) if (fitsCatalog(s.metric, s.value)) state.series.set(`${s.resource}${seriesKey(s.metric, s.attributes)}`, s);
    for (const [id, i] of json.isolates) state.isolates.set(id, i);
    state.compactedThrough = json.compactedThrough;
    return state;
  }
}
