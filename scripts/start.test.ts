import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./obs/service.mjs";

const state = mkdtempSync(join(tmpdir(), "moltsecret-start-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

/** Pids of every process that inherited `marker` in its environment: whatever npm start spawned, however deep. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

async function npmStart(port: number) {
  const marker = `MOLTSECRET_START_TEST_RUN=${crypto.randomUUID()}`;
  const [key, value] = marker.split("=") as [string, string];
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), PERSIST_TO: state, MOLTSECRET_PROMETHEUS_PORT: "0", [key]: value },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (text: string | RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof text === "string" ? output.includes(text) : text.test(output));
    while (!seen() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(output, `waiting for ${text}`).toMatch(text);
  };
  return { child, marker, exited, waitFor, output: () => output };
}

describe("npm start", () => {
  it("serves the API, brings the telemetry stand-in up beside it, prints links that open, and stops everything on SIGTERM", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const run = await npmStart(port);
    try {
      await run.waitFor(`MoltSecret API ready on ${base}`, 60_000);
      expect(run.output()).toContain("0000_init.sql");
      expect(run.output()).toContain(`curl -s -X POST ${base}/api/secrets`);
      const created = await fetch(`${base}/api/secrets`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0" }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await fetch(`${base}/api/secrets/${id}`)).status).toBe(200);
      expect(await (await fetch(`${base}/api/secrets/${id}/reveal`, { method: "POST" })).json()).toMatchObject({ ciphertext: "c2VjcmV0", views: 1 });
      expect(run.output()).not.toContain(id);

      await run.waitFor(/sidecar telemetry.* ready after/, 60_000);
      // Every printed UI/API link (curl examples with placeholders aside) answers 200.
      const links = [...new Set(run.output().match(/http:\/\/127\.0\.0\.1:\d+\/classic\/\w+/g) ?? [])];
      expect(links.map((l) => l.replace(/:\d+/, ":PORT")).sort()).toEqual(["alerts", "graph", "rules"].map((p) => `http://127.0.0.1:PORT/classic/${p}`));
      for (const link of links) expect((await fetch(link)).status, link).toBe(200);
      const cli = run.output().match(/--prometheus-url (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      expect((await fetch(`${cli}/api/v1/query?query=up`)).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      run.child.kill("SIGTERM");
    }
    await run.exited;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(processesWith(run.marker)).toEqual([]);
  }, 150_000);

  it("a SIGTERM while it is still starting ends every process it started, then exits", async () => {
    const run = await npmStart(await freePort());
    await run.waitFor("applying D1 migrations", 30_000);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(processesWith(run.marker)).toEqual([]);
  }, 60_000);
});
