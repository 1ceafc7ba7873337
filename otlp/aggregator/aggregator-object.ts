import { DurableObject } from "cloudflare:workers";
import { ATTR, LABEL_VALUES, TELEMETRY } from "../../catalog/index.ts";
import { parseTelemetryConfig, type TelemetryConfig, type TelemetryEnv } from "../config.ts";
import { postOtlp } from "../post.ts";
import { warnAtMostOncePerInterval } from "../throttled-warning.ts";
import { FleetState } from "./fleet-state.ts";
import { buildFleetExport } from "./otlp-export.ts";
import type { Handoff, HandoffAck } from "./points.ts";

/** Hand-off log slots: a hand-off overwrites the slot of one compacted long ago, so it costs one row written, not two. */
const LOG_SLOTS = 1024;
/** Characters per state row: 500k JSON characters stay under SQLite-in-DO's 2 MB per value even at 4 bytes each. */
const STATE_CHUNK = 500_000;

export interface ExportOutcome {
  ok: boolean;
  points: number;
  bytes: number;
  detail?: string;
}

/**
 * The fleet's metrics, one object per shard (`aggregator-N`). Isolates hand off deltas (FleetHandoff); each hand-off is
 * appended to a log in SQLite before it is acknowledged, and folded into the merged state (one JSON value in a few
 * rows) at the alarm, which also exports the state as cumulative OTLP once per interval with
 * `service.instance.id` = the shard. Eviction or a restart loses nothing: state + the log's tail replay the same totals.
 *
 * Cost: one row written per hand-off (+ a few per alarm), rows read only when the object (re)loads.
 */
