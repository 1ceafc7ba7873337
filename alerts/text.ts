import { BYTES_PER_GB, UNIT, type Quantity } from "../catalog/index.ts";
import { num } from "../promql/index.ts";
import type { ValueFormat, ValueRef } from "./model.ts";

/** A value as a Go template renders it in an alert annotation, with its unit. */
export function renderValue(format: ValueFormat, value: ValueRef): string {
  switch (format) {
    case "percent":
      return `{{ ${value} | humanizePercentage }}`;
    case "seconds":
      return `{{ ${value} | humanizeDuration }}`;
    case "bytes":
      return `{{ ${value} | humanize }}B`;
    case "milliseconds":
      return `{{ ${value} | printf "%.1f" }} ms`;
    case "count":
      return `{{ ${value} }}`;
  }
}

/** A catalog quantity as a human reads it: seconds below one as ms, bytes as GB, ratios as percent. */
export function formatQuantity(quantity: Quantity): string {
  const { value, unit } = quantity;
  if (unit === "ratio") return `${num(value * UNIT.percent)}%`;
  if (unit === "bytes") return `${num(value / BYTES_PER_GB)} GB`;
  if (unit === "s") return value < 1 ? `${num(value * UNIT.msPerSecond)} ms` : `${num(value)} s`;
  return `${num(value)} ${unit}`;
}
