import { BYTES_PER_GB, D1_LIMITS, D1_SIZE } from "../../catalog/index.ts";
import { monthlyCostAtUsage, type CostLine } from "../cost/model.ts";
import { worstStatus, type Status } from "../exit-codes.ts";
import { isoDate } from "../units.ts";
import { project, type Projection, type SizePoint } from "./projection.ts";
import { recommend, type Recommendation } from "./recommendation.ts";
import type { D1Usage, WorkerInvocations } from "../sources/cloudflare-api.ts";
import { evaluateTriggers, type DeclaredNeeds, type Trigger } from "./triggers.ts";

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
}

/** The `--json` contract of `moltsecret capacity` (other fields are additions, never renames). */
export interface CapacityReport {
  status: Status;
  source: "local" | "cloudflare";
  generatedAt: string;
  units: { bytesPerGb: number; note: string };
  database: CapacityInput["database"] & { rows: number | null };
  triggers: Trigger[];
  projection: Projection | null;
  history: { points: { date: string; t: number; bytes: number }[]; note: string };
  thresholds: { warningBytes: number; criticalBytes: number; limitBytes: number };
  recommendation: Recommendation;
  cost: { monthUsd: number; lines: CostLine[]; unmeasured: string[]; note: string };
  usage?: CloudflareUsage;
}

export function buildReport(input: CapacityInput): CapacityReport {
  const projection = project(input.history, input.now);
  const triggers = evaluateTriggers({
    sizeBytes: input.database.sizeBytes, rows: input.rows, writeP95Seconds: input.writeP95Seconds,
    writesPerSecond: input.writesPerSecond, errorRate: input.errorRate, needs: input.needs, projection,
  });
  const worker = input.usage?.worker;
  const cost = monthlyCostAtUsage({
    ...input.usage30d, storageBytes: input.database.sizeBytes,
    workerRequests: worker ? worker.requests30d : null, workerCpuMs: worker ? worker.cpuTimeUs30d / 1000 : null,
  });
  const report: CapacityReport = {
    status: worstStatus(triggers.map((t) => t.status)),
    source: input.source,
    generatedAt: new Date(input.now).toISOString(),
    units: { bytesPerGb: BYTES_PER_GB, note: "1 GB = 10^9 bytes, as Cloudflare states its limits" },
    database: { ...input.database, rows: input.rows },
    triggers,
    projection,
    history: { points: [...input.history].sort((a, b) => a.t - b.t).map((p) => ({ date: isoDate(p.t), t: p.t, bytes: p.bytes })), note: input.historyNote },
    thresholds: { warningBytes: D1_SIZE.warning.value, criticalBytes: D1_SIZE.critical.value, limitBytes: D1_LIMITS.maxSize.value },
    recommendation: recommend(triggers, input.needs),
    cost: {
      monthUsd: cost.totalUsd, lines: cost.lines, unmeasured: cost.unmeasured,
      note: "Last 30 days' measured usage at Paid plan prices; unmeasured lines count as zero, so this is a floor. `moltsecret cost` models the whole bill",
    },
  };
  if (input.usage !== undefined) report.usage = input.usage;
  return report;
}
