import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { businessDashboard } from "./business.ts";
import { costDashboard } from "./cost.ts";
import { d1CapacityDashboard } from "./d1-capacity.ts";
import { serviceHealthDashboard } from "./service-health.ts";

/** Every dashboard, keyed by the file name of its generated JSON. */
export const DASHBOARDS: Readonly<Record<string, () => Dashboard>> = {
  "service-health": serviceHealthDashboard,
  "d1-capacity": d1CapacityDashboard,
  business: businessDashboard,
  cost: costDashboard,
};
