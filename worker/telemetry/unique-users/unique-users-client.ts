import { TELEMETRY } from "../../../catalog/index.ts";
import { withTimeout } from "../../../otlp/bounded.ts";
import type { TelemetryPipeline } from "../../../otlp/pipeline.ts";
import { warnAtMostOncePerInterval } from "../../../otlp/throttled-warning.ts";
import { registerUpdateOf } from "./hyperloglog.ts";
import { keyedHash64, seedsOf } from "./keyed-hash.ts";
import { utcDay, type UniqueUsers } from "./unique-users-object.ts";

export interface UniqueUsersEnv {
  UNIQUE_USERS?: DurableObjectNamespace<UniqueUsers>;
}

const OBJECT_NAME = "global";

/** Today's salt as the keyed hash's seeds, valid until the next UTC midnight. */
interface Salt {
  day: string;
  until: number;
  seeds: readonly [number, number];
}

/** Per-isolate state: today's salt (one DO call per isolate per day), pending register maxima, and where they flush. */
let salt: Salt | null = null;
let saltFailedAt = 0;
let pending = new Map<number, number>();
/** The day whose salt made the pending updates: the object discards updates of another day. */
let pendingDay = "";
let hooked: { pipeline: TelemetryPipeline; ns: DurableObjectNamespace<UniqueUsers> } | null = null;

const nextUtcMidnight = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

const stub = (ns: DurableObjectNamespace<UniqueUsers>) => ns.get(ns.idFromName(OBJECT_NAME));

/**
 * Today's salt. Only the resolved value is shared: workerd cancels a request that waits on another request's I/O,
 * so until the first call of the day answers, each caller asks the object itself (it returns the same salt).
 */
async function todaysSalt(ns: DurableObjectNamespace<UniqueUsers>, now: number): Promise<Salt | null> {
  const day = utcDay(now);
  if (salt?.day === day) return salt;
  if (now - saltFailedAt < TELEMETRY.warningInterval.value) return null;
  try {
    // Bounded: this runs in the request's waitUntil, and an object that never answers must not hold it for 30 s.
    const value = await withTimeout(stub(ns).salt(day), TELEMETRY.flushHookTimeout.value, "UniqueUsers salt");
    salt = { day, until: nextUtcMidnight(now), seeds: seedsOf(value) };
    return salt;
  } catch (error) {
    saltFailedAt = Date.now();
    warnAtMostOncePerInterval("unique-users-salt", `UniqueUsers salt unavailable: ${error instanceof Error ? error.name : "Error"}`);
    return null;
  }
}

/**
 * Notes one client for today's unique count. With today's salt known (every request of an isolate but its first of
 * the day) this is synchronous: the IP is hashed under the salt and reduced to one register update, and nothing of it
 * outlives the call. Otherwise it returns the promise that fetches the salt first (the caller gives it to waitUntil).
 */
export function noteUser(pipeline: TelemetryPipeline, ns: DurableObjectNamespace<UniqueUsers> | undefined, ip: string | null, now = Date.now()): Promise<void> | undefined {
  if (!ns || !ip) return undefined;
  if (salt && now < salt.until) {
    note(pipeline, ns, ip, salt);
    return undefined;
  }
  return todaysSalt(ns, now).then((s) => {
    if (s) note(pipeline, ns, ip, s);
  });
}

function note(pipeline: TelemetryPipeline, ns: DurableObjectNamespace<UniqueUsers>, ip: string, s: Salt): void {
  const [hi, lo] = keyedHash64(ip, s.seeds);
  const [index, rank] = registerUpdateOf(hi, lo);
  if (s.day !== pendingDay) {
    pending = new Map();
    pendingDay = s.day;
  }
  if (rank > (pending.get(index) ?? 0)) pending.set(index, rank);
  if (hooked?.pipeline !== pipeline || hooked.ns !== ns) {
    pipeline.setFlushHook("unique-users", flushUniqueUsers(ns));
    hooked = { pipeline, ns };
  }
}

/** The flush hook: one DO call per flush carries every pending register update and returns the day's estimate. */
const flushUniqueUsers = (ns: DurableObjectNamespace<UniqueUsers>) =>
  async function flushPendingUpdates(pipeline: TelemetryPipeline): Promise<void> {
    if (pending.size === 0) return;
    const updates = [...pending];
    const day = pendingDay;
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
  pendingDay = "";
  hooked = null;
}
