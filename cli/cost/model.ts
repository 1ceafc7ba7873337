import {
  BYTES_PER_GB, COST_ASSUMPTIONS, FULL_MIX_POINTS, aggregatorCost, COST_BASE, COST_PROJECTIONS, COST_PROJECTION_TOLERANCE, COST_TERMS, DAYS_PER_MONTH, GRAFANA_CLOUD, PRICES, TELEMETRY,
  TELEMETRY_COST, UNIT, termUsd, withinFree, type CostTerm,
} from "../../catalog/index.ts";

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

const intervalsPerMonth = (DAYS_PER_MONTH.value * UNIT.secondsPerDay * UNIT.msPerSecond) / TELEMETRY.exportInterval.value;

/**
 * Telemetry at `requests` per month. Series do not depend on the number of isolates (the aggregator exports one set per
 * shard, plus one target_info per shard); logs are one record per request, traces one per sampled request; the
 * aggregator's Durable Object bill is aggregatorCost() (catalog/aggregator-cost.ts) for the busy isolates.
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

/** A term's usage in a month at `requests` requests of `per` each, holding `storageBytes`. */
export function termUsage(term: CostTerm, requests: number, per: PerRequest, storageBytes: number): number {
  switch (term.usage.kind) {
    case "requests": return requests;
    case "perRequest": return requests * per[term.usage.per];
    case "storage": return storageBytes;
  }
}

/** A term's line of the bill at `usage` (Paid plan). */
export function termLine(term: CostTerm, usage: number): CostLine {
  const included = term.included.value;
  return { item: term.title, usage, unit: term.unit, included, billable: Math.max(0, usage - included), unitPrice: term.price.value, priceUnit: term.price.unit, usd: termUsd(term, usage) };
}

const baseLine = (): CostLine => ({ item: "Workers Paid plan", usage: 1, unit: "month", included: 0, billable: 1, unitPrice: COST_BASE.value, priceUnit: COST_BASE.unit, usd: COST_BASE.value });

/** True when the whole month fits the Free plan's allowances (the document's "MVP <3M: $0"). */
export function fitsFreePlan(requests: number, per: PerRequest, storageBytes: number): boolean {
  return COST_TERMS.every((t) => withinFree(t, termUsage(t, requests, per, storageBytes), requests));
}

/** Monthly Cloudflare bill, line by line: the catalog's COST_TERMS, as the cost dashboard computes it. */
export function estimateCost(requests: number, per: PerRequest, storageBytes = 0): CostEstimate {
  const telemetry = estimateTelemetryCost(requests);
  if (fitsFreePlan(requests, per, storageBytes)) {
    return { requestsPerMonth: requests, storageBytes, plan: "free", lines: [{ item: "Free plan (all usage within daily allowances)", usage: requests, unit: "requests", included: requests, billable: 0, unitPrice: 0, priceUnit: "", usd: 0 }], totalUsd: 0, telemetry };
  }
  const lines = [baseLine(), ...COST_TERMS.map((t) => termLine(t, termUsage(t, requests, per, storageBytes)))];
  return { requestsPerMonth: requests, storageBytes, plan: "paid", lines, totalUsd: lines.reduce((a, l) => a + l.usd, 0), telemetry };
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
 * The month's bill at measured usage (Paid plan allowances), one line per cost term; the base fee when the Worker's
 * requests were measured. Unmeasured lines count as zero and are named, so the total is a floor, never a guess.
 */
export function monthlyCostAtUsage(u: MonthUsage): { lines: CostLine[]; totalUsd: number; unmeasured: string[] } {
  const measured: Record<keyof PerRequest | "requests" | "storage", number | null | undefined> = {
    requests: u.workerRequests, cpuMs: u.workerCpuMs, d1RowsRead: u.rowsRead, d1RowsWritten: u.rowsWritten, storage: u.storageBytes,
    kvReads: null, kvWrites: null, doRequests: null,
  };
  const unmeasured: string[] = [];
  const lines: CostLine[] = u.workerRequests != null ? [baseLine()] : [];
  for (const term of COST_TERMS) {
    const usage = measured[term.usage.kind === "perRequest" ? term.usage.per : term.usage.kind];
    if (usage == null) unmeasured.push(term.title);
    lines.push(termLine(term, usage ?? 0));
  }
  return { lines, totalUsd: lines.reduce((a, l) => a + l.usd, 0), unmeasured };
}
