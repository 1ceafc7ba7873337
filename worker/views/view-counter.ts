import { DurableObject } from "cloudflare:workers";
import { KV_LIMITS, VIEW_COUNTER } from "../../catalog/index.ts";
import { invalidateQueryCache } from "../cache/query-cache.ts";
import { parseConfig } from "../config.ts";
import { createStore } from "../store/create-store.ts";
import type { SecretStore } from "../store/store.ts";

type CountRow = { id: string; unsent: number; invalidated_at: number };

/**
 * What the deployed entry (worker/index.ts) plugs in: the store a flush writes through (with the telemetry query
 * observer) and what runs after every alarm (exporting this object's metrics). Hooks rather than imports keep the
 * counter free of telemetry code, so a build without telemetry carries none.
 */
export const viewCounterHooks: {
  flushStore: (env: Env) => SecretStore;
  afterAlarm: (env: Env, ctx: DurableObjectState) => void;
} = {
  flushStore: (env) => createStore(env),
  afterAlarm: () => {},
};

/**
 * Write-behind view counts of unlimited-view secrets, for the ids of one shard. Every count is written to the
 * object's SQLite storage before the reveal answers, so an evicted or restarted object loses nothing: its alarm
 * flushes whatever is unsent to D1 in one batched statement, at most once per flush interval. Content never comes here.
 *
 * Per id it keeps `total` (the number handed to the last view, so view numbers stay exact and increasing) and
 * `unsent` (counted here, not yet in D1). D1 views + unsent is therefore the true count; metadata read from D1 lags
 * it by at most one flush interval.
 */
export class ViewCounter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The var's interval, for callers that do not pass one. */
  private readonly defaultFlushIntervalMs: number;
  /** Amounts of the flush awaiting D1 right now, per id: they may or may not be in a D1 count a caller just read. */
  private readonly sending = new Map<string, number>();
  /** When the alarm is due; undefined until read once. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS counts (
        id TEXT PRIMARY KEY, total INTEGER NOT NULL, unsent INTEGER NOT NULL,
        last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL, invalidated_at INTEGER NOT NULL DEFAULT 0,
        flush_ms INTEGER NOT NULL)`,
    );
    this.defaultFlushIntervalMs = parseConfig(env).caching.viewFlushIntervalMs;
  }

  /**
   * Counts one view of `id` and returns its number. `dbViews` is the D1 count the caller read just before: D1 plus
   * what is unsent here (minus what is being sent, which D1 may already hold) never exceeds the true count, so taking
   * the larger of that and the last number handed out can only correct an undercount (e.g. views D1 counted itself
   * while write-behind was switched off), never overcount.
   */
  async count(id: string, dbViews: number, expiresAt: number, flushIntervalMs?: number): Promise<number> {
    // Kept per id: each id's views reach D1 within the interval its caller asked for, whatever other ids asked.
    const flushMs = flushIntervalMs !== undefined && flushIntervalMs > 0 ? flushIntervalMs : this.defaultFlushIntervalMs;
    const now = Date.now();
    const row = this.sql.exec<{ total: number; unsent: number }>("SELECT total, unsent FROM counts WHERE id = ?", id).toArray()[0];
    const floor = dbViews + (row ? row.unsent - (this.sending.get(id) ?? 0) : 0);
    const total = Math.max(row?.total ?? 0, floor) + 1;
    this.sql.exec(
      `INSERT INTO counts (id, total, unsent, last_seen, expires_at, flush_ms) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET total = excluded.total, unsent = unsent + 1, last_seen = excluded.last_seen, flush_ms = excluded.flush_ms`,
      id,
      total,
      now,
      expiresAt,
      flushMs,
    );
    await this.alarmNoLaterThan(now + flushMs);
    return total;
  }

  /** Views counted here and not yet in D1, per id (tests and diagnostics). */
  unsent(): Record<string, number> {
    const rows = this.sql.exec<{ id: string; unsent: number }>("SELECT id, unsent FROM counts WHERE unsent > 0").toArray();
    return Object.fromEntries(rows.map((r) => [r.id, r.unsent]));
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    const batch = this.sql
      .exec<CountRow>("SELECT id, unsent, invalidated_at FROM counts WHERE unsent > 0 LIMIT ?", VIEW_COUNTER.maxIdsPerFlush.value)
      .toArray();
    let failed = false;
    if (batch.length > 0) failed = !(await this.flush(batch, now));
    // Forget ids once everything is in D1 and they went quiet (or expired): the next view re-reads D1, which is exact then.
    this.sql.exec(
      "DELETE FROM counts WHERE unsent = 0 AND (last_seen <= ? OR expires_at <= ?)",
      now - VIEW_COUNTER.idleRetention.value * 1000,
      now,
    );
    const next = this.sql
      .exec<{ flushMs: number | null; oldest: number | null }>(
        "SELECT min(flush_ms) FILTER (WHERE unsent > 0) AS flushMs, min(last_seen) AS oldest FROM counts",
      )
      .one();
    if (failed) await this.setAlarm(now + Math.max(next.flushMs ?? 0, VIEW_COUNTER.retryBackoff.value));
    else if (next.flushMs !== null) await this.setAlarm(now + next.flushMs);
    else if (next.oldest !== null) await this.setAlarm(next.oldest + VIEW_COUNTER.idleRetention.value * 1000 + 1);
    viewCounterHooks.afterAlarm(this.env, this.ctx);
  }

  /** One batched D1 write for the whole batch; the counts are subtracted only after D1 took them (at least once). */
  private async flush(batch: CountRow[], now: number): Promise<boolean> {
    const counts = new Map(batch.map((r) => [r.id, r.unsent]));
    for (const [id, n] of counts) this.sending.set(id, n);
    try {
      await viewCounterHooks.flushStore(this.env).addViews(counts, now);
    } catch (err) {
      console.error(JSON.stringify({ event: "view_counter.flush_failed", ids: counts.size, error: (err as Error).name }));
      return false;
    } finally {
      this.sending.clear();
    }
    for (const [id, n] of counts) this.sql.exec("UPDATE counts SET unsent = unsent - ? WHERE id = ?", n, id);
    await this.invalidate(batch, now);
    return true;
  }

  /** The KV query cache of flushed ids goes stale: drop it, but at most once per KV's per-key write interval. */
  private async invalidate(batch: CountRow[], now: number): Promise<void> {
    const due = batch.filter((r) => now - r.invalidated_at >= KV_LIMITS.keyWriteInterval.value * 1000);
    await Promise.all(due.map((r) => invalidateQueryCache(this.env.KV, r.id)));
    for (const r of due) this.sql.exec("UPDATE counts SET invalidated_at = ? WHERE id = ?", now, r.id);
  }

  private async alarmNoLaterThan(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null || this.alarmAt > at) await this.setAlarm(at);
  }

  private async setAlarm(at: number): Promise<void> {
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
