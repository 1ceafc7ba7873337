import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { TELEMETRY } from "../../catalog/index.ts";
import { withTimeout } from "../bounded.ts";
import type { TelemetryAggregator } from "./aggregator-object.ts";
import { aggregatorName, deltaOf, metricDef, shardOf, snapshotOf, type DeltaPoint, type Handoff, type PointValue } from "./points.ts";

export interface AggregatorEnv {
  TELEMETRY_AGGREGATOR?: DurableObjectNamespace<TelemetryAggregator>;
}

export interface HandoffReport {
  /** Every shard that had something to hand off acknowledged it. */
  ok: boolean;
  /** Points handed off (acknowledged) in this flush. */
  points: number;
  /** Hand-offs attempted (one per shard with something to send). */
  attempts: number;
  failed: number;
}

interface InFlight {
  batch: Handoff;
  /** The cumulative values the batch brings the aggregator to: acked becomes these once it answers. */
  ackTo: Map<string, PointValue>;
}

/**
 * The isolate's side of fleet aggregation. The isolate keeps cumulative values (its MeterProvider) and the last
 * cumulative values the aggregator acknowledged; a hand-off carries the difference. A hand-off that fails or times out
 * is retried unchanged (same seq, same points) at the next flush, so the aggregator applies it exactly once whether or
 * not the first attempt reached it; what was recorded meanwhile waits in the cumulative values and leaves with the
 * next hand-off. Memory is therefore bounded by the number of series (the SDK's cardinality limit), not by how long
 * the aggregator stays away.
 */
export class FleetHandoff {
  readonly isolate = crypto.randomUUID();
  readonly #acked = new Map<string, PointValue>();
  readonly #inFlight = new Map<number, InFlight>();
  readonly #seq = new Map<number, number>();

  constructor(
    readonly service: string,
    readonly environment: string,
    readonly shards = TELEMETRY.aggregatorShards.value,
    /** The object name of each shard (tests give each case its own objects). */
    readonly nameOf: (shard: number) => string = aggregatorName,
  ) {}

  /** Points waiting for an acknowledgement (bounded by series count x 1). */
  get pendingPoints(): number {
    let n = 0;
    for (const f of this.#inFlight.values()) n += f.batch.points.length;
    return n;
  }

  /** Series whose acknowledged values the isolate remembers. */
  get ackedSeries(): number {
    return this.#acked.size;
  }

  async handOff(ns: DurableObjectNamespace<TelemetryAggregator>, rm: ResourceMetrics, now = Date.now()): Promise<HandoffReport> {
    this.#prepare(rm, now);
    const report: HandoffReport = { ok: true, points: 0, attempts: 0, failed: 0 };
    await Promise.all(
      [...this.#inFlight].map(async ([shard, flight]) => {
        report.attempts++;
        try {
          const stub = ns.get(ns.idFromName(this.nameOf(shard)));
          await withTimeout(stub.handoff(flight.batch), TELEMETRY.handoffTimeout.value, "aggregator hand-off");
        } catch {
          report.ok = false;
          report.failed++;
          return;
        }
        for (const [key, value] of flight.ackTo) this.#acked.set(key, value);
        this.#inFlight.delete(shard);
        report.points += flight.batch.points.length;
      }),
    );
    return report;
  }

  /** A new batch per shard that has none in flight: current cumulative minus acked, at most maxSeriesPerHandoff points. */
  #prepare(rm: ResourceMetrics, now: number): void {
    const fresh = new Map<number, InFlight>();
    for (const [key, snap] of snapshotOf(rm)) {
      const shard = shardOf(key, this.shards);
      if (this.#inFlight.has(shard)) continue;
      const delta = deltaOf(metricDef(snap.metric), snap.value, this.#acked.get(key));
      if (delta === null) continue;
      let flight = fresh.get(shard);
      if (!flight) {
        const seq = (this.#seq.get(shard) ?? 0) + 1;
        flight = { batch: { isolate: this.isolate, seq, service: this.service, environment: this.environment, time: now, points: [] }, ackTo: new Map() };
        fresh.set(shard, flight);
      }
      if (flight.batch.points.length >= TELEMETRY.maxSeriesPerHandoff.value) continue;
      flight.batch.points.push({ metric: snap.metric, attributes: snap.attributes, value: delta } satisfies DeltaPoint);
      flight.ackTo.set(key, snap.value);
    }
    for (const [shard, flight] of fresh) {
      this.#seq.set(shard, flight.batch.seq);
      this.#inFlight.set(shard, flight);
    }
  }
}
