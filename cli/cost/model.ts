import { BYTES_PER_GB, COST_ASSUMPTIONS, COST_PROJECTIONS, COST_PROJECTION_TOLERANCE, DAYS_PER_MONTH, FREE_PLAN, GRAFANA_CLOUD, PRICES, TELEMETRY, TELEMETRY_COST, UNIT } from "../../catalog/index.ts";
import { FULL_MIX_POINTS, aggregatorCost } from "../../otlp/aggregator/cost.ts";

/** Average resource use of one API request. */
export interface PerRequest {
  d1RowsRead: number;
  d1RowsWritten: number;
  kvReads: number;
  kvWrites: number;
  cpuMs: number;
  doRequests: number;
}

export const DEFAULT_PER_REQUEST: PerRequest = {
  d1RowsRead: COST_ASSUMPTIONS.d1RowsRead.value,
  d1RowsWritten: COST_ASSUMPTIONS.d1RowsWritten.value,
  kvReads: COST_ASSUMPTIONS.kvReads.value,
  kvWrites: COST_ASSUMPTIONS.kvWrites.value,
  cpuMs: COST_ASSUMPTIONS.cpuMs.value,
  doRequests: COST_ASSUMPTIONS.doRequests.value,
};

export interface CostLine {
  item: string;
  usage: number;
  unit: string;
  included: number;
  billable: number;
  unitPrice: number;
  priceUnit: string;
  usd: number;
}

export interface CostEstimate {
  requestsPerMonth: number;
  storageBytes: number;
  plan: "free" | "paid";
  lines: CostLine[];
  totalUsd: number;
  /** What the telemetry itself costs on top (Grafana Cloud, and the aggregator's Durable Object requests). */
  telemetry: TelemetryCost;
}

/** Telemetry's own bill: its usage from the catalog's measured figures (TELEMETRY_COST), priced by GRAFANA_CLOUD/PRICES. */
export interface TelemetryCost {
  /** "free": every Grafana Cloud figure within the Free tier (14-day retention); "pro": pay-as-you-go beyond it. */
  grafanaPlan: "free" | "pro";
  activeSeries: number;
  dpm: number;
  logsGb: number;
  tracesGb: number;
  aggregatorRequests: number;
  lines: CostLine[];
  totalUsd: number;
}

const M = 1e6;

function line(item: string, usage: number, unit: string, included: number, perMillion: number, priceUnit: string): CostLine {
  const billable = Math.max(0, usage - included);
  return { item, usage, unit, included, billable, unitPrice: perMillion, priceUnit, usd: (billable / M) * perMillion };
}

const intervalsPerMonth = (DAYS_PER_MONTH.value * UNIT.secondsPerDay * UNIT.msPerSecond) / TELEMETRY.exportInterval.value;

/**
 * Telemetry at `requests` per month. Series do not depend on the number of isolates (the aggregator exports one set per
 * shard, plus one target_info per shard); logs are one record per request, traces one per sampled request; the
 * aggregator's Durable Object bill is aggregatorCost() (otlp/aggregator/cost.ts) for the busy isolates.
 */
export function estimateTelemetryCost(requests: number, busyIsolates = TELEMETRY_COST.busyIsolates.value): TelemetryCost {
  const G = GRAFANA_CLOUD;
  const shards = TELEMETRY.aggregatorShards.value;
  const activeSeries = (TELEMETRY_COST.seriesFullMix.value + 1) * shards;
  const dpm = activeSeries * (UNIT.secondsPerMinute * UNIT.msPerSecond) / TELEMETRY.exportInterval.value;
  const logsGb = (requests * TELEMETRY_COST.logBytesPerRequest.value) / BYTES_PER_GB;
  const tracesGb = (requests * TELEMETRY.traceSampleRatio.value * TELEMETRY_COST.traceBytesPerSampledRequest.value) / BYTES_PER_GB;
  // An isolate hands off only after serving a request: at low volume there are fewer hand-offs than busy isolates.
  const aggregator = aggregatorCost({ isolates: Math.min(busyIsolates, requests / intervalsPerMonth), pointsPerHandoff: FULL_MIX_POINTS });
  const aggregatorRequests = aggregator.doRequestsPerMonth;
  const billedSeries = Math.max(activeSeries, dpm / G.includedDpmPerSeries.value);
  const free = billedSeries <= G.freeActiveSeries.value && logsGb <= G.freeLogsGb.value && tracesGb <= G.freeTracesGb.value;
  const gb = (item: string, usage: number, included: number): CostLine => {
    const billable = Math.max(0, usage - included);
    const usd = free ? 0 : billable * G.writtenPerGbUsd.value + usage * G.processedPerGbUsd.value;
    return { item, usage: usage * BYTES_PER_GB, unit: "bytes", included: included * BYTES_PER_GB, billable: billable * BYTES_PER_GB, unitPrice: G.writtenPerGbUsd.value, priceUnit: `USD/GB written + ${G.processedPerGbUsd.value}/GB processed`, usd };
  };
  const seriesBillable = Math.max(0, billedSeries - G.freeActiveSeries.value);
  const lines: CostLine[] = [
    {
      item: "Grafana Cloud metrics (active series)", usage: billedSeries, unit: "series", included: G.freeActiveSeries.value, billable: seriesBillable,
      unitPrice: G.seriesPerThousandUsd.value, priceUnit: "USD/1k series", usd: (seriesBillable / UNIT.thousand) * G.seriesPerThousandUsd.value,
    },
    gb("Grafana Cloud logs", logsGb, G.freeLogsGb.value),
    gb("Grafana Cloud traces", tracesGb, G.freeTracesGb.value),
    {
      item: "Telemetry aggregator (Durable Object requests, rows, duration)", usage: aggregatorRequests, unit: "requests", included: 0, billable: aggregatorRequests,
      unitPrice: PRICES.doRequestsPerMillion.value, priceUnit: "USD/M + rows written + GB-s (list price)", usd: aggregator.usdPerMonth,
    },
  ];
  return { grafanaPlan: free ? "free" : "pro", activeSeries, dpm, logsGb, tracesGb, aggregatorRequests, lines, totalUsd: lines.reduce((a, l) => a + l.usd, 0) };
}

