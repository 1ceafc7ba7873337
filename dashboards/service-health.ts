import {
  ATTR, ERROR_RATE, LABEL_VALUES, LATENCY_TARGETS, P95_LATENCY, QUANTILES, REGIONS, SUCCESS_RATE_TARGET, TELEMETRY_EXPORT_FAILURES, UNIT, WORKER_CPU,
  promLabel,
} from "../catalog/index.ts";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { formatQuantity } from "../catalog/format.ts";
import {
  cacheHitRatio, cpuQuantile, errorRatio, latencyQuantile, narrow, rateLimitedRate, regionLatencyP50, requestRate, statusCodeRate,
  successRatio, telemetryExportFailureRate, telemetryExportFailureRatio,
} from "../promql/index.ts";
import { buildDashboard } from "./lib/layout.ts";
import { statPanel, timeseriesPanel } from "./lib/panels.ts";
import { PANEL_SCOPE, RANGE_SCOPE } from "./lib/scope.ts";
import { explainQuantity, explainThreshold, lowerBound, upperBound, warningCritical } from "./lib/thresholds.ts";

/** Rec. 4 "Application Health": is the API up, fast and correct, and can we still see it. */

const route = promLabel(ATTR.route);
const byRoute = narrow(PANEL_SCOPE, { by: [route] });
const ERRORS = "Errors are 5xx responses only: 4xx are the client's and do not count against the SLO.";
const quantiles = [QUANTILES.p50, QUANTILES.p95, QUANTILES.p99] as const;
const pName = (q: (typeof quantiles)[number]): string => `p${Math.round(q.value * UNIT.percent)}`;

const traffic = {
  title: "Traffic and SLO",
  panels: [
    statPanel({
      title: "Success rate (time range)",
      description: `Share of requests not answered 5xx over the selected range. ${ERRORS} Red below the target: ${explainQuantity("target", SUCCESS_RATE_TARGET)}`,
      unit: "percentunit", targets: [{ expr: successRatio(RANGE_SCOPE) }], thresholds: lowerBound(SUCCESS_RATE_TARGET),
    }),
    timeseriesPanel({
      title: "Request rate by route",
      description: "Requests per second by route template (never the raw path: ids stay out of metrics).",
      unit: "reqps", targets: [{ expr: requestRate(byRoute), legend: `{{${route}}}` }], stacked: true,
    }),
    timeseriesPanel({
      title: "Success rate vs target",
      description: `Share of requests not answered 5xx. ${ERRORS} The line is the SLO: ${explainQuantity("target", SUCCESS_RATE_TARGET)} The multi-window burn-rate alerts page when the error budget burns fast.`,
      unit: "percentunit", targets: [{ expr: successRatio(PANEL_SCOPE), legend: "success rate" }], thresholds: lowerBound(SUCCESS_RATE_TARGET), max: 1,
    }),
  ],
};

const errors = {
  title: "Errors",
  panels: [
    timeseriesPanel({
      title: "Error rate",
      description: `Share of requests answered 5xx. ${ERRORS} ${explainThreshold(ERROR_RATE)}`,
      unit: "percentunit", targets: [{ expr: errorRatio(PANEL_SCOPE), legend: "error rate" }], thresholds: warningCritical(ERROR_RATE),
    }),
    timeseriesPanel({
      title: "Error rate by route",
      description: `Share of requests answered 5xx, per route template. ${explainThreshold(ERROR_RATE)}`,
      unit: "percentunit", targets: [{ expr: errorRatio(byRoute), legend: `{{${route}}}` }], thresholds: warningCritical(ERROR_RATE),
    }),
    timeseriesPanel({
      title: "Responses by status code",
      description: "Responses per second by HTTP status code. 4xx are expected client errors (validation, not found, gone, rate limited); 5xx are ours.",
      unit: "reqps", targets: [{ expr: statusCodeRate(PANEL_SCOPE), legend: `{{${promLabel(ATTR.status)}}}` }], stacked: true,
    }),
  ],
};

