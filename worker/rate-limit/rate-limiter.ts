import { DurableObject } from "cloudflare:workers";

/** What a client network is limited on; each has its own counter and budget (config.rateLimits). */
export type RateLimitAction = "create" | "reveal" | "read" | "delete" | "health";

/** One budget a fleet-wide reservation draws on: `cost` out of `limit` per window. */
export interface BudgetCost {
  budget: string;
  cost: number;
  limit: number;
}

export interface BudgetDecision {
  allowed: boolean;
  /** The budget that had no room left (the first one), when refused. */
  exhausted?: string;
  resetAt: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends and the count starts again. */
  resetAt: number;
}

function windowOf(now: number, windowMs: number): { windowStart: number; resetAt: number } {
  const windowStart = now - (now % windowMs);
  return { windowStart, resetAt: windowStart + windowMs };
}

/**
 * One instance per client network (named by a hash of it, which is never stored), plus one for the fleet-wide create
 * budget. A Durable Object runs one request at a time, so its fixed-window counters are strongly consistent. Rows are
 * removed by an alarm when their window ends.
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
    const { windowStart, resetAt } = windowOf(Date.now(), windowMs);
    const hits = this.add(action, 1, windowStart, resetAt);
    await this.ensureAlarm(resetAt);
    return { allowed: hits <= limit, limit, remaining: Math.max(0, limit - hits), resetAt };
  }

  /**
   * Takes `cost` from every budget at once, or from none: a refused reservation uses nothing up, so a flood that is
   * being refused does not keep the budget exhausted for others after the window ends.
   */
  async reserve(costs: readonly BudgetCost[], windowMs: number): Promise<BudgetDecision> {
    const { windowStart, resetAt } = windowOf(Date.now(), windowMs);
    for (const { budget, cost, limit } of costs) {
      const used = this.sql
        .exec<{ hits: number }>("SELECT hits FROM windows WHERE action = ? AND window_start = ?", budget, windowStart)
        .toArray()[0]?.hits ?? 0;
      if (used + cost > limit) return { allowed: false, exhausted: budget, resetAt };
    }
    for (const { budget, cost } of costs) this.add(budget, cost, windowStart, resetAt);
    await this.ensureAlarm(resetAt);
    return { allowed: true, resetAt };
  }

  private add(action: string, cost: number, windowStart: number, resetAt: number): number {
    return this.sql
      .exec<{ hits: number }>(
        `INSERT INTO windows (action, window_start, reset_at, hits) VALUES (?, ?, ?, ?)
         ON CONFLICT (action) DO UPDATE SET
           hits = CASE WHEN window_start = excluded.window_start THEN hits + excluded.hits ELSE excluded.hits END,
           window_start = excluded.window_start,
           reset_at = excluded.reset_at
         RETURNING hits`,
        action,
        windowStart,
        resetAt,
        cost,
      )
      .one().hits;
  }

  private async ensureAlarm(resetAt: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null) {
      await this.ctx.storage.setAlarm(resetAt);
      this.alarmAt = resetAt;
    }
  }

  override async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM windows WHERE reset_at <= ?", Date.now());
    const next = this.sql.exec<{ next: number | null }>("SELECT min(reset_at) AS next FROM windows").one().next;
    this.alarmAt = next;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}
