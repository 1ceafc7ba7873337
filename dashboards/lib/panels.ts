import * as common from "@grafana/grafana-foundation-sdk/common";
import type { ThresholdsConfigBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { DATASOURCE } from "./scope.ts";

/** Panel factories: every panel has a description, a unit, and queries against the datasource variable. */

export interface Target {
  readonly expr: string;
  readonly legend?: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly targets: readonly Target[];
  readonly thresholds?: ThresholdsConfigBuilder;
  readonly min?: number;
  readonly max?: number;
}

const refId = (i: number): string => String.fromCharCode("A".charCodeAt(0) + i);

function query(target: Target, i: number, instant: boolean): DataqueryBuilder {
  const q = new DataqueryBuilder().datasource(DATASOURCE).expr(target.expr).refId(refId(i)).legendFormat(target.legend ?? "__auto");
  return instant ? q.instant() : q.range();
}

export function timeseriesPanel(spec: PanelSpec & { readonly stacked?: boolean }): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(spec.targets.map((t, i) => query(t, i, false)))
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(["lastNotNull", "max"]));
  if (spec.thresholds) {
    panel.thresholds(spec.thresholds).thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.DashedAndArea));
  }
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}

export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(spec.targets.map((t, i) => query(t, i, true)))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None);
  if (spec.thresholds) panel.thresholds(spec.thresholds);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}
