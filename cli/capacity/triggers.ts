import {
  D1_LIMITS, D1_SIZE, ERROR_RATE, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER,
} from "../../catalog/index.ts";
import type { TriggerStatus } from "../exit-codes.ts";
import { formatMeasured, formatQuantity } from "../../catalog/format.ts";
import type { Projection } from "./projection.ts";
import { alerts, upperBound, upTo, type Range } from "./ranges.ts";

/** What the sources could measure; null where they could not. */
export interface Measurements {
  sizeBytes: number;
  rows: number | null;
  writeP95Seconds: number | null;
  writesPerSecond: number | null;
  errorRate: number | null;
  needs: DeclaredNeeds;
  projection: Projection | null;
  /** Why a signal is missing when a source was asked and failed (e.g. "Prometheus unreachable"). */
  missing?: Partial<Record<NumericTriggerId, string>>;
  /** `-w/--warning` and `-c/--critical` ranges by trigger id. */
  overrides?: ThresholdOverrides;
}

export interface DeclaredNeeds {
  complexTransactions: boolean;
  multiRegionWrites: boolean;
}

export const NUMERIC_TRIGGER_IDS = ["d1_size", "d1_rows", "write_latency_p95", "write_rate", "d1_size_projection", "error_rate"] as const;
export type NumericTriggerId = (typeof NUMERIC_TRIGGER_IDS)[number];
export type ThresholdOverrides = Partial<Record<NumericTriggerId, { warning?: Range; critical?: Range }>>;

export interface Trigger {
  id: string;
  status: TriggerStatus;
  value: number | boolean | null;
  warning: number | boolean | null;
  critical: number | boolean | null;
  /** The same thresholds in the plugin convention's range format (perfdata); null for declared needs. */
  warningRange: string | null;
  criticalRange: string | null;
  /** The hard limit behind the trigger, when there is one. */
  limit: number | null;
  unit: string;
  message: string;
}

/** Strictly above a threshold fires, as the document words its triggers ("Database > ...", "Write latency > ... p95"). */
export function levelStatus(value: number | null, warning: Range, critical: Range | null): TriggerStatus {
  if (value === null || !Number.isFinite(value)) return "unknown";
  if (critical !== null && alerts(critical, value)) return "critical";
  if (alerts(warning, value)) return "warning";
  return "ok";
}

interface NumericSpec {
  id: NumericTriggerId;
  label: string;
  value: number | null;
  unit: string;
  warning: number;
  critical: number | null;
  limit: number | null;
  unmeasured: string;
}

function numeric(s: NumericSpec, m: Measurements): Trigger {
  const o = m.overrides?.[s.id] ?? {};
  const warnRange = o.warning ?? upTo(s.warning);
  const critRange = o.critical ?? (s.critical === null ? null : upTo(s.critical));
  const status = levelStatus(s.value, warnRange, critRange);
  const f = (v: number) => formatMeasured(v, s.unit);
  const said = (r: Range) => (upperBound(r) !== null ? f(upperBound(r)!) : `range ${r.text}`);
  let message: string;
  if (status === "unknown") message = `${s.label}: not measured (${m.missing?.[s.id] ?? s.unmeasured})`;
  else {
    const over = status === "critical" ? `above critical ${said(critRange!)}` : status === "warning" ? `above warning ${said(warnRange)}` : `below warning ${said(warnRange)}`;
    message = `${s.label} ${f(s.value!)} is ${over}${s.limit !== null ? ` (limit ${f(s.limit)})` : ""}`;
  }
  return {
    id: s.id, status, value: s.value,
    warning: upperBound(warnRange) ?? s.warning, critical: critRange ? (upperBound(critRange) ?? s.critical) : null,
    warningRange: warnRange.text, criticalRange: critRange?.text ?? null,
    limit: s.limit, unit: s.unit, message,
  };
}

function declared(id: string, label: string, needed: boolean): Trigger {
  return {
    id, status: needed ? "warning" : "ok", value: needed, warning: true, critical: null, warningRange: null, criticalRange: null, limit: null, unit: "boolean",
    message: needed ? `${label} is declared as needed: D1 cannot provide it, plan migration` : `${label} not declared as needed`,
  };
}

/**
 * Recommendation 1's "When to Migrate": size (and the row and write-rate limits around it), write latency,
 * complex transactions, multi-region writes, and the size projection. These, and only these, set the exit code.
 */
export function evaluateTriggers(m: Measurements): Trigger[] {
  return [
    numeric({ id: "d1_size", label: "D1 size", value: m.sizeBytes, unit: "bytes", warning: D1_SIZE.warning.value, critical: D1_SIZE.critical.value, limit: D1_LIMITS.maxSize.value, unmeasured: "no size" }, m),
    numeric({ id: "d1_rows", label: "Row count", value: m.rows, unit: "rows", warning: ROWS_TRIGGER.warning.value, critical: ROWS_TRIGGER.critical.value, limit: D1_LIMITS.maxRows.value, unmeasured: "row counts unavailable from this source; --count-rows counts them" }, m),
    numeric({ id: "write_latency_p95", label: "Write latency p95", value: m.writeP95Seconds, unit: "s", warning: MIGRATION.writeLatencyP95.value, critical: null, limit: null, unmeasured: "give --prometheus-url" }, m),
    numeric({ id: "write_rate", label: "Peak write rate", value: m.writesPerSecond, unit: "writes/s", warning: WRITE_RATE_TRIGGER.warning.value, critical: WRITE_RATE_TRIGGER.critical.value, limit: D1_LIMITS.writesPerSecond.value, unmeasured: "give --prometheus-url or use the Cloudflare source" }, m),
    declared("complex_transactions", "Complex transactions", m.needs.complexTransactions),
    declared("multi_region_writes", "Multi-region writes", m.needs.multiRegionWrites),
    projectionTrigger(m),
  ];
}

/** Service health: alert thresholds, reported beside the verdict; never a reason to migrate, never the exit code. */
export function evaluateHealth(m: Measurements): Trigger[] {
  return [
    numeric({ id: "error_rate", label: "Error rate", value: m.errorRate, unit: "ratio", warning: ERROR_RATE.warning.value, critical: ERROR_RATE.critical.value, limit: null, unmeasured: "give --prometheus-url or use the Cloudflare source" }, m),
  ];
}

/**
 * The size `projectionHorizon` days ahead against the migration size trigger: what the
 * MoltsecretMigrationSizeProjection alert evaluates (predict_linear from Prometheus, or a least-squares fit of the
 * source's size history when Prometheus is not given).
 */
function projectionTrigger(m: Measurements): Trigger {
  const horizon = MIGRATION.projectionHorizon.value;
  const p = m.projection;
  const projected = p ? p.fittedBytesNow + p.bytesPerDay * horizon : null;
  const t = numeric({
    id: "d1_size_projection", label: `Size in ${horizon} days`, value: projected, unit: "bytes",
    warning: MIGRATION.d1Size.value, critical: null, limit: null, unmeasured: "not enough size history (needs 2+ points, or --prometheus-url)",
  }, m);
  if (p && t.status !== "unknown") {
    const days = p.daysToWarning;
    const when = days === null ? "never at this rate" : days === 0 ? "already" : `in ${days.toFixed(1)} days`;
    t.message = `${t.message}; ${formatQuantity(MIGRATION.d1Size)} reached ${when} (${p.method === "predict_linear" ? `Prometheus predict_linear over ${p.lookback}` : `least squares over ${p.points} points`})`;
  }
  return t;
}
