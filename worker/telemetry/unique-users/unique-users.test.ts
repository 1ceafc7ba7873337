import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseTelemetryConfig } from "../../../otlp/config.ts";
import { TelemetryPipeline } from "../../../otlp/pipeline.ts";
import { captured, decodeBody } from "../../../otlp/test/receiver.ts";
import { telemetryEnv } from "../../../otlp/test/telemetry-env.ts";
import { HLL_STANDARD_ERROR } from "./hyperloglog.ts";
import { noteUser, resetUniqueUsersClient } from "./unique-users-client.ts";
import { utcDay, type UniqueUsers } from "./unique-users-object.ts";

const ns = env.UNIQUE_USERS;
const ip = (i: number) => `192.0.${(i >> 8) & 255}.${i & 255}`;

describe("UniqueUsers Durable Object", () => {
  it("keeps one salt per UTC day and forgets it, and the sketch, on the next day", async () => {
    const stub = ns.get(ns.idFromName("rotation-test"));
    const today = utcDay();
    const salt = await stub.salt(today);
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(await stub.salt(today)).toBe(salt);
    const first = await stub.merge(today, [[1, 3], [2, 5]]);
    expect(first.estimate).toBe(2);
    expect(first.standardError).toBe(HLL_STANDARD_ERROR);
    const tomorrow = utcDay(Date.now() + 86_400_000);
    const next = await stub.salt(tomorrow);
    expect(next).not.toBe(salt);
    await runInDurableObject(stub, async (_o: UniqueUsers, state) => {
      expect(await state.storage.get("day")).toBe(tomorrow);
      expect(await state.storage.get("registers")).toBeUndefined();
    });
  });

  it("counts distinct clients from the isolate's register updates, stores no IP, and exports the gauge", async () => {
    resetUniqueUsersClient();
    const pipeline = new TelemetryPipeline(parseTelemetryConfig(telemetryEnv({ OTEL_SERVICE_NAME: "unique-users-test" }))!);
    const n = 1_500;
    for (let i = 0; i < n; i++) await noteUser(pipeline, ns, ip(i));
    for (let i = 0; i < 300; i++) await noteUser(pipeline, ns, ip(i)); // returning clients
    const { next } = await captured();
    expect((await pipeline.flush()).metrics?.ok).toBe(true);
    const body = decodeBody((await captured(next)).batches.find((b) => b.signal === "metrics")!);
    expect(body).toContain("moltsecret.users.unique");
    const stub = ns.get(ns.idFromName("global"));
    const { estimate } = await stub.merge(utcDay(), []);
    expect(Math.abs(estimate - n) / n).toBeLessThan(3 * HLL_STANDARD_ERROR);
    await runInDurableObject(stub, async (_o: UniqueUsers, state) => {
      const stored = [...(await state.storage.list()).entries()];
      expect(stored.map(([k]) => k).sort()).toEqual(["day", "registers", "salt"]);
      const text = stored.map(([, v]) => (v instanceof Uint8Array ? new TextDecoder("latin1").decode(v) : String(v))).join("|");
      for (let i = 0; i < n; i += 97) expect(text).not.toContain(ip(i));
    });
  });
});
