import { DashboardBuilder, DashboardCursorSync, RowBuilder, type PanelBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { datasourceVariable, environmentVariable } from "./variables.ts";

/** Grafana's grid is 24 columns wide; panels of a row share it equally. */
const COLUMNS = 24;
const PANEL_HEIGHT = 9;
/** Every board is ours and generated: the tags a Grafana search for them uses. */
const TAGS = ["moltsecret", "generated"];

type AnyPanel = Builder<Panel> & { span(w: number): unknown; height(h: number): unknown; id(id: number): unknown };

export interface Row {
  readonly title: string;
  readonly panels: readonly AnyPanel[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly Row[];
}

/** A dashboard with our tags, the datasource and environment variables, rows laid out left to right, stable ids. */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const dashboard = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(TAGS)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .timezone("utc")
    .withVariable(datasourceVariable())
    .withVariable(environmentVariable());
  let id = 1;
  for (const row of spec.rows) {
    dashboard.withRow(new RowBuilder(row.title).id(id++));
    const width = COLUMNS / row.panels.length;
    for (const panel of row.panels) {
      panel.span(width);
      panel.height(PANEL_HEIGHT);
      panel.id(id++);
      dashboard.withPanel(panel);
    }
  }
  return dashboard.build();
}

export type { PanelBuilder };
