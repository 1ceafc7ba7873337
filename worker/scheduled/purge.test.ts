import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../index.ts";
import { createStore } from "../store/create-store.ts";
import type { SecretStore } from "../store/store.ts";
import { call, createSecret, expectError, reveal, rowCount, setExpiresAt } from "../test/client.ts";
import { purgeExpired } from "./purge.ts";

describe("expiry and the cron purge", () => {
  it("answers 404 for an expired secret, and the scheduled handler deletes it (and burned ones) from D1", async () => {
    const expired = await createSecret({ maxViews: null });
    const burned = await createSecret();
    const alive = await createSecret();
    expect((await call(`/api/secrets/${expired.id}`)).status).toBe(200);
    await setExpiresAt(expired.id, Date.now() - 1);
    await expectError(await call(`/api/secrets/${expired.id}`), 404, "not_found");
    await expectError(await reveal(expired.id), 404, "not_found");
    expect((await reveal(burned.id)).status).toBe(200);
    expect(await rowCount(expired.id)).toBe(1);
    expect(await rowCount(burned.id)).toBe(1);

    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/10 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const logged = JSON.parse(String(log.mock.calls.at(-1)?.[0])) as { event: string; purged: number };
    log.mockRestore();

    expect(logged.event).toBe("purge");
    expect(logged.purged).toBeGreaterThanOrEqual(2);
    expect(await rowCount(expired.id)).toBe(0);
    expect(await rowCount(burned.id)).toBe(0);
    expect(await rowCount(alive.id)).toBe(1);
  });

  it("purges in bounded chunks: stops at maxChunks and finishes on the next run", async () => {
    const now = Date.now();
    const store = createStore(env);
    await purgeExpired(store, now);
    for (let i = 0; i < 7; i++) {
      await store.create({ id: `purge-${i}-${crypto.randomUUID()}`, ciphertext: "x", deleteTokenHash: "0".repeat(64), createdAt: now - 10, expiresAt: now - 5, maxViews: 1 });
    }
    const chunks: number[] = [];
    const counting: SecretStore = Object.assign(Object.create(store) as SecretStore, {
      purge: async (at: number, limit: number) => {
        const n = await store.purge(at, limit);
        chunks.push(n);
        return n;
      },
    });
    expect(await purgeExpired(counting, now, { chunkRows: 2, maxChunks: 3 })).toBe(6);
    expect(chunks).toEqual([2, 2, 2]);
    expect(await purgeExpired(counting, now, { chunkRows: 2, maxChunks: 3 })).toBe(1);
    expect(chunks.slice(3)).toEqual([1]);
    expect(await purgeExpired(store, now)).toBe(0);
  });
});