export class TelemetryAggregator extends DurableObject {
  readonly #sql: SqlStorage;
  #state: FleetState | null = null;
  /** Number of the last hand-off appended to the log. */
  #logged = 0;
  #alarmAt: number | null | undefined;
  /** Not before this time may the next export go (a backend's Retry-After, or the backoff). */
  #notBefore = 0;
  /** SQLite rows this instance wrote (what Durable Objects bill writes by), for the cost figures. */
  #rowsWritten = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS handoff_log (slot INTEGER PRIMARY KEY, n INTEGER NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL)");
    this.#sql.exec("CREATE TABLE IF NOT EXISTS fleet_state (chunk INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** Applies a hand-off once: a replayed (isolate, seq) is acknowledged and changes nothing. */
  async handoff(batch: Handoff): Promise<HandoffAck> {
    const state = this.#load();
    if (!state.accepts(batch)) return { applied: false };
    const at = Date.now();
    const n = this.#logged + 1;
    // The slot about to be reused must already be folded into the state.
    if (n - state.compactedThrough > LOG_SLOTS) this.#compact(state);
    this.#rowsWritten += this.#sql.exec(
      "INSERT INTO handoff_log (slot, n, at, body) VALUES (?, ?, ?, ?) ON CONFLICT (slot) DO UPDATE SET n = excluded.n, at = excluded.at, body = excluded.body",
      n % LOG_SLOTS,
      n,
      at,
      JSON.stringify(batch),
    ).rowsWritten;
    this.#logged = n;
    state.apply(batch, at);
    await this.#alarmNoLaterThan(at + this.#intervalMs());
    return { applied: true };
  }

  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    const config = parseTelemetryConfig(this.#env());
    const now = Date.now();
    if (config) await this.exportTo(config, now);
    const state = this.#load();
    state.prune(now);
    this.#compact(state);
    if (state.series.size > 0 || state.isolates.size > 0) await this.#setAlarm(Math.max(now + this.#intervalMs(), this.#notBefore));
  }

  /**
   * Exports the merged state now. The alarm calls it with the env's config; tests call it (runInDurableObject)
   * with one pointing at their receiver.
   */
  async exportTo(config: TelemetryConfig, now = Date.now()): Promise<ExportOutcome> {
    if (now < this.#notBefore) return { ok: false, points: 0, bytes: 0, detail: "retry-after" };
    const state = this.#load();
    state.closeInterval();
    const fleet = buildFleetExport(state, this.#shard(), now, config.exportIntervalMs);
    if (!fleet) return { ok: true, points: 0, bytes: 0 };
    const result = await postOtlp(config, "metrics", fleet.body);
    const outcome = result.ok ? LABEL_VALUES.telemetryOutcome.exported : LABEL_VALUES.telemetryOutcome.failed;
    // Cumulative: a failed export loses nothing, the next one carries it. So the only backoff is the backend's own
    // Retry-After (429/503, capped); otherwise one attempt per interval per shard is no flood.
    this.#notBefore = result.ok ? 0 : now + (result.retryAfterMs ?? 0);
    if (result.ok) fleet.markExported();
    else warnAtMostOncePerInterval("export-metrics", `fleet metrics export failed: ${result.detail}`);
    // The aggregator's own exports are series of the fleet too (the isolates' hand-offs are counted by the isolates).
    const self = { service: config.serviceName, environment: config.environment };
    state.merge(self, { metric: "telemetryExports", attributes: { [ATTR.signal]: "metrics", [ATTR.outcome]: outcome }, value: 1 }, now);
    state.merge(self, { metric: "telemetryItems", attributes: { [ATTR.signal]: "metrics", [ATTR.outcome]: outcome }, value: fleet.points }, now);
    return { ok: result.ok, points: fleet.points, bytes: fleet.body.byteLength, detail: result.detail };
  }

  /** The merged state as it would be exported (tests, diagnostics). */
  snapshot(): ReturnType<FleetState["toJSON"]> {
    return this.#load().toJSON();
  }

  /** Rows written by this instance since it started (billing diagnostics). */
  rowsWritten(): number {
    return this.#rowsWritten;
  }

  /** The telemetry vars (OTEL_*) are optional vars/secrets, not generated bindings. */
  #env(): TelemetryEnv {
    return this.env as unknown as TelemetryEnv;
  }

  #shard(): number {
    const match = /-(\d+)$/.exec(this.ctx.id.name ?? "");
    return match ? Number(match[1]) : 0;
  }

  #intervalMs(): number {
    return parseTelemetryConfig(this.#env())?.exportIntervalMs ?? TELEMETRY.exportInterval.value;
  }

  /** State = the last compacted value + the log's hand-offs after it, replayed in order. */
  #load(): FleetState {
    if (this.#state) return this.#state;
    const chunks = this.#sql.exec<{ body: string }>("SELECT body FROM fleet_state ORDER BY chunk").toArray();
    const state = FleetState.fromJSON(chunks.length ? JSON.parse(chunks.map((c) => c.body).join("")) : null);
    const log = this.#sql.exec<{ n: number; at: number; body: string }>("SELECT n, at, body FROM handoff_log WHERE n > ? ORDER BY n", state.compactedThrough).toArray();
    for (const row of log) state.apply(JSON.parse(row.body) as Handoff, row.at);
    this.#logged = log.at(-1)?.n ?? state.compactedThrough;
    this.#state = state;
    return state;
  }

  /** Writes the merged state; the log's rows up to #logged become reusable (they are overwritten, never deleted). */
  #compact(state: FleetState): void {
    state.compactedThrough = this.#logged;
    const json = JSON.stringify(state.toJSON());
    const chunks = Math.max(1, Math.ceil(json.length / STATE_CHUNK));
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < chunks; i++) {
        this.#rowsWritten += this.#sql.exec(
          "INSERT INTO fleet_state (chunk, body) VALUES (?, ?) ON CONFLICT (chunk) DO UPDATE SET body = excluded.body",
          i,
          json.slice(i * STATE_CHUNK, (i + 1) * STATE_CHUNK),
        ).rowsWritten;
      }
      this.#rowsWritten += this.#sql.exec("DELETE FROM fleet_state WHERE chunk >= ?", chunks).rowsWritten;
    });
  }

  async #alarmNoLaterThan(at: number): Promise<void> {
    if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
    if (this.#alarmAt === null || this.#alarmAt > at) await this.#setAlarm(at);
  }

  async #setAlarm(at: number): Promise<void> {
    this.#alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
