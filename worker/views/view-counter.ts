import { DurableObject } from "cloudflare:workers";
import { KV_LIMITS, VIEW_COUNTER } from "../../catalog/index.ts";
import { invalidateQueryCache } from "../cache/query-cache.ts";
import { parseConfig } from "../config.ts";
import { sha256Hex } from "../http/tokens.ts";
import { createStore } from "../store/create-store.ts";
import type { SecretStore } from "../store/store.ts";

type CountRow = { key: string; id: string; unsent: number; invalidated_at: number };

/** The name an id is kept under at rest: a hash, like the KV keys (an id is the capability to reveal). */
export const viewCountKey = (id: string) => sha256Hex(`moltsecret.view-counter:${id}`);

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
 * Counts are kept under a hash of the id (`view_counts`). The raw id, which the D1 update needs, is stored only while
 * the id has views not yet in D1 (`unsent_ids`), and dropped in the same step that records the flush: normally for one
 * flush interval, longer only while D1 refuses the flush.
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
      `CREATE TABLE IF NOT EXISTS view_counts (
        key TEXT PRIMARY KEY, total INTEGER NOT NULL, unsent INTEGER NOT NULL,
        last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL, invalidated_at INTEGER NOT NULL DEFAULT 0,
        flush_ms INTEGER NOT NULL);
       CREATE TABLE IF NOT EXISTS unsent_ids (key TEXT PRIMARY KEY, id TEXT NOT NULL);`,
    );
    this.defaultFlushIntervalMs = parseConfig(env).caching.viewFlushIntervalMs;
    void ctx.blockConcurrencyWhile(() => this.moveLegacyCounts());
  }

  /** Objects from before the ids were hashed kept them raw in `counts`: rehome those rows once, then drop the table. */
  private async moveLegacyCounts(): Promise<void> {
    const legacy = this.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'counts'").toArray().length > 0;
    if (!legacy) return;
    const rows = this.sql.exec<{ id: string; total: number; unsent: number; last_seen: number; expires_at: number; invalidated_at: number; flush_ms: number }>("SELECT * FROM counts").toArray();
    for (const r of rows) {
      const key = await viewCountKey(r.id);
      this.sql.exec(
        "INSERT OR REPLACE INTO view_counts (key, total, unsent, last_seen, expires_at, invalidated_at, flush_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        key, r.total, r.unsent, r.last_seen, r.expires_at, r.invalidated_at, r.flush_ms,
      );
      if (r.unsent > 0) this.sql.exec("INSERT OR REPLACE INTO unsent_ids (key, id) VALUES (?, ?)", key, r.id);
    }
    this.sql.exec("DROP TABLE counts");
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
    const key = await viewCountKey(id);
    const now = Date.now();
    const row = this.sql.exec<{ total: number; unsent: number }>("SELECT total, unsent FROM view_counts WHERE key = ?", key).toArray()[0];
    const floor = dbViews + (row ? row.unsent - (this.sending.get(key) ?? 0) : 0);
    const total = Math.max(row?.total ?? 0, floor) + 1;
    this.sql.exec(
      `INSERT INTO view_counts (key, total, unsent, last_seen, expires_at, flush_ms) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET total = excluded.total, unsent = unsent + 1, last_seen = excluded.last_seen, flush_ms = excluded.flush_ms`,
      key,
      total,
      now,
      expiresAt,
      flushMs,
    );
    this.sql.exec("INSERT OR IGNORE INTO unsent_ids (key, id) VALUES (?, ?)", key, id);
    await this.alarmNoLaterThan(now + flushMs);
    return total;
  }

  /** Views counted here and not yet in D1, per hashed id (viewCountKey; tests and diagnostics). */
  unsent(): Record<string, number> {
    const rows = this.sql.exec<{ key: string; unsent: number }>("SELECT key, unsent FROM view_counts WHERE unsent > 0").toArray();
    return Object.fromEntries(rows.map((r) => [r.key, r.unsent]));
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    const batch = this.sql
      .exec<CountRow>(
        "SELECT c.key, u.id, c.unsent, c.invalidated_at FROM view_counts c JOIN unsent_ids u ON u.key = c.key WHERE c.unsent > 0 LIMIT ?",
        VIEW_COUNTER.maxIdsPerFlush.value,
      )
      .toArray();
    let failed = false;
    if (batch.length > 0) failed = !(await this.flush(batch, now));
    // Forget ids once everything is in D1 and they went quiet (or expired): the next view re-reads D1, which is exact then.
    this.sql.exec(
      "DELETE FROM view_counts WHERE unsent = 0 AND (last_seen <= ? OR expires_at <= ?)",
      now - VIEW_COUNTER.idleRetention.value * 1000,
      now,
    );
    const next = this.sql
      .exec<{ flushMs: number | null; oldest: number | null }>(
        "SELECT min(flush_ms) FILTER (WHERE unsent > 0) AS flushMs, min(last_seen) AS oldest FROM view_counts",
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
    for (const r of batch) this.sending.set(r.key, r.unsent);
    try {
      await viewCounterHooks.flushStore(this.env).addViews(counts, now);
    } catch (err) {
      console.error(JSON.stringify({ event: "view_counter.flush_failed", ids: counts.size, error: (err as Error).name }));
      return false;
    } finally {
      this.sending.clear();
    }
    for (const r of batch) this.sql.exec("UPDATE view_counts SET unsent = unsent - ? WHERE key = ?", r.unsent, r.key);
    // Ids with nothing left to send are needed no more: drop the raw id (the next view stores it again).
    this.sql.exec("DELETE FROM unsent_ids WHERE key IN (SELECT key FROM view_counts WHERE unsent = 0) OR key NOT IN (SELECT key FROM view_counts)");
    await this.invalidate(batch, now);
    return true;
  }

  /** The KV query cache of flushed ids goes stale: drop it, but at most once per KV's per-key write interval. */
  private async invalidate(batch: CountRow[], now: number): Promise<void> {
    const due = batch.filter((r) => now - r.invalidated_at >= KV_LIMITS.keyWriteInterval.value * 1000);
    await Promise.all(due.map((r) => invalidateQueryCache(this.env.KV, r.id)));
    for (const r of due) this.sql.exec("UPDATE view_counts SET invalidated_at = ? WHERE key = ?", now, r.key);
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
