import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readHistoryFile } from "./history-file.ts";
import { loadNeeds, NEEDS_FILE } from "./needs.ts";

describe("declared needs and size history files", () => {
  it("reads moltsecret.capacity.json from the working directory and adds --need flags", async () => {
    const dir = await mkdtemp(join(tmpdir(), "moltsecret-needs-"));
    expect(loadNeeds(dir, undefined)).toEqual({ complexTransactions: false, multiRegionWrites: false });
    await writeFile(join(dir, NEEDS_FILE), JSON.stringify({ needs: { complexTransactions: true } }));
    expect(loadNeeds(dir, undefined)).toEqual({ complexTransactions: true, multiRegionWrites: false });
    expect(loadNeeds(dir, undefined, ["multi-region-writes"])).toEqual({ complexTransactions: true, multiRegionWrites: true });
    expect(() => loadNeeds(dir, undefined, ["telepathy"])).toThrow(/unknown need "telepathy"/);
    expect(() => loadNeeds(dir, "missing.json")).toThrow(/needs file not found/);
    await writeFile(join(dir, "bad.json"), "{nope");
    expect(() => loadNeeds(dir, "bad.json")).toThrow(expect.objectContaining({ exitCode: 3 }));
  });

  it("reads a size history by date or epoch ms and rejects malformed entries", async () => {
    const dir = await mkdtemp(join(tmpdir(), "moltsecret-history-"));
    const good = join(dir, "good.json");
    await writeFile(good, JSON.stringify([{ date: "2026-11-01", bytes: 10 }, { t: Date.parse("2026-11-02T00:00:00Z"), bytes: 20 }]));
    expect(await readHistoryFile(good)).toEqual([{ t: Date.parse("2026-11-01"), bytes: 10 }, { t: Date.parse("2026-11-02T00:00:00Z"), bytes: 20 }]);
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify([{ date: "someday", bytes: 1 }]));
    await expect(readHistoryFile(bad)).rejects.toThrow(/entry 0 needs "date"/);
    await expect(readHistoryFile(join(dir, "none.json"))).rejects.toThrow(/cannot read size history/);
  });
});
