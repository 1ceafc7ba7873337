import { parser } from "@prometheus-io/lezer-promql";

/** Grafana's template variables replaced by values PromQL accepts, so panel queries can be parsed and run. */
export const GRAFANA_VARIABLES: Readonly<Record<string, string>> = {
  $__rate_interval: "5m",
  $__interval: "1m",
  $__range: "1h",
  $environment: ".*",
};

export function substituteVariables(expr: string, values: Readonly<Record<string, string>> = GRAFANA_VARIABLES): string {
  return Object.entries(values)
    .sort(([a], [b]) => b.length - a.length)
    .reduce((text, [name, value]) => text.split(name).join(value), expr);
}

/** Offsets of PromQL syntax errors (empty when the expression parses). */
export function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}
