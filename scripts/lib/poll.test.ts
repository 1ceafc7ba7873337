import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { httpStatus, pollUntil } from "./poll.mjs";

describe("pollUntil", () => {
  it("returns the first value that is not false, null or undefined", async () => {
    let calls = 0;
    expect(await pollUntil(() => (++calls >= 3 ? "ready" : null), { timeoutMs: 2_000, everyMs: 10 })).toBe("ready");
    expect(calls).toBe(3);
    expect(await pollUntil(() => 0, { timeoutMs: 100 })).toBe(0);
  });

  it("throws after the timeout, naming what it waited for and the detail", async () => {
    const started = Date.now();
    await expect(pollUntil(() => false, { timeoutMs: 200, everyMs: 20, what: "the thing", detail: () => "last words" })).rejects.toThrow(/the thing not met within 200 ms:\nlast words/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("ends with the error of a check that throws", async () => {
    await expect(pollUntil(() => Promise.reject(new Error("exited")), { timeoutMs: 5_000 })).rejects.toThrow("exited");
  });
});

describe("httpStatus", () => {
  it("is the status of an answer, and null where nothing listens", async () => {
    const server = createServer((_, res) => res.writeHead(503).end("later"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      expect(await httpStatus(`http://127.0.0.1:${port}/`)).toBe(503);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await httpStatus(`http://127.0.0.1:${port}/`, { timeoutMs: 500 })).toBeNull();
  });
});
