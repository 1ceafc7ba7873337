import { TELEMETRY } from "../catalog/index.ts";

const lastWarned = new Map<string, number>();

/**
 * A console warning at most once per kind per interval per isolate, so a backend outage cannot flood
 * Workers Logs. Messages must never carry request data: callers pass fixed text plus a status or error name.
 */
export function warnAtMostOncePerInterval(kind: string, message: string, now = Date.now()): boolean {
  const last = lastWarned.get(kind);
  if (last !== undefined && now - last < TELEMETRY.warningInterval.value) return false;
  lastWarned.set(kind, now);
  console.warn(JSON.stringify({ level: "warn", source: "telemetry", kind, message }));
  return true;
}

/** Test seam: forget when each kind last warned. */
export const resetWarnings = (): void => lastWarned.clear();
