import { describe, expect, it } from "vitest";
import type { SecretRow } from "../db/schema.ts";
import type { NewSecret, QueryInfo, QueryObserver, SecretStore } from "./store.ts";

/** How a contract run gets stores: each call may open a separate connection to the same database. */
export interface StoreFactory {
  open(observer?: QueryObserver): Promise<SecretStore>;
}

const HOUR = 3_600_000;
const CONCURRENT_REVEALS = 50;
/** Connections the concurrent reveals are spread over (one D1 binding, or many libSQL clients on one file). */
const CONNECTIONS = 10;

const newId = () => `contract-${crypto.randomUUID()}`;

function secret(now: number, overrides: Partial<NewSecret> = {}): NewSecret {
  return {
    id: newId(),
    ciphertext: `ct-${crypto.randomUUID()}`,
    deleteTokenHash: "a".repeat(64),
    createdAt: now,
    expiresAt: now + HOUR,
    maxViews: 1,
    ...overrides,
  };
}

async function purgeAll(store: SecretStore, now: number): Promise<void> {
  while ((await store.purge(now, 500)) > 0);
}

/** The behaviour every SecretStore must have; run on D1 inside workerd and on libSQL in Node. */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`SecretStore contract: ${name}`, () => {
    const now = Date.now();

    it("creates a secret and returns its public metadata", async () => {
      const store = await factory.open();
      const s = secret(now, { maxViews: 3 });
      await store.create(s);
      expect(await store.getMetadata(s.id, now)).toEqual({ id: s.id, createdAt: now, expiresAt: now + HOUR, maxViews: 3, views: 0 });
    });

    it("rejects a duplicate id", async () => {
      const store = await factory.open();
      const s = secret(now);
      await store.create(s);
      await expect(store.create(s)).rejects.toThrow();
    });

    it("returns null metadata for unknown and expired secrets", async () => {
      const store = await factory.open();
      const s = secret(now);
      await store.create(s);
      expect(await store.getMetadata(newId(), now)).toBeNull();
      expect(await store.getMetadata(s.id, s.expiresAt)).toBeNull();
      expect(await store.getMetadata(s.id, s.expiresAt - 1)).not.toBeNull();
    });

    it("reveals a one-time secret once, then burns it", async () => {
      const store = await factory.open();
      const s = secret(now);
      await store.create(s);
      expect(await store.reveal(s.id, now)).toEqual({ ciphertext: s.ciphertext, views: 1, maxViews: 1, burned: true });
      expect(await store.reveal(s.id, now)).toBeNull();
      expect(await store.getMetadata(s.id, now)).toBeNull();
      const [row] = (await store.scan(s.id.slice(0, -1), 1000)).filter((r) => r.id === s.id);
      expect(row).toMatchObject({ id: s.id, ciphertext: null, burnedAt: now, views: 1 });
    });

    it("counts views up to maxViews and burns on the last one", async () => {
      const store = await factory.open();
      const s = secret(now, { maxViews: 3 });
      await store.create(s);
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.reveal(s.id, now));
      expect(results.map((r) => r && [r.views, r.burned])).toEqual([[1, false], [2, false], [3, true], null]);
      expect(results.slice(0, 3).every((r) => r?.ciphertext === s.ciphertext)).toBe(true);
    });

    it("never burns an unlimited secret; it lives until expiry", async () => {
      const store = await factory.open();
      const s = secret(now, { maxViews: null });
      await store.create(s);
      for (let i = 1; i <= 5; i++) expect(await store.reveal(s.id, now)).toEqual({ ciphertext: s.ciphertext, views: i, maxViews: null, burned: false });
      expect(await store.reveal(s.id, s.expiresAt)).toBeNull();
    });

    it("does not reveal unknown or expired secrets, and an expired reveal counts nothing", async () => {
      const store = await factory.open();
      const s = secret(now, { maxViews: 2 });
      await store.create(s);
      expect(await store.reveal(newId(), now)).toBeNull();
      expect(await store.reveal(s.id, s.expiresAt + 1)).toBeNull();
      expect((await store.getMetadata(s.id, now))?.views).toBe(0);
    });

    for (const maxViews of [1, 5]) {
      it(`gives exactly ${maxViews} of ${CONCURRENT_REVEALS} concurrent reveals the ciphertext (maxViews=${maxViews})`, async () => {
        const stores = await Promise.all(Array.from({ length: CONNECTIONS }, () => factory.open()));
        const s = secret(now, { maxViews });
        await stores[0]!.create(s);
        const results = await Promise.all(Array.from({ length: CONCURRENT_REVEALS }, (_, i) => stores[i % CONNECTIONS]!.reveal(s.id, now)));
        const wins = results.filter((r) => r !== null);
        expect(wins).toHaveLength(maxViews);
        expect(wins.every((r) => r.ciphertext === s.ciphertext)).toBe(true);
        expect(wins.map((r) => r.views).sort((a, b) => a - b)).toEqual(Array.from({ length: maxViews }, (_, i) => i + 1));
        expect(wins.filter((r) => r.burned)).toHaveLength(1);
        const [row] = (await stores[0]!.scan(s.id.slice(0, -1), 1000)).filter((r) => r.id === s.id);
        expect(row).toMatchObject({ views: maxViews, ciphertext: null, burnedAt: now });
      });
    }

    it("peeks at a live secret's content without counting a view; limitedOnly reveals leave unlimited secrets alone", async () => {
      const store = await factory.open();
      const s = secret(now, { maxViews: null });
      await store.create(s);
      await store.reveal(s.id, now);
      for (let i = 0; i < 2; i++) expect(await store.peekContent(s.id, now)).toEqual({ ciphertext: s.ciphertext, views: 1, maxViews: null, expiresAt: s.expiresAt });
      expect(await store.peekContent(s.id, s.expiresAt)).toBeNull();
      expect(await store.peekContent(newId(), now)).toBeNull();
      expect(await store.reveal(s.id, now, { limitedOnly: true })).toBeNull();
      expect((await store.getMetadata(s.id, now))?.views).toBe(1);
      const once = secret(now, { maxViews: 1 });
      await store.create(once);
      expect(await store.reveal(once.id, now, { limitedOnly: true })).toEqual({ ciphertext: once.ciphertext, views: 1, maxViews: 1, burned: true });
      expect(await store.peekContent(once.id, now)).toBeNull();
    });

    it("adds write-behind views to unlimited live secrets only, many ids in one call", async () => {
      const store = await factory.open();
      const unlimited = Array.from({ length: 60 }, () => secret(now, { maxViews: null }));
      const limited = secret(now, { maxViews: 5 });
      const expired = secret(now - 2 * HOUR, { maxViews: null, expiresAt: now - HOUR });
      for (const s of [...unlimited, limited, expired]) await store.create(s);
      const counts = new Map<string, number>(unlimited.map((s, i) => [s.id, i + 1]));
      counts.set(limited.id, 3).set(expired.id, 3).set(newId(), 7).set(unlimited[0]!.id, 0);
      await store.addViews(counts, now);
      await store.addViews(new Map([[unlimited[1]!.id, 10]]), now);
      const views = await Promise.all(unlimited.map(async (s) => (await store.getMetadata(s.id, now))?.views));
      expect(views).toEqual(unlimited.map((_, i) => (i === 0 ? 0 : i === 1 ? 12 : i + 1)));
      expect((await store.getMetadata(limited.id, now))?.views).toBe(0);
      await store.addViews(new Map(), now);
    });

    it("finds ids again from their prefixes, in one statement, and nothing for unknown prefixes", async () => {
      const store = await factory.open();
      const rows = Array.from({ length: 5 }, () => secret(now, { maxViews: null }));
      for (const s of rows) await store.create(s);
      // Test ids share a "contract-" head: take enough characters to tell them apart.
      const prefix = (id: string) => id.slice(0, id.length - 8);
      const found = await store.idsWithPrefixes([prefix(rows[0]!.id), prefix(rows[3]!.id), prefix(rows[3]!.id), "~~~~~~~~", ""]);
      expect(found.sort()).toEqual([rows[0]!.id, rows[3]!.id].sort());
      expect(await store.idsWithPrefixes([])).toEqual([]);
    });

    it("returns the delete token hash of live secrets only, and burns once", async () => {
      const store = await factory.open();
      const s = secret(now, { deleteTokenHash: "f".repeat(64), maxViews: null });
      await store.create(s);
      expect(await store.getDeleteTokenHash(s.id, now)).toBe("f".repeat(64));
      expect(await store.getDeleteTokenHash(newId(), now)).toBeNull();
      expect(await store.burn(s.id, now)).toBe(true);
      expect(await store.burn(s.id, now)).toBe(false);
      expect(await store.burn(newId(), now)).toBe(false);
      expect(await store.getDeleteTokenHash(s.id, now)).toBeNull();
      expect(await store.getMetadata(s.id, now)).toBeNull();
      expect(await store.reveal(s.id, now)).toBeNull();
    });

    it("burns with the right delete token hash only, in one round trip, and tells a wrong token from a gone secret", async () => {
      const store = await factory.open();
      const s = secret(now, { deleteTokenHash: "a".repeat(64), maxViews: null });
      await store.create(s);
      expect(await store.burnWithToken(s.id, "b".repeat(64), now)).toBe("forbidden");
      expect(await store.getMetadata(s.id, now)).not.toBeNull();
      expect(await store.burnWithToken(s.id, "a".repeat(64), now)).toBe("burned");
      expect(await store.getMetadata(s.id, now)).toBeNull();
      expect(await store.burnWithToken(s.id, "a".repeat(64), now)).toBe("not_found");
      expect(await store.burnWithToken(newId(), "a".repeat(64), now)).toBe("not_found");
      const expired = secret(now, { deleteTokenHash: "c".repeat(64), expiresAt: now + 1 });
      await store.create(expired);
      expect(await store.burnWithToken(expired.id, "c".repeat(64), now + 2)).toBe("not_found");
    });

    it("purges expired and burned rows in bounded chunks and keeps live ones", async () => {
      const store = await factory.open();
      const later = now + 10 * HOUR;
      const expired = Array.from({ length: 5 }, () => secret(now, { expiresAt: later - 1 }));
      const burned = secret(now, { expiresAt: later + HOUR });
      const alive = secret(now, { expiresAt: later + HOUR });
      for (const s of [...expired, burned, alive]) await store.create(s);
      await store.burn(burned.id, now);
      expect(await store.purge(later, 2)).toBe(2);
      await purgeAll(store, later);
      expect(await store.purge(later, 2)).toBe(0);
      const ids = new Set((await store.scan("", 100_000)).map((r) => r.id));
      for (const s of [...expired, burned]) expect(ids.has(s.id)).toBe(false);
      expect(ids.has(alive.id)).toBe(true);
    });

    it("scans rows in id order and upserts them idempotently (copy between databases)", async () => {
      const store = await factory.open();
      const prefix = `scan-${crypto.randomUUID()}-`;
      const rows: SecretRow[] = Array.from({ length: 30 }, (_, i) => ({
        id: `${prefix}${String(i).padStart(3, "0")}`,
        ciphertext: i % 3 === 0 ? null : `ct-${i}`,
        deleteTokenHash: "b".repeat(64),
        createdAt: now,
        expiresAt: now + HOUR,
        maxViews: i % 2 === 0 ? null : i,
        views: i,
        burnedAt: i % 3 === 0 ? now : null,
      }));
      await store.upsertRows(rows);
      await store.upsertRows(rows);
      await store.upsertRows([{ ...rows[1]!, views: 99 }]);
      await store.upsertRows([]);
      const copied: SecretRow[] = [];
      let after = prefix;
      for (;;) {
        const page = (await store.scan(after, 7)).filter((r) => r.id.startsWith(prefix));
        if (page.length === 0) break;
        copied.push(...page);
        after = page.at(-1)!.id;
      }
      expect(copied).toEqual(rows.map((r, i) => (i === 1 ? { ...r, views: 99 } : r)));
    });

    it("answers ping", async () => {
      const store = await factory.open();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("reports every round trip to the observer by name, never with SQL or values", async () => {
      const seen: QueryInfo[] = [];
      const store = await factory.open((info) => seen.push(info));
      const s = secret(now, { maxViews: 2 });
      await store.create(s);
      await store.getMetadata(s.id, now);
      await store.reveal(s.id, now);
      expect(seen.map((i) => [i.name, i.operation, i.statements])).toEqual([
        ["secrets.create", "write", 1],
        ["secrets.get_metadata", "read", 1],
        ["secrets.reveal", "write", 2],
      ]);
      for (const info of seen) {
        expect(info.clientMs).toBeGreaterThanOrEqual(0);
        expect(JSON.stringify(info)).not.toContain(s.id);
        expect(JSON.stringify(info)).not.toContain(s.ciphertext);
      }
      expect(seen[0]!.rowsWritten).toBeGreaterThanOrEqual(1);
    });

    it("keeps working when the observer throws", async () => {
      const store = await factory.open(() => {
        throw new Error("observer bug");
      });
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