/** True when the whole month fits the Free plan's daily allowances (the document's "MVP <3M: $0"). */
export function fitsFreePlan(requests: number, per: PerRequest, storageBytes: number): boolean {
  const days = DAYS_PER_MONTH.value;
  return (
    requests <= PRICES.workersFreeRequestsPerDay.value * days &&
    requests * per.d1RowsRead <= PRICES.d1FreeReadsPerDay.value * days &&
    requests * per.d1RowsWritten <= FREE_PLAN.d1WritesPerDay.value * days &&
    requests * per.kvReads <= PRICES.kvFreeReadsPerDay.value * days &&
    requests * per.kvWrites <= FREE_PLAN.kvWritesPerDay.value * days &&
    requests * per.doRequests <= FREE_PLAN.doRequestsPerDay.value * days &&
    per.cpuMs <= FREE_PLAN.cpuMsPerInvocation.value &&
    storageBytes <= FREE_PLAN.d1Storage.value
  );
}

/** Monthly Cloudflare bill, line by line, from the catalog's prices and allowances. */
export function estimateCost(requests: number, per: PerRequest, storageBytes = 0): CostEstimate {
  if (fitsFreePlan(requests, per, storageBytes)) {
    return { requestsPerMonth: requests, storageBytes, plan: "free", lines: [{ item: "Free plan (all usage within daily allowances)", usage: requests, unit: "requests", included: requests, billable: 0, unitPrice: 0, priceUnit: "", usd: 0 }], totalUsd: 0, telemetry: estimateTelemetryCost(requests) };
  }
  const P = PRICES;
  const lines: CostLine[] = [
    { item: "Workers Paid plan", usage: 1, unit: "month", included: 0, billable: 1, unitPrice: P.workersBaseMonthly.value, priceUnit: "USD/month", usd: P.workersBaseMonthly.value },
    line("Workers requests", requests, "requests", P.workersIncludedRequests.value, P.workersRequestsPerMillion.value, "USD/M"),
    line("Workers CPU time", requests * per.cpuMs, "ms", P.workersIncludedCpuMs.value, P.workersCpuPerMillionMs.value, "USD/M ms"),
    line("D1 rows read", requests * per.d1RowsRead, "rows", P.d1IncludedReadsMonthly.value, P.d1ReadsPerMillion.value, "USD/M"),
    line("D1 rows written", requests * per.d1RowsWritten, "rows", P.d1IncludedWritesMonthly.value, P.d1WritesPerMillion.value, "USD/M"),
    {
      item: "D1 storage", usage: storageBytes, unit: "bytes", included: P.d1IncludedStorage.value,
      billable: Math.max(0, storageBytes - P.d1IncludedStorage.value), unitPrice: P.d1StoragePerGbMonth.value, priceUnit: "USD/GB-month",
      usd: (Math.max(0, storageBytes - P.d1IncludedStorage.value) / BYTES_PER_GB) * P.d1StoragePerGbMonth.value,
    },
    line("KV reads", requests * per.kvReads, "reads", P.kvIncludedReadsMonthly.value, P.kvReadsPerMillion.value, "USD/M"),
    line("KV writes", requests * per.kvWrites, "writes", P.kvIncludedWritesMonthly.value, P.kvWritesPerMillion.value, "USD/M"),
    line("Durable Object requests", requests * per.doRequests, "requests", P.doIncludedRequestsMonthly.value, P.doRequestsPerMillion.value, "USD/M"),
  ];
  const totalUsd = lines.reduce((a, l) => a + l.usd, 0);
  return { requestsPerMonth: requests, storageBytes, plan: "paid", lines, totalUsd, telemetry: estimateTelemetryCost(requests) };
}

