import { BYTES_PER_GB, D1_LIMITS, D1_SIZE, METRICS, promName } from "../../catalog/index.ts";
import { monthlyCostAtUsage, type CostLine } from "../cost/model.ts";
import { worstStatus, type Status, type TriggerStatus } from "../exit-codes.ts";
import { formatMeasured } from "../../catalog/format.ts";
import { isoDate } from "../units.ts";
import { project, type Projection } from "./projection.ts";
import type { SizePoint } from "../sources/size-point.ts";
import { recommend, type Recommendation } from "./recommendation.ts";
import type { D1Usage, WorkerInvocations } from "../sources/cloudflare-api.ts";
import { evaluateHealth, evaluateTriggers, type DeclaredNeeds, type NumericTriggerId, type ThresholdOverrides, type Trigger } from "./triggers.ts";

/** A source that was asked for and could not answer: the report says so instead of failing whole. */
export interface SourceError {
  source: "prometheus";
  message: string;
  hint?: string;
  /** The triggers and checks left unmeasured by it. */
  affects: NumericTriggerId[];
}

/** `wrangler d1 info`'s 24 h figures as Prometheus counted them. */
export interface PrometheusUsage {
  environment: string | null;
  d1_24h: D1Usage;
}

/** What the Cloudflare analytics said about traffic (Cloudflare source only). */
export interface CloudflareUsage {
  d1: { "24h": D1Usage; "7d": D1Usage; "30d": D1Usage };
  peakWriteMinute: string | null;
  /** Null when the token may not read Workers analytics or the script has no data. */
  worker: (WorkerInvocations & { scriptName: string }) | null;
}

/** Everything the sources measured, before judging it. */
export interface CapacityInput {
  source: "local" | "cloudflare";
  now: number;
  database: { name: string; id: string; sizeBytes: number; numTables: number; tables?: { name: string; rows: number }[] };
  rows: number | null;
  history: SizePoint[];
  historyNote: string;
  writeP95Seconds: number | null;
  writesPerSecond: number | null;
  errorRate: number | null;
  needs: DeclaredNeeds;
  usage30d: { rowsRead: number | null; rowsWritten: number | null };
  usage?: CloudflareUsage;
  /** The alert's own projection (predict_linear), preferred over a fit of `history` when present. */
  projection?: Projection | null;
  /** The size Prometheus last saw, to cross-check the live one. */
  prometheusSizeBytes?: number | null;
  prometheusUsage?: PrometheusUsage;
  sourceErrors?: SourceError[];
  overrides?: ThresholdOverrides;
}

/** The `--json` contract of `moltsecret capacity` (other fields are additions, never renames). */
export interface CapacityReport {
  /** The migration verdict, the exit code's meaning; "unknown" when nothing fired but a requested source failed. */
  status: Status | "unknown";
  verdicts: { migration: Status; health: TriggerStatus };
  source: "local" | "cloudflare";
  generatedAt: string;
  units: { bytesPerGb: number; note: string };
  database: CapacityInput["database"] & { rows: number | null };
  /** Migration triggers (Recommendation 1): these set the verdict and the exit code. */
  triggers: Trigger[];
  /** Service health (alert thresholds): reported beside the verdict, never a reason to migrate. */
  health: { status: TriggerStatus; checks: Trigger[]; note: string };
  /** What was asked for and could not be measured, and why. */
  unmeasured: SourceError[];
  /** Sources that disagree with each other. */
  warnings: string[];
  projection: Projection | null;
  history: { points: { date: string; t: number; bytes: number }[]; note: string };
  thresholds: { warningBytes: number; criticalBytes: number; limitBytes: number };
  recommendation: Recommendation;
  cost: { monthUsd: number; lines: CostLine[]; unmeasured: string[]; note: string };
  usage?: CloudflareUsage;
  prometheusUsage?: PrometheusUsage;
}

/** Sources that disagree by more than this factor are worth a warning: one of them is not this database. */
const DISAGREEMENT = 2;

