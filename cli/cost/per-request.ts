import { COST_ASSUMPTIONS, METRICS, promName } from "../../catalog/index.ts";
import { USAGE_TOTALS } from "../../promql/index.ts";
import { instantQuery, type PrometheusOptions } from "../sources/prometheus.ts";
import { DEFAULT_PER_REQUEST, type PerRequest } from "./model.ts";

export type Provenance = "default" | "flag" | "measured";

export interface ResolvedPerRequest {
  values: PerRequest;
  provenance: Record<keyof PerRequest, Provenance>;
  reasons: Record<keyof PerRequest, string>;
  window?: string;
}

export const PER_REQUEST_KEYS = Object.keys(DEFAULT_PER_REQUEST) as (keyof PerRequest)[];

/** Defaults from the catalog, replaced by Prometheus measurements when available, then by explicit flags. */
export async function resolvePerRequest(flags: Partial<PerRequest>, prom: PrometheusOptions | null, window = "7d"): Promise<ResolvedPerRequest> {
  const values = { ...DEFAULT_PER_REQUEST };
  const provenance = Object.fromEntries(PER_REQUEST_KEYS.map((k) => [k, "default"])) as Record<keyof PerRequest, Provenance>;
  const reasons = Object.fromEntries(PER_REQUEST_KEYS.map((k) => [k, COST_ASSUMPTIONS[k].reason])) as Record<keyof PerRequest, string>;
  if (prom) {
    const [requests, rowsRead, rowsWritten, kv, cpuSum, cpuCount, kvWrites] = await Promise.all([
      instantQuery(prom, USAGE_TOTALS.requests(window)), instantQuery(prom, USAGE_TOTALS.rowsRead(window)), instantQuery(prom, USAGE_TOTALS.rowsWritten(window)),
      instantQuery(prom, USAGE_TOTALS.kvLookups(window)), instantQuery(prom, USAGE_TOTALS.cpuMsSum(window)), instantQuery(prom, USAGE_TOTALS.cpuMsCount(window)),
      instantQuery(prom, USAGE_TOTALS.kvWrites(window)),
    ]);
    const set = (k: keyof PerRequest, v: number | null, why: string) => {
      if (v === null || !Number.isFinite(v)) return;
      values[k] = v;
      provenance[k] = "measured";
      reasons[k] = why;
    };
    if (requests && requests > 0) {
      set("d1RowsRead", rowsRead === null ? null : rowsRead / requests, `measured over ${window}: ${USAGE_TOTALS.rowsRead(window)} / requests`);
      set("d1RowsWritten", rowsWritten === null ? null : rowsWritten / requests, `measured over ${window}: ${USAGE_TOTALS.rowsWritten(window)} / requests`);
      set("kvReads", kv === null ? null : kv / requests, `measured over ${window}: KV cache lookups / requests`);
      // The hot-data promotion rate (and invalidations), as the Worker counted them.
      set("kvWrites", kvWrites === null ? null : kvWrites / requests, `measured over ${window}: query-cache KV writes (promotions + invalidations) / requests`);
    }
    if (cpuSum !== null && cpuCount && cpuCount > 0) set("cpuMs", cpuSum / cpuCount, `measured over ${window}: mean Worker CPU time (Tail Worker)`);
  }
  for (const k of PER_REQUEST_KEYS) {
    const v = flags[k];
    if (v !== undefined) {
      values[k] = v;
      provenance[k] = "flag";
      reasons[k] = "given on the command line";
    }
  }
  return { values, provenance, reasons, ...(prom ? { window } : {}) };
}

/** D1 storage for the bill: the flag, else the size Prometheus measures now, else 0 (said so). */
export async function resolveStorage(flagBytes: number | null, prom: PrometheusOptions | null): Promise<{ bytes: number; source: string }> {
  if (flagBytes !== null) return { bytes: flagBytes, source: "given with --storage" };
  const measured = prom ? await instantQuery(prom, USAGE_TOTALS.size) : null;
  if (measured !== null) return { bytes: measured, source: `measured: Prometheus ${promName(METRICS.d1DatabaseSize)}` };
  return { bytes: 0, source: "not measured: 0 B (give --storage or --prometheus-url)" };
}
