import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { D1_LIMITS, D1_SIZE, MIGRATION, QUANTILES, RULE_WINDOWS, ATTR, promLabel } from "../catalog/index.ts";
import { formatQuantity } from "../catalog/format.ts";
import {
  d1ExecutionQuantile, d1LatencyQuantile, d1OperationsPerMinute, d1RowsReadRate, d1RowsWrittenRate, d1Size, d1SizeAtHorizon,
} from "../promql/index.ts";
import { buildDashboard } from "./lib/layout.ts";
import { statPanel, timeseriesPanel } from "./lib/panels.ts";
import { PANEL_SCOPE } from "./lib/scope.ts";
import { explainQuantity, explainThreshold, upperBound, warningCritical } from "./lib/thresholds.ts";

/** Rec. 1 and Rec. 4 "D1 Database": how full, how fast it grows, how busy, how slow; and when to migrate. */

const horizon = `${MIGRATION.projectionHorizon.value} ${MIGRATION.projectionHorizon.unit}`;
const opType = promLabel(ATTR.d1OperationType);
const SIZE_STEPS = `${explainThreshold(D1_SIZE)} Dark red at the hard limit: ${explainQuantity("", D1_LIMITS.maxSize).trim()}`;

const size = {
  title: "Size and growth",
  panels: [
    statPanel({
      title: "Database size",
      description: `D1 size in bytes (meta.size_after of the last statement, largest report of any isolate). ${SIZE_STEPS}`,
      unit: "decbytes", targets: [{ expr: d1Size(PANEL_SCOPE) }], thresholds: warningCritical(D1_SIZE, { limit: D1_LIMITS.maxSize }), min: 0, max: D1_LIMITS.maxSize.value,
    }),
    statPanel({
      title: `Projected size in ${horizon}`,
      description: `predict_linear over the last ${RULE_WINDOWS.projectionLookback} of size reports, ${horizon} ahead. Migration planning starts when this crosses ${formatQuantity(MIGRATION.d1Size)}: ${MIGRATION.projectionHorizon.reason}. ${SIZE_STEPS}`,
      unit: "decbytes", targets: [{ expr: d1SizeAtHorizon(PANEL_SCOPE) }], thresholds: warningCritical(D1_SIZE, { limit: D1_LIMITS.maxSize }), min: 0,
    }),
    timeseriesPanel({
      title: `Size and ${horizon} projection`,
      description: `Measured size and where it is heading in ${horizon} at the current growth. ${MIGRATION.d1Size.reason}. ${SIZE_STEPS}`,
      unit: "decbytes",
      targets: [{ expr: d1Size(PANEL_SCOPE), legend: "size" }, { expr: d1SizeAtHorizon(PANEL_SCOPE), legend: `projected in ${horizon}` }],
      thresholds: warningCritical(D1_SIZE, { limit: D1_LIMITS.maxSize }), min: 0,
    }),
  ],
};

const load = {
  title: "Operations",
  panels: [
    timeseriesPanel({
      title: "D1 operations per minute",
      description: `Statements per minute by operation type (read/write). A single primary sustains about ${formatQuantity(D1_LIMITS.writesPerSecond)} (${D1_LIMITS.writesPerSecond.reason}).`,
      unit: "opm", targets: [{ expr: d1OperationsPerMinute(PANEL_SCOPE), legend: `{{${opType}}}` }],
    }),
    timeseriesPanel({
      title: "Rows read and written per second",
      description: "Rows D1 reports in meta.rows_read / meta.rows_written: what D1 bills by (see the cost dashboard).",
      unit: "rowsps", targets: [{ expr: d1RowsReadRate(PANEL_SCOPE), legend: "rows read" }, { expr: d1RowsWrittenRate(PANEL_SCOPE), legend: "rows written" }],
    }),
  ],
};

const latency = {
  title: "Query latency",
  panels: [
    timeseriesPanel({
      title: "Query latency p95 by operation type (Worker side)",
      description: `p95 of D1 calls as the Worker waits for them, by operation type. The red line is the write migration trigger: ${explainQuantity("write p95 above", MIGRATION.writeLatencyP95)}`,
      unit: "s", targets: [{ expr: d1LatencyQuantile(QUANTILES.p95.value, PANEL_SCOPE), legend: `{{${opType}}}` }], thresholds: upperBound(MIGRATION.writeLatencyP95),
    }),
    timeseriesPanel({
      title: "D1 execution time p95 by operation type",
      description: `D1's own meta.duration p95: the part of the latency inside the database. Same trigger line: ${explainQuantity("write p95 above", MIGRATION.writeLatencyP95)}`,
      unit: "s", targets: [{ expr: d1ExecutionQuantile(QUANTILES.p95.value, PANEL_SCOPE), legend: `{{${opType}}}` }], thresholds: upperBound(MIGRATION.writeLatencyP95),
    }),
  ],
};

export const d1CapacityDashboard = (): Dashboard =>
  buildDashboard({
    uid: "moltsecret-d1-capacity",
    title: "MoltSecret / D1 capacity",
    description: "D1 size against its warning/critical thresholds and the hard limit, growth projection, operations and query latency with the migration trigger. Thresholds from catalog/.",
    rows: [size, load, latency],
  });