function disagreement(what: string, other: number, live: number): string | null {
  if (!(other > 0 && live > 0)) return null;
  const ratio = Math.max(other / live, live / other);
  if (ratio < DISAGREEMENT) return null;
  return `${what} says ${formatMeasured(other, "bytes")} but the live size is ${formatMeasured(live, "bytes")} (${ratio >= 10 ? Math.round(ratio).toLocaleString("en-US") : ratio.toFixed(1)}x apart): the sources disagree, so the projection may not describe this database`;
}

export function buildReport(input: CapacityInput): CapacityReport {
  const projection = input.projection ?? project(input.history, input.now);
  const sourceErrors = input.sourceErrors ?? [];
  const missing: Partial<Record<NumericTriggerId, string>> = {};
  for (const e of sourceErrors) for (const id of e.affects) missing[id] = e.message;
  const measurements = {
    sizeBytes: input.database.sizeBytes, rows: input.rows, writeP95Seconds: input.writeP95Seconds,
    writesPerSecond: input.writesPerSecond, errorRate: input.errorRate, needs: input.needs, projection, missing,
    ...(input.overrides ? { overrides: input.overrides } : {}),
  };
  const triggers = evaluateTriggers(measurements);
  const checks = evaluateHealth(measurements);
  const migration = worstStatus(triggers.map((t) => t.status));
  const health: TriggerStatus = checks.every((c) => c.status === "unknown") ? "unknown" : worstStatus(checks.map((c) => c.status));
  const warnings: string[] = [];
  const sorted = [...input.history].sort((a, b) => a.t - b.t);
  const last = sorted[sorted.length - 1];
  const size = input.database.sizeBytes;
  const fromHistory = last ? disagreement(`The size history (${input.historyNote}), at its last point on ${isoDate(last.t)},`, last.bytes, size) : null;
  if (fromHistory) warnings.push(fromHistory);
  const fromProm = input.prometheusSizeBytes ? disagreement(`Prometheus (${promName(METRICS.d1DatabaseSize)})`, input.prometheusSizeBytes, size) : null;
  if (fromProm) warnings.push(fromProm);
  const worker = input.usage?.worker;
  const cost = monthlyCostAtUsage({
    ...input.usage30d, storageBytes: input.database.sizeBytes,
    workerRequests: worker ? worker.requests30d : null, workerCpuMs: worker ? worker.cpuTimeUs30d / 1000 : null,
  });
  const report: CapacityReport = {
    status: migration === "ok" && sourceErrors.length > 0 ? "unknown" : migration,
    verdicts: { migration, health },
    source: input.source,
    generatedAt: new Date(input.now).toISOString(),
    units: { bytesPerGb: BYTES_PER_GB, note: "1 GB = 10^9 bytes, as Cloudflare states its limits" },
    database: { ...input.database, rows: input.rows },
    triggers,
    health: {
      status: health,
      checks,
      note: "alert thresholds on the service, never the migration verdict or the exit code",
    },
    unmeasured: sourceErrors,
    warnings,
    projection,
    history: { points: [...input.history].sort((a, b) => a.t - b.t).map((p) => ({ date: isoDate(p.t), t: p.t, bytes: p.bytes })), note: input.historyNote },
    thresholds: { warningBytes: D1_SIZE.warning.value, criticalBytes: D1_SIZE.critical.value, limitBytes: D1_LIMITS.maxSize.value },
    recommendation: recommend(triggers, input.needs, triggers.filter((t) => t.status === "unknown" && sourceErrors.some((e) => e.affects.includes(t.id as NumericTriggerId))).map((t) => t.id)),
    cost: {
      monthUsd: cost.totalUsd, lines: cost.lines, unmeasured: cost.unmeasured,
      note: "Last 30 days' measured usage at Paid plan prices; unmeasured lines count as zero, so this is a floor. `moltsecret cost` models the whole bill",
    },
  };
  if (input.usage !== undefined) report.usage = input.usage;
  if (input.prometheusUsage !== undefined) report.prometheusUsage = input.prometheusUsage;
  return report;
}
