import {
  D1_LIMITS, D1_SIZE, ERROR_RATE, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER,
} from "../../catalog/index.ts";
import type { TriggerStatus } from "../exit-codes.ts";
import { formatValue } from "../units.ts";
import type { Projection } from "./projection.ts";

/** What the sources could measure; null where they could not. */
export interface Measurements {
  sizeBytes: number;
  rows: number | null;
  writeP95Seconds: number | null;
  writesPerSecond: number | null;
  errorRate: number | null;
  needs: DeclaredNeeds;
  projection: Projection | null;
}

export interface DeclaredNeeds {
  complexTransactions: boolean;
  multiRegionWrites: boolean;
}

export interface Trigger {
  id: string;
  status: TriggerStatus;
  value: number | boolean | null;
  warning: number | boolean | null;
  critical: number | boolean | null;
  /** The hard limit behind the trigger, when there is one. */
  limit: number | null;
  unit: string;
  message: string;
}

/** Strictly above a threshold fires, as the document words it ("> 5GB", "> 50ms p95"). */
export function levelStatus(value: number | null, warning: number, critical: number | null): TriggerStatus {
  if (value === null || !Number.isFinite(value)) return "unknown";
  if (critical !== null && value > critical) return "critical";
  if (value > warning) return "warning";
  return "ok";
}

function numeric(
  id: string, label: string, value: number | null, unit: string,
  warning: number, critical: number | null, limit: number | null, unmeasured: string,
): Trigger {
  const status = levelStatus(value, warning, critical);
  const f = (v: number) => formatValue(v, unit);
  let message: string;
  if (status === "unknown") message = `${label}: not measured (${unmeasured})`;
  else {
    const over = status === "critical" ? `above critical ${f(critical!)}` : status === "warning" ? `above warning ${f(warning)}` : `below warning ${f(warning)}`;
    message = `${label} ${f(value!)} is ${over}${limit !== null ? ` (limit ${f(limit)})` : ""}`;
  }
  return { id, status, value, warning, critical, limit, unit, message };
}

function declared(id: string, label: string, needed: boolean): Trigger {
  return {
    id, status: needed ? "warning" : "ok", value: needed, warning: true, critical: null, limit: null, unit: "boolean",
    message: needed ? `${label} is declared as needed: D1 cannot provide it, plan migration` : `${label} not declared as needed`,
  };
}

/** Recommendation 1's "When to Migrate" list, plus the hard limits around it, evaluated against measurements. */
export function evaluateTriggers(m: Measurements): Trigger[] {
  const triggers: Trigger[] = [
    numeric("d1_size", "D1 size", m.sizeBytes, "bytes", D1_SIZE.warning.value, D1_SIZE.critical.value, D1_LIMITS.maxSize.value, "no size"),
    numeric("d1_rows", "Rows", m.rows, "rows", ROWS_TRIGGER.warning.value, ROWS_TRIGGER.critical.value, D1_LIMITS.maxRows.value, "row counts unavailable from this source"),
    numeric("write_latency_p95", "Write latency p95", m.writeP95Seconds, "s", MIGRATION.writeLatencyP95.value, null, null, "give --prometheus-url"),
    numeric("write_rate", "Peak write rate", m.writesPerSecond, "writes/s", WRITE_RATE_TRIGGER.warning.value, WRITE_RATE_TRIGGER.critical.value, D1_LIMITS.writesPerSecond.value, "give --prometheus-url or use the Cloudflare source"),
    numeric("error_rate", "Error rate", m.errorRate, "ratio", ERROR_RATE.warning.value, ERROR_RATE.critical.value, null, "give --prometheus-url"),
    declared("complex_transactions", "Complex transactions", m.needs.complexTransactions),
    declared("multi_region_writes", "Multi-region writes", m.needs.multiRegionWrites),
  ];
  triggers.push(projectionTrigger(m.projection, m.sizeBytes));
  return triggers;
}

/** Lead time: the size trigger should fire before the size gets there, not on the day. */
function projectionTrigger(p: Projection | null, sizeBytes: number): Trigger {
  const horizon = MIGRATION.projectionHorizon.value;
  const base = { id: "d1_size_projection", warning: horizon, critical: null, limit: null, unit: "days" };
  if (!p) return { ...base, status: "unknown", value: null, message: "Size projection: not enough size history (needs 2+ points)" };
  if (sizeBytes > D1_SIZE.warning.value) return { ...base, status: "ok", value: 0, message: "Size projection: already above 5 GB (see d1_size)" };
  const days = p.daysToWarning;
  if (days === null) return { ...base, status: "ok", value: null, message: "Size projection: not growing, 5 GB never reached" };
  const status: TriggerStatus = days < horizon ? "warning" : "ok";
  if (days === 0) return { ...base, status, value: 0, message: "Size projection: the fitted growth line is already past 5 GB" };
  return { ...base, status, value: Math.round(days * 10) / 10, message: `Size projection: 5 GB reached in ${days.toFixed(1)} days (${status === "warning" ? "within" : "beyond"} the ${horizon}-day lead time)` };
}
