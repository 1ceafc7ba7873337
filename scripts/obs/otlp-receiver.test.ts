import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver } from "./otlp-receiver.mjs";

let receiver: { url: string; batches: unknown[]; close: () => Promise<void> };
const post = (path: string, body = "x") => fetch(`${receiver.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ resourceLogs: [], body }) });
const capturedIn = async (scope: string) => (await (await fetch(`${receiver.url}/scope/${scope}/captured`)).json()) as { next: number; batches: Array<{ signal: string; mode: string }> };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe("otlp-receiver scopes: test files sharing one receiver never see or switch each other's exports", () => {
  it("keeps each scope's batches and mode to itself; the unscoped receiver sees everything and keeps its own mode", async () => {
    expect((await fetch(`${receiver.url}/scope/file-a/mode`, { method: "PUT", body: "fail" })).status).toBe(204);
    expect((await post("/scope/file-a/v1/logs")).status).toBe(500);
    expect((await post("/scope/file-b/v1/logs")).status).toBe(200);
    expect((await post("/v1/traces")).status).toBe(200);
    const [a, b] = [await capturedIn("file-a"), await capturedIn("file-b")];
    expect(a.batches.map((x) => [x.signal, x.mode])).toEqual([["logs", "fail"]]);
    expect(b.batches.map((x) => [x.signal, x.mode])).toEqual([["logs", "ok"]]);
    expect(a.next).toBe(1);
    expect(receiver.batches).toHaveLength(3);
    expect((await capturedIn("file-c")).batches).toEqual([]);
  });
});
