import { DurableObject } from "cloudflare:workers";
import { KV_LIMITS, VIEW_COUNTER } from "../../catalog/index.ts";
import { invalidateQueryCache } from "../cache/query-cache.ts";
import { parseConfig } from "../config.ts";
import { sha256Hex } from "../http/tokens.ts";
import { createStore } from "../store/create-store.ts";
import type { SecretStore } from "../store/store.ts";

type CountRow = { key: string; prefix: string; unsent: number; invalidated_at: number };
type LegacyRow = { id: string; total: number; unsent: number; last_seen: number; expires_at: number; invalidated_at: number; flush_ms: number };

/** The name an id is kept under at rest: a hash, like the KV keys (an id is the capability to reveal). */
export const viewCountKey = (id: string) => sha256Hex(`moltsecret.view-counter:${id}`);

/** What is kept of an id at rest besides its hash: enough to find it again in D1 (one index range), never enough to use it. */
export const viewCountPrefix = (id: string) => id.slice(0, VIEW_COUNTER.idPrefixChars.value);

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
 * No id is ever stored: a row is keyed by SHA-256 of the id and keeps its first `VIEW_COUNTER.idPrefixChars`
 * characters (48 of the 128 random bits). The flush needs the ids for the D1 update: it has them in memory from the
 * reveals it counted, and an object that restarted with unsent counts finds them again in D1 from the prefixes (one
 * statement, `idsWithPrefixes`), keeping the candidate whose hash matches.
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

  /** The ids behind the hashed rows, as the reveals of this instance's lifetime brought them: memory only. */
  private readonly ids = new Map<string, string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS view_tallies (
        key TEXT PRIMARY KEY, prefix TEXT NOT NULL, total INTEGER NOT NULL, unsent INTEGER NOT NULL,
        last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL, invalidated_at INTEGER NOT NULL DEFAULT 0,
        flush_ms INTEGER NOT NULL)`,
    );
    this.defaultFlushIntervalMs = parseConfig(env).caching.viewFlushIntervalMs;
    void ctx.blockConcurrencyWhile(() => this.moveEarlierTables());
  }

  /**
   * Earlier versions kept raw ids at rest: `counts` (keyed by the id) and `view_counts` + `unsent_ids`. Rehome their
   * rows once (the ids go to memory only), then drop those tables.
   */
  private async moveEarlierTables(): Promise<void> {
    const tables = new Set(this.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((t) => t.name));
    const rows: LegacyRow[] = [];
    if (tables.has("counts")) rows.push(...this.sql.exec<LegacyRow>("SELECT * FROM counts").toArray());
    if (tables.has("view_counts") && tables.has("unsent_ids")) {
      rows.push(...this.sql.exec<LegacyRow>("SELECT u.id, c.total, c.unsent, c.last_seen, c.expires_at, c.invalidated_at, c.flush_ms FROM view_counts c JOIN unsent_ids u ON u.key = c.key").toArray());
    }
    for (const r of rows) {
      const key = await viewCountKey(r.id);
      this.ids.set(key, r.id);
      this.sql.exec(
        "INSERT OR REPLACE INTO view_tallies (key, prefix, total, unsent, last_seen, expires_at, invalidated_at, flush_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        key, viewCountPrefix(r.id), r.total, r.unsent, r.last_seen, r.expires_at, r.invalidated_at, r.flush_ms,
      );
    }
    for (const t of ["counts", "view_counts", "unsent_ids"]) if (tables.has(t)) this.sql.exec(`DROP TABLE ${t}`);
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
    this.ids.set(key, id);
    const row = this.sql.exec<{ total: number; unsent: number }>("SELECT total, unsent FROM view_tallies WHERE key = ?", key).toArray()[0];
    const floor = dbViews + (row ? row.unsent - (this.sending.get(key) ?? 0) : 0);
    const total = Math.max(row?.total ?? 0, floor) + 1;
    this.sql.exec(
      `INSERT INTO view_tallies (key, prefix, total, unsent, last_seen, expires_at, flush_ms) VALUES (?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET total = excluded.total, unsent = unsent + 1, last_seen = excluded.last_seen, flush_ms = excluded.flush_ms`,
      key,
      viewCountPrefix(id),
      total,
      now,
      expiresAt,
      flushMs,
    );
    await this.alarmNoLaterThan(now + flushMs);
    return total;
  }

  /** Views counted here and not yet in D1, per hashed id (viewCountKey; tests and diagnostics). */
  unsent(): Record<string, number> {
    const rows = this.sql.exec<{ key: string; unsent: number }>("SELECT key, unsent FROM view_tallies WHERE unsent > 0").toArray();
    return Object.fromEntries(rows.map((r) => [r.key, r.unsent]));
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    const batch = this.sql
      .exec<CountRow>("SELECT key, prefix, unsent, invalidated_at FROM view_tallies WHERE unsent > 0 LIMIT ?", VIEW_COUNTER.maxIdsPerFlush.value)
      .toArray();
    let failed = false;
    if (batch.length > 0) failed = !(await this.flush(batch, now));
    // Forget ids once everything is in D1 and they went quiet (or expired): the next view re-reads D1, which is exact then.
    this.sql.exec(
      "DELETE FROM view_tallies WHERE unsent = 0 AND (last_seen <= ? OR expires_at <= ?)",
      now - VIEW_COUNTER.idleRetention.value * 1000,
      now,
    );
    if (this.ids.size > 0) {
      const kept = new Set(this.sql.exec<{ key: string }>("SELECT key FROM view_tallies").toArray().map((r) => r.key));
      for (const key of this.ids.keys()) if (!kept.has(key)) this.ids.delete(key);
    }
    const next = this.sql
      .exec<{ flushMs: number | null; oldest: number | null }>(
        "SELECT min(flush_ms) FILTER (WHERE unsent > 0) AS flushMs, min(last_seen) AS oldest FROM view_tallies",
      )
      .one();
    if (failed) await this.setAlarm(now + Math.max(next.flushMs ?? 0, VIEW_COUNTER.retryBackoff.value));
    else if (next.flushMs !== null) await this.setAlarm(now + next.flushMs);
    else if (next.oldest !== null) await this.setAlarm(next.oldest + VIEW_COUNTER.idleRetention.value * 1000 + 1);
    viewCounterHooks.afterAlarm(this.env, this.ctx);
  }

  /** The ids of `batch`: from memory, else found again in D1 by prefix and hash (after a restart). Null: D1 failed. */
  private async idsOf(batch: CountRow[], store: SecretStore): Promise<Map<string, string> | null> {
    const missing = batch.filter((r) => !this.ids.has(r.key));
    if (missing.length > 0) {
      let candidates: string[];
      try {
        candidates = await store.idsWithPrefixes(missing.map((r) => r.prefix));
      } catch (err) {
        console.error(JSON.stringify({ event: "view_counter.flush_failed", ids: missing.length, error: (err as Error).name }));
        return null;
      }
      const wanted = new Set(missing.map((r) => r.key));
      for (const id of candidates) {
        const key = await viewCountKey(id);
        if (wanted.has(key)) this.ids.set(key, id);
      }
    }
    return new Map(batch.flatMap((r) => (this.ids.has(r.key) ? [[r.key, this.ids.get(r.key)!] as const] : [])));
  }

  /** One batched D1 write for the whole batch; the counts are subtracted only after D1 took them (at least once). */
  private async flush(batch: CountRow[], now: number): Promise<boolean> {
    const store = viewCounterHooks.flushStore(this.env);
    const ids = await this.idsOf(batch, store);
    if (!ids) return false;
    // A row whose id D1 no longer has (purged) has nowhere to go: its views are dropped with it.
    const gone = batch.filter((r) => !ids.has(r.key));
    for (const r of gone) this.sql.exec("UPDATE view_tallies SET unsent = 0 WHERE key = ?", r.key);
    const sendable = batch.filter((r) => ids.has(r.key));
    const counts = new Map(sendable.map((r) => [ids.get(r.key)!, r.unsent]));
    for (const r of sendable) this.sending.set(r.key, r.unsent);
    try {
      if (counts.size > 0) await store.addViews(counts, now);
    } catch (err) {
      console.error(JSON.stringify({ event: "view_counter.flush_failed", ids: counts.size, error: (err as Error).name }));
      return false;
    } finally {
      this.sending.clear();
    }
    for (const r of sendable) this.sql.exec("UPDATE view_tallies SET unsent = unsent - ? WHERE key = ?", r.unsent, r.key);
    await this.invalidate(sendable.map((r) => ({ ...r, id: ids.get(r.key)! })), now);
    return true;
  }

  /** The KV query cache of flushed ids goes stale: drop it, but at most once per KV's per-key write interval. */
  private async invalidate(batch: (CountRow & { id: string })[], now: number): Promise<void> {
    const due = batch.filter((r) => now - r.invalidated_at >= KV_LIMITS.keyWriteInterval.value * 1000);
    await Promise.all(due.map((r) => invalidateQueryCache(this.env.KV, r.id)));
    for (const r of due) this.sql.exec("UPDATE view_tallies SET invalidated_at = ? WHERE key = ?", now, r.key);
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