export interface ProjectionComparison {
  scale: string;
  requestsPerMonth: number;
  documentLow: number;
  documentHigh: number;
  documentNote: string;
  computedUsd: number;
  agrees: boolean;
  note: string;
}

/** The document's projection table beside what the model computes for the same volumes. */
export function compareWithDocument(per: PerRequest, storageBytes = 0): ProjectionComparison[] {
  const tol = COST_PROJECTION_TOLERANCE.value;
  return COST_PROJECTIONS.map((row) => {
    const computed = estimateCost(row.requestsPerMonth, per, storageBytes).totalUsd;
    const low = row.low * (1 - tol);
    const high = row.high * (1 + tol);
    const agrees = row.high === 0 ? computed === 0 : computed >= low && computed <= high;
    const note = agrees ? "agrees" : computed < row.low ? "computed is below the document's range" : "computed is above the document's range";
    return { scale: row.scale, requestsPerMonth: row.requestsPerMonth, documentLow: row.low, documentHigh: row.high, documentNote: row.note, computedUsd: computed, agrees, note };
  });
}

/** Smallest monthly request volume whose Cloudflare bill reaches `monthlyUsd` (bisection; the bill is monotone in requests). */
export function requestsForCost(monthlyUsd: number, per: PerRequest, storageBytes = 0): number | null {
  let lo = 0;
  let hi = 1e9;
  while (estimateCost(hi, per, storageBytes).totalUsd < monthlyUsd) {
    hi *= 2;
    if (hi > 1e15) return null;
  }
  for (let i = 0; i < 80 && hi - lo > 1000; i++) {
    const mid = (lo + hi) / 2;
    if (estimateCost(mid, per, storageBytes).totalUsd >= monthlyUsd) hi = mid;
    else lo = mid;
  }
  return Math.round(hi);
}

export interface MonthUsage {
  rowsRead: number | null;
  rowsWritten: number | null;
  storageBytes: number;
  /** Worker requests and CPU ms over the month, when the platform's analytics were readable. */
  workerRequests?: number | null;
  workerCpuMs?: number | null;
}

/**
 * The month's bill at measured usage (Paid plan allowances): D1 always, the Worker's lines when its invocations
 * were measured. Unmeasured lines count as zero and are named, so the total is a floor, never a guess.
 */
export function monthlyCostAtUsage(u: MonthUsage): { lines: CostLine[]; totalUsd: number; unmeasured: string[] } {
  const P = PRICES;
  const unmeasured: string[] = [];
  if (u.rowsRead === null) unmeasured.push("D1 rows read");
  if (u.rowsWritten === null) unmeasured.push("D1 rows written");
  const storageBillable = Math.max(0, u.storageBytes - P.d1IncludedStorage.value);
  const lines: CostLine[] = [];
  if (u.workerRequests != null) {
    lines.push(
      { item: "Workers Paid plan", usage: 1, unit: "month", included: 0, billable: 1, unitPrice: P.workersBaseMonthly.value, priceUnit: "USD/month", usd: P.workersBaseMonthly.value },
      line("Workers requests", u.workerRequests, "requests", P.workersIncludedRequests.value, P.workersRequestsPerMillion.value, "USD/M"),
    );
    if (u.workerCpuMs != null) lines.push(line("Workers CPU time", u.workerCpuMs, "ms", P.workersIncludedCpuMs.value, P.workersCpuPerMillionMs.value, "USD/M ms"));
    else unmeasured.push("Workers CPU time");
  } else unmeasured.push("Workers requests and CPU");
  lines.push(
    line("D1 rows read", u.rowsRead ?? 0, "rows", P.d1IncludedReadsMonthly.value, P.d1ReadsPerMillion.value, "USD/M"),
    line("D1 rows written", u.rowsWritten ?? 0, "rows", P.d1IncludedWritesMonthly.value, P.d1WritesPerMillion.value, "USD/M"),
    {
      item: "D1 storage", usage: u.storageBytes, unit: "bytes", included: P.d1IncludedStorage.value, billable: storageBillable,
      unitPrice: P.d1StoragePerGbMonth.value, priceUnit: "USD/GB-month", usd: (storageBillable / BYTES_PER_GB) * P.d1StoragePerGbMonth.value,
    },
  );
  unmeasured.push("KV", "Durable Objects");
  return { lines, totalUsd: lines.reduce((a, l) => a + l.usd, 0), unmeasured };
}
