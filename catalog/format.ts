import { UNIT } from "./observability.ts";
import { BYTES_PER_GB, type Quantity } from "./quantity.ts";

/** A number as PromQL, annotations and panels write it, without binary floating-point noise (0.07200000000000001 -> 0.072). */
export const num = (value: number): string => String(Number(value.toPrecision(12)));

/** Significant digits of a measured figure: an estimate, not 16 digits of fact. */
const MEASURED_DIGITS = 3;

type Digits = (value: number) => string;
const exact: Digits = num;
const measured: Digits = (value) => String(Number(value.toPrecision(MEASURED_DIGITS)));

const COUNT_STEPS = [[1e9, "B"], [1e6, "M"], [1e3, "K"]] as const;
const BYTE_STEPS = [[BYTES_PER_GB, "GB"], [1e6, "MB"], [1e3, "kB"]] as const;

function scaled(value: number, steps: readonly (readonly [number, string])[], digits: Digits, separator: string, base: string): string {
  const step = steps.find(([size]) => Math.abs(value) >= size);
  return step ? `${digits(value / step[0])}${separator}${step[1]}` : `${digits(value)}${separator}${base}`.trimEnd();
}

/** One rendering for every figure a person reads, in the CLI, the alerts' text and the panels' descriptions. */
function render(value: number, unit: string, digits: Digits): string {
  if (unit === "ratio") return `${digits(value * UNIT.percent)}%`;
  if (unit === "bytes") return scaled(value, BYTE_STEPS, digits, " ", "B");
  if (unit === "s") return Math.abs(value) < 1 ? `${digits(value * UNIT.msPerSecond)} ms` : `${digits(value)} s`;
  const count = scaled(value, COUNT_STEPS, digits, "", "");
  return unit ? `${count} ${unit}` : count;
}

/** A catalog quantity as a human reads it: seconds below one as ms, bytes as GB, ratios as percent, counts as 10K/10M/25B. */
export const formatQuantity = (quantity: Quantity): string => render(quantity.value, quantity.unit, exact);

/** A measured value in a catalog unit, the same way, to three significant digits ("4.52 GB", "68.8 ms", "3.12%", "19.4M rows"). */
export const formatMeasured = (value: number, unit: string): string => render(value, unit, measured);

/** A count without a unit, as formatMeasured writes counts ("250M", "1.33B"). */
export const formatCount = (value: number): string => formatMeasured(value, "");

/** US dollars to the cent. */
export const formatUsd = (usd: number): string => `$${usd.toFixed(2)}`;
