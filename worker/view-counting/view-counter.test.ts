import { createExecutionContext, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { VIEW_COUNTER } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { queryCacheKey } from "../cache/query-cache.ts";
import { call, createSecret, ORIGIN, reveal } from "../test/client.ts";
import { envWithFlags } from "../test/observed-app.ts";
import { withFaults } from "../test/faults.ts";
import { viewCounterFor, viewCounterName, viewCounterShard } from "./view-counter-client.ts";
import { viewCountKey } from "./view-counter.ts";

const d1Views = async (id: string) => (await env.DB.prepare("SELECT views FROM secrets WHERE id = ?").bind(id).first<{ views: number }>())!.views;
/**
 * A long interval, so the test itself triggers the flush (runDurableObjectAlarm). Shards are shared with other test
 * files' ids, whose alarms may flush these ids earlier: assertions hold either way (D1 + unsent = the true count).
 */
const SLOW_FLUSH = { VIEW_FLUSH_INTERVAL_MS: "60000", RATE_LIMIT_REVEAL_PER_MINUTE: "0" };

async function revealVia(vars: Env, id: string): Promise<{ status: number; views?: number }> {
  const ctx = createExecutionContext();
  const res = await createApp().request(`${ORIGIN}/api/secrets/${id}/reveal`, { method: "POST" }, vars, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, ...(res.status === 200 ? { views: ((await res.json()) as { views: number }).views } : {}) };
}

/** The shard's rows, each with `mine` set when it is `id`'s (rows are keyed by a hash of the id). */
const dump = async (id: string) => {
  const key = await viewCountKey(id);
  const dumped = await runInDurableObject(viewCounterFor(env.VIEW_COUNTER, id), async (_, state) => ({
    rows: state.storage.sql.exec("SELECT * FROM view_tallies").toArray().map((r) => ({ ...(r as Record<string, unknown>), mine: r.key === key })),
    everything: JSON.stringify(
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").toArray()
        .map((t) => state.storage.sql.exec(`SELECT * FROM "${String(t.name)}"`).toArray()),
    ),
    alarm: await state.storage.getAlarm(),
  }));
  type Row = Record<string, unknown> & { mine: boolean };
  return dumped as unknown as { rows: Row[]; everything: string; alarm: number | null };
};

describe("ViewCounter Durable Object", () => {
  it("spreads ids over a fixed set of shards whose names hold no id", async () => {
    const shards = new Set(Array.from({ length: 2000 }, () => viewCounterShard(crypto.randomUUID())));
    expect(shards.size).toBe(VIEW_COUNTER.shards.value);
    const s = await createSecret({ maxViews: null });
    expect((await reveal(s.id)).status).toBe(200);
    const ids = await listDurableObjectIds(env.VIEW_COUNTER);
    expect(ids.some((id) => id.equals(env.VIEW_COUNTER.idFromName(viewCounterName(viewCounterShard(s.id)))))).toBe(true);
    expect(ids.some((id) => id.equals(env.VIEW_COUNTER.idFromName(s.id)))).toBe(false);
  });

  it("keeps counts in its storage (never the content) with an alarm set, so an evicted object still flushes them", async () => {
    const vars = { ...env, ...SLOW_FLUSH };
    const s = await createSecret({ maxViews: null });
    for (let i = 1; i <= 3; i++) expect(await revealVia(vars, s.id)).toEqual({ status: 200, views: i });
    const { rows, alarm } = await dump(s.id);
    const row = rows.find((r) => r.mine)!;
    expect(row.total).toBe(3);
    expect(Number(row.unsent) + (await d1Views(s.id))).toBe(3);
    expect(JSON.stringify(rows)).not.toContain(s.ciphertext);
    if (Number(row.unsent) > 0) expect(alarm).toBeGreaterThanOrEqual(Date.now() - 1_000);
    // The object can be evicted now: a fresh instance reads the same storage, and the alarm flushes it.
    await runDurableObjectAlarm(viewCounterFor(env.VIEW_COUNTER, s.id));
    expect(await d1Views(s.id)).toBe(3);
    expect((await dump(s.id)).rows.find((r) => r.mine)).toMatchObject({ total: 3, unsent: 0 });
    expect(await (await call(`/api/secrets/${s.id}`)).json()).toMatchObject({ views: 3 });
  });

  it("never stores an id: rows are keyed by its hash and keep a short prefix, which finds the id again in D1 after a restart", async () => {
    const vars = { ...env, ...SLOW_FLUSH };
    const s = await createSecret({ maxViews: null });
    const stub = viewCounterFor(env.VIEW_COUNTER, s.id);
    // Flush whatever other files left in this shard, so the next flush is ours to observe.
    await runDurableObjectAlarm(stub);
    await revealVia(vars, s.id);
    await revealVia(vars, s.id);
    const before = await dump(s.id);
    expect(before.rows.find((r) => r.mine)).toMatchObject({ prefix: s.id.slice(0, VIEW_COUNTER.idPrefixChars.value), total: 2 });
    expect(before.everything).not.toContain(s.id);
    // A restarted object has no id in memory: the flush must find it in D1 from the prefix and the hash.
    await runInDurableObject(stub, (instance) => void (instance as unknown as { ids: Map<string, string> }).ids.clear());
    await runDurableObjectAlarm(stub);
    expect(await d1Views(s.id)).toBe(2);
    const after = await dump(s.id);
    expect(after.rows.find((r) => r.mine)).toMatchObject({ total: 2, unsent: 0 });
    expect(after.everything).not.toContain(s.id);
  });

  it("moves the rows of earlier versions (raw ids in `counts`) to hashed rows once, keeping their unsent views", async () => {
    const s = await createSecret({ maxViews: null });
    const stub = env.VIEW_COUNTER.get(env.VIEW_COUNTER.idFromName(`legacy-test-${crypto.randomUUID()}`));
    const now = Date.now();
    const tables = await runInDurableObject(stub, async (instance, state) => {
      state.storage.sql.exec(
        "CREATE TABLE counts (id TEXT PRIMARY KEY, total INTEGER NOT NULL, unsent INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL, invalidated_at INTEGER NOT NULL DEFAULT 0, flush_ms INTEGER NOT NULL)",
      );
      state.storage.sql.exec("INSERT INTO counts VALUES (?, 2, 2, ?, ?, 0, 100)", s.id, now, now + 3_600_000);
      await (instance as unknown as { moveEarlierTables(): Promise<void> }).moveEarlierTables();
      // Far enough ahead that workerd does not fire it on its own while runDurableObjectAlarm runs it now.
      await state.storage.setAlarm(Date.now() + 60_000);
      return state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((t) => String(t.name));
    });
    expect(tables).not.toContain("counts");
    const dumped = await runInDurableObject(stub, (_, state) => JSON.stringify(state.storage.sql.exec("SELECT * FROM view_tallies").toArray()));
    expect(dumped).not.toContain(s.id);
    expect(dumped).toContain(await viewCountKey(s.id));
    await runDurableObjectAlarm(stub);
    expect(await d1Views(s.id)).toBe(2);
  });

  it("a flush drops the KV query-cache entry of the ids it wrote", async () => {
    const vars = { ...env, ...SLOW_FLUSH };
    const s = await createSecret({ maxViews: null });
    // Cold reads write no KV (hot data only): this read fills the entry the way a hot secret's read does.
    const everyRead = await envWithFlags({ queryCacheEveryRead: true }, SLOW_FLUSH);
    const ctx = createExecutionContext();
    expect((await createApp().request(`${ORIGIN}/api/secrets/${s.id}`, {}, everyRead, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
    const key = await queryCacheKey(s.id);
    expect(await env.KV.get(key)).not.toBeNull();
    await revealVia(vars, s.id);
    expect(await runDurableObjectAlarm(viewCounterFor(env.VIEW_COUNTER, s.id))).toBe(true);
    expect(await env.KV.get(key)).toBeNull();
  });

  it("hands out exact view numbers even when D1 counted some views itself (write-behind switched off meanwhile)", async () => {
    const on = { ...env, ...SLOW_FLUSH };
    const off = await envWithFlags({ writeBehindDisabled: true }, SLOW_FLUSH);
    const s = await createSecret({ maxViews: null });
    expect((await revealVia(on, s.id)).views).toBe(1);
    expect((await revealVia(on, s.id)).views).toBe(2);
    await runDurableObjectAlarm(viewCounterFor(env.VIEW_COUNTER, s.id));
    expect(await d1Views(s.id)).toBe(2);
    // D1 counts one itself: D1 says 3 while the counter last handed out 2.
    expect((await revealVia(off, s.id)).views).toBe(3);
    expect((await revealVia(on, s.id)).views).toBe(4);
    await runDurableObjectAlarm(viewCounterFor(env.VIEW_COUNTER, s.id));
    expect(await d1Views(s.id)).toBe(4);
  });

  it("never counts limited-view secrets write-behind", async () => {
    const s = await createSecret({ maxViews: 2 });
    expect((await revealVia({ ...env, ...SLOW_FLUSH }, s.id)).views).toBe(1);
    expect(await d1Views(s.id)).toBe(1);
    expect((await dump(s.id)).rows.some((r) => r.mine)).toBe(false);
  });

  it("forgets quiet ids after the retention once flushed, and stops its alarm when nothing is left", async () => {
    const s = await createSecret({ maxViews: null });
    await revealVia({ ...env, ...SLOW_FLUSH }, s.id);
    const stub = viewCounterFor(env.VIEW_COUNTER, s.id);
    await runDurableObjectAlarm(stub);
    const idle = Date.now() - VIEW_COUNTER.idleRetention.value * 1000 - 1;
    const key = await viewCountKey(s.id);
    await runInDurableObject(stub, (_, state) => void state.storage.sql.exec("UPDATE view_tallies SET last_seen = ? WHERE key = ?", idle, key));
    // Far enough ahead that workerd does not fire it on its own while runDurableObjectAlarm runs it now.
    await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now() + 60_000));
    await runDurableObjectAlarm(stub);
    const { rows, alarm } = await dump(s.id);
    expect(rows.some((r) => r.mine)).toBe(false);
    // Other test files may have ids in this shard; with none left the alarm stops.
    if (rows.length === 0) expect(alarm).toBeNull();
    else expect(alarm).not.toBeNull();
  });

  it("counts the view in D1 when the counter is unreachable", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { binding, faults } = withFaults(env.VIEW_COUNTER);
    faults.fail("get.count", () => new Error("counter down"));
    const s = await createSecret({ maxViews: null });
    expect(await revealVia({ ...env, ...SLOW_FLUSH, VIEW_COUNTER: binding }, s.id)).toEqual({ status: 200, views: 1 });
    expect(faults.calls).toContain("get.count");
    expect(await d1Views(s.id)).toBe(1);
    expect(String(error.mock.calls[0]?.[0])).toContain("view_counter.unavailable");
    expect(String(error.mock.calls[0]?.[0])).not.toContain(s.id);
    error.mockRestore();
  });
});
