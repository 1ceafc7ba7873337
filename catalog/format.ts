import { UNIT } from "./observability.ts";
import { BYTES_PER_GB, type Quantity } from "./quantity.ts";

/** A number as PromQL, annotations and panels write it, without binary floating-point noise (0.07200000000000001 -> 0.072). */
export const num = (value: number): string => String(Number(value.toPrecision(12)));

/** A catalog quantity as a human reads it: seconds below one as ms, bytes as GB, ratios as percent. */
export function formatQuantity(quantity: Quantity): string {
  const { value, unit } = quantity;
  if (unit === "ratio") return `${num(value * UNIT.percent)}%`;
  if (unit === "bytes") return `${num(value / BYTES_PER_GB)} GB`;
  if (unit === "s") return value < 1 ? `${num(value * UNIT.msPerSecond)} ms` : `${num(value)} s`;
  return `${num(value)} ${unit}`;
}
