import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWorkerName, readWranglerConfig } from "./wrangler-config.ts";
import { WRANGLER_TOML } from "../test/local-d1-fixture.ts";

describe("wrangler config", () => {
  it("the quick name reader agrees with wrangler's parser on the repo's config", async () => {
    const full = await readWranglerConfig(WRANGLER_TOML);
    expect(readWorkerName(WRANGLER_TOML)).toBe(full.workerName);
    expect(full.d1).toMatchObject({ binding: "DB", databaseName: "moltsecret" });
  });

  it("ignores a name inside a table and reads JSON configs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "moltsecret-cfg-"));
    await writeFile(join(dir, "a.toml"), '[vars]\nname = "not-me"\n');
    await writeFile(join(dir, "b.json"), '{ "name": "json-worker" }');
    expect(readWorkerName(join(dir, "a.toml"))).toBeNull();
    expect(readWorkerName(join(dir, "b.json"))).toBe("json-worker");
    expect(readWorkerName(join(dir, "missing.toml"))).toBeNull();
  });

  it("reads the fields wrangler's own parser reads, without loading wrangler", async () => {
    const { experimental_readRawConfig } = await import("wrangler");
    const { rawConfig } = experimental_readRawConfig({ config: WRANGLER_TOML });
    const mine = await readWranglerConfig(WRANGLER_TOML);
    const d1 = (rawConfig.d1_databases ?? [])[0]!;
    expect(mine).toMatchObject({ workerName: rawConfig.name, compatibilityDate: rawConfig.compatibility_date, d1: { binding: d1.binding, databaseName: d1.database_name, databaseId: d1.database_id } });
    const dir = await mkdtemp(join(tmpdir(), "moltsecret-cfg-"));
    await writeFile(join(dir, "w.jsonc"), '{\n  // comment\n  "name": "j", "compatibility_date": "2026-05-01",\n  "d1_databases": [{ "binding": "DB", "database_name": "x", "database_id": "id-1" }], /* trailing */\n}');
    expect((await readWranglerConfig(join(dir, "w.jsonc"))).d1).toMatchObject({ binding: "DB", databaseName: "x", databaseId: "id-1" });
  });

  it("names a missing binding with the ones that exist", async () => {
    await expect(readWranglerConfig(WRANGLER_TOML, "NOPE")).rejects.toThrow(/no \[\[d1_databases\]\] binding "NOPE"/);
  });
});