const latency = {
  title: "Latency",
  panels: [
    timeseriesPanel({
      title: "Latency p50 / p95 / p99 by route",
      description: `Request duration quantiles per route template, from the histogram whose buckets include every threshold. The steps apply to p95: ${explainThreshold(P95_LATENCY)}`,
      unit: "s",
      targets: quantiles.map((q) => ({ expr: latencyQuantile(q.value, byRoute), legend: `${pName(q)} {{${route}}}` })),
      thresholds: warningCritical(P95_LATENCY),
    }),
    timeseriesPanel({
      title: "Worker CPU time p50 / p99",
      description: `CPU milliseconds per invocation as the platform measures it (Tail Worker trace events, not Date.now()). ${explainThreshold(WORKER_CPU)}`,
      unit: "ms",
      targets: [QUANTILES.p50, QUANTILES.p99].map((q) => ({ expr: cpuQuantile(q.value, PANEL_SCOPE), legend: pName(q) })),
      thresholds: warningCritical(WORKER_CPU),
    }),
  ],
};

const kinds = [LABEL_VALUES.operationKind.read, LABEL_VALUES.operationKind.write] as const;
const regional = {
  title: "Regional p50 vs the latency targets",
  panels: kinds.flatMap((kind) =>
    REGIONS.map((region) => {
      const target = LATENCY_TARGETS[region][kind];
      return statPanel({
        title: `${region.toUpperCase()} ${kind} p50`,
        description: `Median duration of ${kind} requests from ${region.toUpperCase()} (region from request.cf) over the range. Red above the target ${formatQuantity(target)}: ${target.reason}.`,
        unit: "s", targets: [{ expr: regionLatencyP50(region, kind, RANGE_SCOPE) }], thresholds: upperBound(target),
      });
    }),
  ),
};

const protection = {
  title: "Rate limits, caches and telemetry",
  panels: [
    timeseriesPanel({
      title: "Rate-limited requests",
      description: "Requests refused with 429 per second, by action (create/reveal). Per-IP limits are counted without the IP.",
      unit: "reqps", targets: [{ expr: rateLimitedRate(PANEL_SCOPE), legend: `{{${promLabel(ATTR.action)}}}` }],
    }),
    timeseriesPanel({
      title: "Cache hit ratio by layer",
      description: "Hits over lookups per cache layer (edge Cache API, KV query cache, isolate). Misses cost D1 reads.",
      unit: "percentunit", targets: [{ expr: cacheHitRatio(PANEL_SCOPE), legend: `{{${promLabel(ATTR.cacheLayer)}}}` }], min: 0, max: 1,
    }),
    timeseriesPanel({
      title: "Telemetry export failure ratio",
      description: `Share of OTLP export attempts that failed or were dropped (they are counted and reported by the next export that succeeds). ${explainThreshold(TELEMETRY_EXPORT_FAILURES)}`,
      unit: "percentunit", targets: [{ expr: telemetryExportFailureRatio(PANEL_SCOPE), legend: "failed or dropped" }],
      thresholds: warningCritical(TELEMETRY_EXPORT_FAILURES),
    }),
    timeseriesPanel({
      title: "Telemetry export failures by signal",
      description: "Failed or dropped OTLP exports per second, by signal (metrics, logs, traces). Requests never wait for or fail because of telemetry.",
      unit: "ops", targets: [{ expr: telemetryExportFailureRate(PANEL_SCOPE), legend: `{{${promLabel(ATTR.signal)}}}` }],
    }),
  ],
};

export const serviceHealthDashboard = (): Dashboard =>
  buildDashboard({
    uid: "moltsecret-service-health",
    title: "MoltSecret / Service health",
    description: "Request rate, success against the SLO, errors, latency, Worker CPU, regional targets, rate limits, caches and telemetry health. Thresholds from catalog/.",
    rows: [traffic, errors, latency, regional, protection],
  });
