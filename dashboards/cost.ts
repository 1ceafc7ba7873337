import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { BREAK_EVEN, COST_BASE, COST_TERMS, GRAFANA_CLOUD, PRICES, RULE_WINDOWS, TELEMETRY_SERIES, type Threshold } from "../catalog/index.ts";
import { formatQuantity } from "../catalog/format.ts";
import { monthlyCostUsd, requestsPerMonth, telemetrySeries, telemetrySeriesOverageUsd, termCostUsd, termReason } from "../promql/index.ts";
import { buildDashboard } from "./lib/layout.ts";
import { statPanel, timeseriesPanel } from "./lib/panels.ts";
import { PANEL_SCOPE } from "./lib/scope.ts";
import { explainQuantity, explainThreshold, warningCritical } from "./lib/thresholds.ts";

/** Rec. 5, cost: the monthly bill projected from live rates and the catalog's prices. */

const HOW = `The catalog's cost model (catalog/cost-terms.ts, the one \`moltsecret cost\` prices with): live rates over the last ${RULE_WINDOWS.cost}, scaled to a billing month, minus what the Paid plan includes, times the catalog's prices.`;

/** Requests per month: beyond the included requests the bill grows; beyond break-even, traditional hosting is cheaper. */
const REQUEST_STEPS: Threshold = { warning: PRICES.workersIncludedRequests, critical: BREAK_EVEN.requestsPerMonth };

const summary = {
  title: "Projected monthly bill",
  panels: [
    statPanel({
      title: "Projected monthly cost",
      description: `${HOW} Base: ${formatQuantity(COST_BASE)} (${COST_BASE.reason}). $0 while every item fits the Free plan's allowances.`,
      unit: "currencyUSD", targets: [{ expr: monthlyCostUsd(PANEL_SCOPE) }],
    }),
    statPanel({
      title: "Requests per month at the current rate",
      description: `Orange beyond the included ${formatQuantity(PRICES.workersIncludedRequests)} (${PRICES.workersIncludedRequests.reason}); red beyond ${formatQuantity(BREAK_EVEN.requestsPerMonth)} (${BREAK_EVEN.requestsPerMonth.reason}).`,
      unit: "short", targets: [{ expr: requestsPerMonth(PANEL_SCOPE) }], thresholds: warningCritical(REQUEST_STEPS),
    }),
  ],
};

const breakdown = {
  title: "Breakdown",
  panels: [
    timeseriesPanel({
      title: "Projected monthly cost by item",
      description: `${HOW} On the Paid plan. ${COST_TERMS.map((t) => `${t.title}: ${termReason(t)}.`).join(" ")}`,
      unit: "currencyUSD", targets: COST_TERMS.map((t) => ({ expr: termCostUsd(t, PANEL_SCOPE), legend: t.title })), stacked: true,
    }),
    timeseriesPanel({
      title: "Projected monthly cost",
      description: `${HOW} Compare with the document's projections (catalog COST_PROJECTIONS) and \`moltsecret cost\`.`,
      unit: "currencyUSD", targets: [{ expr: monthlyCostUsd(PANEL_SCOPE), legend: "total" }],
    }),
  ],
};

const telemetry = {
  title: "Telemetry's own cost (Grafana Cloud)",
  panels: [
    statPanel({
      title: "Telemetry active series",
      description:
        `Series the Worker and the Tail Worker write now: what Grafana Cloud bills as active series (a sample in the last ${formatQuantity(GRAFANA_CLOUD.activeSeriesWindow)}). ` +
        `${explainThreshold(TELEMETRY_SERIES)} ${explainQuantity("Logs free:", GRAFANA_CLOUD.freeLogsGb)} ${explainQuantity("Traces free:", GRAFANA_CLOUD.freeTracesGb)} ` +
        `${explainQuantity("Free retention:", GRAFANA_CLOUD.freeRetentionDays)} \`moltsecret cost\` projects logs, traces and the aggregator's Durable Object requests.`,
      unit: "short", targets: [{ expr: telemetrySeries(PANEL_SCOPE) }], thresholds: warningCritical(TELEMETRY_SERIES),
    }),
    timeseriesPanel({
      title: "Grafana Cloud metrics beyond the Free tier",
      description: `Active series beyond the Free tier's ${formatQuantity(GRAFANA_CLOUD.freeActiveSeries)} at the Pro price. ${explainQuantity("Price:", GRAFANA_CLOUD.seriesPerThousandUsd)}`,
      unit: "currencyUSD", targets: [{ expr: telemetrySeriesOverageUsd(PANEL_SCOPE), legend: "USD/month" }],
    }),
  ],
};

export const costDashboard = (): Dashboard =>
  buildDashboard({
    uid: "moltsecret-cost",
    title: "MoltSecret / Cost",
    description: "Projected monthly Cloudflare cost, computed in PromQL from live rates and the catalog's prices, and what the telemetry itself costs in Grafana Cloud.",
    rows: [summary, breakdown, telemetry],
  });
