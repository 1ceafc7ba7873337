import { GRAFANA_IDS } from "../../catalog/index.ts";
import { ENV_LABEL, type Scope } from "../../promql/index.ts";

/** Panels filter on the environment variable and let Grafana pick the rate window. */
export const PANEL_SCOPE: Scope = {
  matchers: [`${ENV_LABEL}=~"$${GRAFANA_IDS.environmentVariable}"`],
  by: [],
  window: "$__rate_interval",
};

/** Stat panels summarise the whole selected time range. */
export const RANGE_SCOPE: Scope = { ...PANEL_SCOPE, window: "$__range" };

export const DATASOURCE = { type: "prometheus", uid: `\${${GRAFANA_IDS.datasourceVariable}}` } as const;
