import { ATTR, LABEL_VALUES, METRICS, REGIONS, promLabel, promName, type MetricDef } from "../../catalog/index.ts";

/**
 * Samples shaped like what the Worker's OTLP export becomes in Grafana Cloud (promName() names, attribute labels,
 * cumulative counters and histograms, the promoted resource attributes as labels), in Prometheus text format for the
 * stand-in's import endpoint (vmagent relabels them as it relabels OTLP). Used where the real Worker cannot feed a series.
 */

/** Realistic values for every attribute key the catalog's metrics carry. */
const ATTRIBUTE_VALUES: Readonly<Record<string, readonly string[]>> = {
  [ATTR.method]: ["GET", "POST"],
  [ATTR.route]: ["/api/secrets", "/api/secrets/:id/reveal"],
  [ATTR.status]: ["201", "404", "503"],
  [ATTR.region]: [...REGIONS, "other"],
  [ATTR.operationKind]: Object.values(LABEL_VALUES.operationKind),
  [ATTR.d1OperationType]: Object.values(LABEL_VALUES.d1OperationType),
  [ATTR.d1Statement]: ["select secrets", "insert secrets"],
  [ATTR.action]: ["create", "reveal"],
  [ATTR.cacheLayer]: [LABEL_VALUES.cacheLayerKv, "edge"],
  [ATTR.cacheResult]: Object.values(LABEL_VALUES.cacheResult),
  [ATTR.signal]: ["metrics", "logs"],
  [ATTR.outcome]: Object.values(LABEL_VALUES.telemetryOutcome),
  [ATTR.workerScript]: ["moltsecret-api"],
  [ATTR.workerOutcome]: ["ok"],
};

const RESOURCE = { [promLabel(ATTR.environment)]: "live-test", service_name: "moltsecret-api" };

function labelSets(def: MetricDef): Record<string, string>[] {
  let sets: Record<string, string>[] = [{ ...RESOURCE }];
  for (const attr of def.attributes) {
    // Attributes added to the catalog later get one placeholder value: the series still exists.
    const values = ATTRIBUTE_VALUES[attr] ?? ["sample"];
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [promLabel(attr)]: v })));
  }
  return sets;
}

const render = (name: string, labels: Record<string, string>, value: number, at: number): string =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}} ${value} ${at}`;

/**
 * Lines for every metric at each timestamp; counters grow by `perStep` events per step, spread over the
 * histogram buckets so every quantile has data, gauges grow by `perStep` units per step.
 */
export function otlpShapedSamples(timestamps: readonly number[], perStep: number): string {
  const lines: string[] = [];
  for (const def of Object.values(METRICS)) {
    const name = promName(def);
    for (const labels of labelSets(def)) {
      timestamps.forEach((at, step) => {
        const events = perStep * (step + 1);
        if (def.kind === "histogram") {
          const buckets = def.buckets ?? [];
          buckets.forEach((le, i) => lines.push(render(`${name}_bucket`, { ...labels, le: String(le) }, Math.round((events * (i + 1)) / (buckets.length + 1)), at)));
          lines.push(render(`${name}_bucket`, { ...labels, le: "+Inf" }, events, at));
          lines.push(render(`${name}_count`, labels, events, at));
          lines.push(render(`${name}_sum`, labels, events * (buckets[0] ?? 1), at));
        } else {
          lines.push(render(name, labels, events, at));
        }
      });
    }
  }
  return `${lines.join("\n")}\n`;
}
