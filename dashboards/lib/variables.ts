import { DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort } from "@grafana/grafana-foundation-sdk/dashboard";
import { GRAFANA_IDS, METRICS } from "../../catalog/index.ts";
import { ENV_LABEL, series } from "../../promql/index.ts";
import { DATASOURCE } from "./scope.ts";

/** The Prometheus data source (Grafana Cloud's is grafanacloud-<stack>-prom). */
export const datasourceVariable = (): DatasourceVariableBuilder =>
  new DatasourceVariableBuilder(GRAFANA_IDS.datasourceVariable).label("Data source").type("prometheus");

/** deployment.environment.name as the Worker reports it (a label Grafana Cloud promotes); "All" matches series without the label too. */
export const environmentVariable = (): QueryVariableBuilder =>
  new QueryVariableBuilder(GRAFANA_IDS.environmentVariable)
    .label("Environment")
    .datasource(DATASOURCE)
    .query(`label_values(${series(METRICS.httpServerDuration, "_count")}, ${ENV_LABEL})`)
    .definition(`label_values(${series(METRICS.httpServerDuration, "_count")}, ${ENV_LABEL})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all" });
