import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLibsqlStore, type LibsqlSecretStore } from "./libsql-store.ts";
import { storeContract } from "../worker/store/store-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "moltsecret-libsql-"));
const url = `file:${join(dir, "contract.db")}`;
const opened: LibsqlSecretStore[] = [];

storeContract("libSQL (file:, Node)", {
  open: async (observer) => {
    const store = await createLibsqlStore(url, { observer });
    opened.push(store);
    return store;
  },
});

describe("createLibsqlStore", () => {
  it("applies the migrations once and is safe to reopen", async () => {
    const store = await createLibsqlStore(url);
    opened.push(store);
    const applied = await store.client.execute("select count(*) as n from __drizzle_migrations");
    const tables = await store.client.execute("select name from sqlite_master where type = 'table' and name = 'secrets'");
    expect(Number(applied.rows[0]!.n)).toBeGreaterThanOrEqual(1);
    expect(tables.rows).toHaveLength(1);
  });
});

afterAll(() => {
  for (const store of opened) store.close();
  rmSync(dir, { recursive: true, force: true });
});
