import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { BREAK_EVEN, PRICES, RULE_WINDOWS, type Threshold } from "../catalog/index.ts";
import { formatQuantity } from "../alerts/text.ts";
import { COST_TERMS, monthlyCostUsd, requestsPerMonth } from "./promql/index.ts";
import { buildDashboard } from "./lib/layout.ts";
import { statPanel, timeseriesPanel } from "./lib/panels.ts";
import { PANEL_SCOPE } from "./lib/scope.ts";
import { warningCritical } from "./lib/thresholds.ts";

/** Rec. 5, cost: the monthly bill projected from live rates and the catalog's prices. */

const HOW = `Live rates over the last ${RULE_WINDOWS.cost}, scaled to a billing month, minus what the Paid plan includes, times the catalog's prices (catalog/prices.ts).`;

/** Requests per month: beyond the included requests the bill grows; beyond break-even, traditional hosting is cheaper. */
const REQUEST_STEPS: Threshold = { warning: PRICES.workersIncludedRequests, critical: BREAK_EVEN.requestsPerMonth };

const summary = {
  title: "Projected monthly bill",
  panels: [
    statPanel({
      title: "Projected monthly cost",
      description: `${HOW} Base: ${formatQuantity(PRICES.workersBaseMonthly)} (${PRICES.workersBaseMonthly.reason}). Durable Object requests are not metered by the Worker and are not included.`,
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
      description: `${HOW} ${COST_TERMS.map((t) => `${t.title}: ${t.reason}.`).join(" ")}`,
      unit: "currencyUSD", targets: COST_TERMS.map((t) => ({ expr: t.expr(PANEL_SCOPE), legend: t.title })), stacked: true,
    }),
    timeseriesPanel({
      title: "Projected monthly cost",
      description: `${HOW} Compare with the document's projections (catalog COST_PROJECTIONS) and \`moltsecret cost\`.`,
      unit: "currencyUSD", targets: [{ expr: monthlyCostUsd(PANEL_SCOPE), legend: "total" }],
    }),
  ],
};

export const costDashboard = (): Dashboard =>
  buildDashboard({
    uid: "moltsecret-cost",
    title: "MoltSecret / Cost",
    description: "Projected monthly Cloudflare cost, computed in PromQL from live rates and the catalog's prices.",
    tags: ["moltsecret", "generated"],
    rows: [summary, breakdown],
  });
