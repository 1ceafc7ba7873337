import { DAYS_PER_MONTH } from "./capacity.ts";
import { PRICES } from "./prices.ts";
import { TELEMETRY } from "./telemetry.ts";

export interface AggregatorCostInput {
  isolates: number;
  exportIntervalMs?: number;
  shards?: number;
  /** Points (label sets) in one isolate's hand-off: what a row-per-series design would write per hand-off. */
  pointsPerHandoff: number;
}

export interface AggregatorCost {
  handoffsPerSecond: number;
  /** Per shard: must stay under aggregatorMaxRequestsPerSecond. */
  requestsPerSecondPerShard: number;
  doRequestsPerMonth: number;
  rowsWrittenPerMonth: number;
  /** List price, before the plan's included requests/rows/duration (those are shared with the other objects). */
  usdPerMonth: number;
  /** The same hand-offs writing one row per point: the design this one avoids. */
  rowPerPointUsdPerMonth: number;
  /** Fewest shards that keep each under the per-object limit. */
  shardsNeeded: number;
}

/**
 * Label sets (points) one isolate hands off after the full API mix of test/pipeline/drive.ts (driveMix): 46, from
 * `count({service_name="moltsecret-api", __name__!~".*_bucket|.*_sum"})` in the stand-in (446 Prometheus series).
 */
export const FULL_MIX_POINTS = 46;

const SECONDS_PER_MONTH = DAYS_PER_MONTH.value * 86_400;

/**
 * What fleet aggregation costs in Durable Object terms. Each isolate hands off once per interval to each shard its
 * series hash to; each hand-off is one DO request and one SQLite row written (measured in otlp/aggregator/aggregator.test.ts); each
 * shard's alarm adds one request and one state row per interval; each shard is active the whole month.
 */
export function aggregatorCost({ isolates, exportIntervalMs = TELEMETRY.exportInterval.value, shards = TELEMETRY.aggregatorShards.value, pointsPerHandoff }: AggregatorCostInput): AggregatorCost {
  const intervalS = exportIntervalMs / 1000;
  const handoffsPerSecond = (isolates * shards) / intervalS;
  const alarmsPerSecond = shards / intervalS;
  const doRequestsPerMonth = (handoffsPerSecond + alarmsPerSecond) * SECONDS_PER_MONTH;
  const rowsWrittenPerMonth = (handoffsPerSecond + alarmsPerSecond) * SECONDS_PER_MONTH;
  const durationGbS = shards * SECONDS_PER_MONTH * TELEMETRY.aggregatorMemory.value;
  const requestsUsd = (doRequestsPerMonth / 1e6) * PRICES.doRequestsPerMillion.value;
  const durationUsd = (durationGbS / 1e6) * PRICES.doDurationPerMillionGbS.value;
  const usdPerMonth = requestsUsd + (rowsWrittenPerMonth / 1e6) * PRICES.doRowsWrittenPerMillion.value + durationUsd;
  const rowPerPointRows = handoffsPerSecond * SECONDS_PER_MONTH * (pointsPerHandoff / shards);
  const rowPerPointUsdPerMonth = requestsUsd + (rowPerPointRows / 1e6) * PRICES.doRowsWrittenPerMillion.value + durationUsd;
  return {
    handoffsPerSecond,
    requestsPerSecondPerShard: handoffsPerSecond / shards,
    doRequestsPerMonth,
    rowsWrittenPerMonth,
    usdPerMonth,
    rowPerPointUsdPerMonth,
    shardsNeeded: Math.max(1, Math.ceil(isolates / intervalS / TELEMETRY.aggregatorMaxRequestsPerSecond.value)),
  };
}
