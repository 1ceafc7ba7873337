import { DurableObject } from "cloudflare:workers";

export type RateLimitAction = "create" | "reveal";

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends and the count starts again. */
  resetAt: number;
}

/**
 * One instance per client (named by a hash of the IP, which is never stored). A Durable Object runs one request at
 * a time, so its fixed-window counters are strongly consistent. Rows are removed by an alarm when their window ends.
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** When the cleanup alarm is due; undefined until read once, so a hit costs no extra storage read. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS windows (action TEXT PRIMARY KEY, window_start INTEGER NOT NULL, reset_at INTEGER NOT NULL, hits INTEGER NOT NULL)",
    );
  }

  /** Counts one request for `action` and says whether it is within `limit` per `windowMs`. */
  async hit(action: RateLimitAction, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const now = Date.now();
    const windowStart = now - (now % windowMs);
    const resetAt = windowStart + windowMs;
    const { hits } = this.sql
      .exec<{ hits: number }>(
        `INSERT INTO windows (action, window_start, reset_at, hits) VALUES (?, ?, ?, 1)
         ON CONFLICT (action) DO UPDATE SET
           hits = CASE WHEN window_start = excluded.window_start THEN hits + 1 ELSE 1 END,
           window_start = excluded.window_start,
           reset_at = excluded.reset_at
         RETURNING hits`,
        action,
        windowStart,
        resetAt,
      )
      .one();
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null) {
      await this.ctx.storage.setAlarm(resetAt);
      this.alarmAt = resetAt;
    }
    return { allowed: hits <= limit, limit, remaining: Math.max(0, limit - hits), resetAt };
  }

  override async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM windows WHERE reset_at <= ?", Date.now());
    const next = this.sql.exec<{ next: number | null }>("SELECT min(reset_at) AS next FROM windows").one().next;
    this.alarmAt = next;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}
