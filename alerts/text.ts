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
