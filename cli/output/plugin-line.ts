import type { CapacityReport } from "../capacity/report.ts";
import type { Trigger } from "../capacity/triggers.ts";
import { formatMeasured } from "../../catalog/format.ts";

/** Perfdata numbers: plain decimals (the convention allows no exponent), sub-microsecond noise dropped. */
function plain(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  if (Math.abs(v) < 1e-6) return "0";
  const s = String(Number(v.toPrecision(6)));
  return /e/.test(s) ? v.toFixed(0) : s;
}

const UOM: Record<string, string> = { bytes: "B", s: "s", rows: "", "writes/s": "" };

/** `'label'=value[UOM];[warn];[crit];[min];[max]`, with `U` for a value that could not be measured. */
function perf(t: Trigger | undefined, label: string): string {
  if (!t) return "";
  const value = typeof t.value === "number" ? `${plain(t.value)}${UOM[t.unit] ?? ""}` : "U";
  const max = t.limit ?? "";
  return `${label}=${value};${t.warningRange ?? ""};${t.criticalRange ?? ""};0;${max === "" ? "" : plain(max)}`;
}

/**
 * The Nagios plugin status line: `CAPACITY <STATUS>: <message> | <perfdata>`. The first line of the text report,
 * in every outcome, so a monitoring system reads the verdict and graphs the figures from it.
 */
export function pluginLine(r: CapacityReport): string {
  const by = Object.fromEntries(r.triggers.map((t) => [t.id, t]));
  let message: string;
  if (r.status === "ok") message = `no migration trigger fired; D1 size ${formatMeasured(r.database.sizeBytes, "bytes")}`;
  else if (r.status === "unknown") message = `${r.unmeasured.map((e) => e.message).join("; ")}; no measured migration trigger fired (D1 size ${formatMeasured(r.database.sizeBytes, "bytes")})`;
  else message = r.triggers.filter((t) => t.status === r.status).map((t) => t.message).join("; ");
  const perfdata = [perf(by.d1_size, "d1_size"), perf(by.d1_rows, "d1_rows"), perf(by.write_latency_p95, "write_latency_p95"), perf(by.write_rate, "write_rate"), perf(by.d1_size_projection, "d1_size_projection")];
  return `CAPACITY ${r.status.toUpperCase()}: ${message.replace(/\|/g, "/")} | ${perfdata.filter(Boolean).join(" ")}`;
}

/** The status line when nothing could be measured at all. */
export const unknownPluginLine = (reason: string): string => `CAPACITY UNKNOWN: ${reason.replace(/\|/g, "/")}`;
