/**
 * The few Go template pipelines our annotations use, rendered as Prometheus renders them
 * (prometheus/template/template.go), so promtool tests can expect exact annotation text.
 */

import { UNIT } from "../../catalog/index.ts";

const THOUSAND = UNIT.msPerSecond;
const SIGNIFICANT = 4;
const HOURS_PER_DAY = 24;

/** `%g` switches to an exponent from this magnitude up (and below its inverse): 1e+precision. */
const EXPONENT_ABOVE = Number(`1e${SIGNIFICANT}`);

/** Go's `%.4g`: four significant digits, trailing zeros dropped, an exponent outside [1/EXPONENT_ABOVE, EXPONENT_ABOVE). */
export function goG4(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= EXPONENT_ABOVE || abs < 1 / EXPONENT_ABOVE) {
    const [mantissa = "", exponent = ""] = v.toExponential(SIGNIFICANT - 1).split("e");
    const exp = Number(exponent);
    return `${String(Number(mantissa))}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart("00".length, "0")}`;
  }
  return String(Number(v.toPrecision(SIGNIFICANT)));
}

const BIG = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
const SMALL = ["m", "u", "n", "p", "f", "a", "z", "y"];

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of BIG) {
      if (Math.abs(v) < THOUSAND) break;
      prefix = p;
      v /= THOUSAND;
    }
    return `${goG4(v)}${prefix}`;
  }
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= THOUSAND;
  }
  return `${goG4(v)}${prefix}`;
}

export function humanizePercentage(v: number): string {
  return `${goG4(v * UNIT.percent)}%`;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goG4(v);
  if (v === 0) return `${goG4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? "-" : "";
    const total = Math.trunc(Math.abs(v));
    const minute = UNIT.secondsPerMinute;
    const seconds = total % minute;
    const minutes = Math.trunc(total / minute) % minute;
    const hours = Math.trunc(total / minute / minute) % HOURS_PER_DAY;
    const days = Math.trunc(total / minute / minute / HOURS_PER_DAY);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goG4(Math.abs(v))}s`;
  }
  let prefix = "";
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= THOUSAND;
  }
  return `${goG4(v)}${prefix}s`;
}

/** Renders `{{ $value | fn }}`, `{{ $value | printf "%.Nf" }}`, `{{ $value }}` and `{{ $labels.x }}`; anything else throws. */
export function renderTemplate(text: string, value: number, labels: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, pipeline: string) => {
    const label = pipeline.match(/^\$labels\.(\w+)$/);
    if (label) return labels[label[1] ?? ""] ?? "";
    if (pipeline === "$value") return String(value);
    const printf = pipeline.match(/^\$value \| printf "%\.(\d)f"$/);
    if (printf) return value.toFixed(Number(printf[1]));
    const fn = pipeline.match(/^\$value \| (\w+)$/)?.[1];
    if (fn === "humanize") return humanize(value);
    if (fn === "humanizePercentage") return humanizePercentage(value);
    if (fn === "humanizeDuration") return humanizeDuration(value);
    throw new Error(`renderTemplate: unsupported pipeline {{ ${pipeline} }}`);
  });
}
