import { DASHBOARDS } from "./index.ts";

export const DASHBOARDS_OUT = "dashboards/generated";

/** Dashboard JSON, as Grafana imports it: a JSON round trip of the builder output, two-space indent, trailing newline. */
export const dashboardJson = (build: () => unknown): string => `${JSON.stringify(build(), null, "  ")}\n`;

/** Every generated dashboard file, keyed by its path relative to the repository root. */
export function dashboardFiles(): Record<string, string> {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([name, build]) => [`${DASHBOARDS_OUT}/${name}.json`, dashboardJson(build)]));
}
