import { ThresholdsConfigBuilder, ThresholdsMode, type Threshold as Step } from "@grafana/grafana-foundation-sdk/dashboard";
import { COLORS, type Quantity, type Threshold } from "../../catalog/index.ts";
import { formatQuantity } from "../../catalog/format.ts";

/** Threshold steps from catalog quantities, in the catalog's units (each panel shows that unit); the colours are the catalog's. */

export function warningCritical(threshold: Threshold, extra: { limit?: Quantity } = {}): ThresholdsConfigBuilder {
  const steps: Step[] = [
    { value: null, color: COLORS.ok },
    { value: threshold.warning.value, color: COLORS.warning },
    { value: threshold.critical.value, color: COLORS.critical },
  ];
  if (extra.limit) steps.push({ value: extra.limit.value, color: COLORS.limit });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** A single line: above `max` is bad (a regional p50 target, or the write-latency migration trigger). */
export function upperBound(max: Quantity): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: COLORS.ok },
    { value: max.value, color: COLORS.critical },
  ]);
}

/** Below `min` is bad (the success-rate target). */
export function lowerBound(min: Quantity): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: COLORS.critical },
    { value: min.value, color: COLORS.ok },
  ]);
}

/** The sentence a panel description uses to explain its threshold steps. */
export function explainThreshold(threshold: Threshold): string {
  return `Orange above ${formatQuantity(threshold.warning)} (${threshold.warning.reason}); red above ${formatQuantity(threshold.critical)} (${threshold.critical.reason}).`;
}

export const explainQuantity = (label: string, q: Quantity): string => `${label} ${formatQuantity(q)} (${q.reason}).`;
