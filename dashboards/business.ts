import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { METRICS, RULE_WINDOWS, TELEMETRY } from "../catalog/index.ts";
import { secretsBurnedPerDay, secretsCreatedPerDay, secretsRevealedPerDay, uniqueUsersToday } from "../promql/index.ts";
import { buildDashboard } from "./lib/layout.ts";
import { statPanel, timeseriesPanel } from "./lib/panels.ts";
import { PANEL_SCOPE } from "./lib/scope.ts";

/** Rec. 4 "Business Metrics": secrets created, viewed and burned per day, and unique users per day. */

const DAY = `over the last ${RULE_WINDOWS.day} (rolling)`;

const perDay = [
  { title: "Secrets created", expr: secretsCreatedPerDay(PANEL_SCOPE), what: METRICS.secretsCreated.description },
  { title: "Secrets revealed", expr: secretsRevealedPerDay(PANEL_SCOPE), what: METRICS.secretsRevealed.description },
  { title: "Secrets burned", expr: secretsBurnedPerDay(PANEL_SCOPE), what: METRICS.secretsBurned.description },
] as const;

const UNIQUE =
  `${METRICS.uniqueUsers.description}. Counted in a Durable Object; resets at 00:00 UTC, so the value just before midnight is the day's total. ` +
  `Error bound: ${TELEMETRY.hllPrecision.reason}.`;

const today = {
  title: "Per day",
  panels: [
    ...perDay.map((p) => statPanel({ title: `${p.title} per day`, description: `${p.what}, ${DAY}.`, unit: "short", targets: [{ expr: p.expr }] })),
    statPanel({ title: "Unique users today (UTC)", description: UNIQUE, unit: "short", targets: [{ expr: uniqueUsersToday(PANEL_SCOPE) }] }),
  ],
};

const trends = {
  title: "Trends",
  panels: [
    timeseriesPanel({
      title: "Secrets per day",
      description: `Created, revealed and burned secrets, each ${DAY}.`,
      unit: "short", targets: perDay.map((p) => ({ expr: p.expr, legend: p.title.toLowerCase() })),
    }),
    timeseriesPanel({ title: "Unique users per day", description: UNIQUE, unit: "short", targets: [{ expr: uniqueUsersToday(PANEL_SCOPE), legend: "unique users (today so far)" }] }),
  ],
};

export const businessDashboard = (): Dashboard =>
  buildDashboard({
    uid: "moltsecret-business",
    title: "MoltSecret / Business",
    description: "Secrets created, revealed and burned per day; unique users per day estimated with a HyperLogLog over a daily-salted hash (no IP is stored).",
    rows: [today, trends],
  });
