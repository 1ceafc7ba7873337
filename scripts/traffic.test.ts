import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker, type LocalWorker } from "./test/local-worker.ts";
import { stopAllServices } from "./obs/service.mjs";
import { parseDuration, runScenario } from "./traffic.mjs";

type Result = { sent: number; counts: Record<string, number> };
let p: LocalWorker;

beforeAll(async () => {
  p = await startLocalWorker();
}, 180_000);
afterAll(async () => {
  await p?.stop();
  await stopAllServices();
});

describe("npm run traffic: bounded scenarios against the real local Worker", () => {
  it("caps durations at one hour and rejects nonsense", () => {
    expect(parseDuration("12m")).toBe(720_000);
    expect(parseDuration("30")).toBe(30_000);
    expect(parseDuration("9h")).toBe(3_600_000);
    expect(() => parseDuration("soon")).toThrow(/bad duration/);
  });

  it("errors: real 5xx from the Worker while D1 is write-locked, then the lock is released", async () => {
    const d1File = p.d1File();
    // Starts inside a 1 s locked window of a 4 s cycle: enough requests to reach the unlocked part.
    const r = (await runScenario("errors", { url: p.url, duration: 4000, concurrency: 2, maxRequests: 400, d1File })) as Result;
    expect(r.sent, JSON.stringify(r.counts)).toBeLessThanOrEqual(400);
    expect(r.counts["500"] ?? 0).toBeGreaterThan(0);
    expect(r.counts["200"] ?? 0).toBeGreaterThan(0);
    const after = await fetch(`${p.url}/api/secrets`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.5" }, body: JSON.stringify({ ciphertext: "after", ttlSeconds: 60, maxViews: 1 }) });
    expect(after.status).toBe(201);
  });

  it("growth: large creates make the local D1 file grow, within the request bound", async () => {
    const file = p.d1File();
    // The database's size as SQLite counts it (WAL included): file sizes mislead once a checkpoint reuses the WAL.
    const onDisk = async () => {
      const db = createClient({ url: `file:${file}` });
      try {
        const { rows } = await db.execute("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()");
        return Number(rows[0]!.size);
      } finally {
        db.close();
      }
    };
    const before = await onDisk();
    const r = (await runScenario("growth", { url: p.url, duration: 10_000, concurrency: 2, maxRequests: 30 })) as Result;
    expect(r.sent).toBe(30);
    expect(r.counts["201"]).toBe(30);
    expect(await onDisk()).toBeGreaterThan(before + 30 * 60_000);
  });

  it("slow: concurrent large creates, bounded by time", async () => {
    const started = Date.now();
    const r = (await runScenario("slow", { url: p.url, duration: 3000, concurrency: 4, maxRequests: 1000 })) as Result;
    expect(Date.now() - started).toBeLessThan(3000 + 35_000);
    expect(r.counts["201"] ?? 0).toBeGreaterThan(0);
  });

  it("refuses to run without a Worker", async () => {
    await expect(runScenario("slow", { url: "http://127.0.0.1:9", duration: 1000 })).rejects.toThrow(/npm start/);
  });
});
