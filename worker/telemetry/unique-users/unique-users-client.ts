import { TELEMETRY } from "../../../catalog/index.ts";
import { withTimeout } from "../../../otlp/bounded.ts";
import type { TelemetryPipeline } from "../../../otlp/pipeline.ts";
import { warnAtMostOncePerInterval } from "../../../otlp/throttled-warning.ts";
import { registerUpdate } from "./hyperloglog.ts";
import { utcDay, type UniqueUsers } from "./unique-users-object.ts";

export interface UniqueUsersEnv {
  UNIQUE_USERS?: DurableObjectNamespace<UniqueUsers>;
}

const OBJECT_NAME = "global";
const encoder = new TextEncoder();

/** Per-isolate state: today's salt (one DO call per isolate per day) and pending register maxima. */
let salt: { day: string; value: string } | null = null;
let saltFailedAt = 0;
let pending = new Map<number, number>();

const stub = (ns: DurableObjectNamespace<UniqueUsers>) => ns.get(ns.idFromName(OBJECT_NAME));

/**
 * Today's salt. Only the resolved value is shared: workerd cancels a request that waits on another request's I/O,
 * so until the first call of the day answers, each caller asks the object itself (it returns the same salt).
 */
async function todaysSalt(ns: DurableObjectNamespace<UniqueUsers>, now: number): Promise<string | null> {
  const day = utcDay(now);
  if (salt?.day === day) return salt.value;
  if (now - saltFailedAt < TELEMETRY.warningInterval.value) return null;
  try {
    // Bounded: this runs in the request's waitUntil, and an object that never answers must not hold it for 30 s.
    const value = await withTimeout(stub(ns).salt(day), TELEMETRY.flushHookTimeout.value, "UniqueUsers salt");
    salt = { day, value };
    return value;
  } catch (error) {
    saltFailedAt = Date.now();
    warnAtMostOncePerInterval("unique-users-salt", `UniqueUsers salt unavailable: ${error instanceof Error ? error.name : "Error"}`);
    return null;
  }
}

/**
 * Notes one client for today's unique count, off the request path (call it inside waitUntil).
 * The IP only lives in this closure: it is hashed with the day's salt and reduced to one register update.
 */
export async function noteUser(pipeline: TelemetryPipeline, ns: DurableObjectNamespace<UniqueUsers> | undefined, ip: string | null, now = Date.now()): Promise<void> {
  if (!ns || !ip) return;
  const saltValue = await todaysSalt(ns, now);
  if (saltValue === null) return;
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${saltValue}|${ip}`)));
  const [index, rank] = registerUpdate(hash);
  if (rank > (pending.get(index) ?? 0)) pending.set(index, rank);
  pipeline.setFlushHook("unique-users", flushUniqueUsers(ns));
}

/** The flush hook: one DO call per flush carries every pending register update and returns the day's estimate. */
const flushUniqueUsers =
  (ns: DurableObjectNamespace<UniqueUsers>) =>
  async (pipeline: TelemetryPipeline): Promise<void> => {
    if (pending.size === 0 || !salt) return;
    const updates = [...pending];
    const day = salt.day;
    pending = new Map();
    try {
      const result = await stub(ns).merge(day, updates);
      pipeline.instruments.uniqueUsers.record(result.estimate);
      pipeline.countItems("users", "exported", updates.length);
    } catch (error) {
      pipeline.countItems("users", "failed", updates.length);
      throw error;
    }
  };

/** Test seam: forget the isolate's salt and pending updates. */
export function resetUniqueUsersClient(): void {
  salt = null;
  saltFailedAt = 0;
  pending = new Map();
}
