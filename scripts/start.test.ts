import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

// Inside this engineer's port range (18700-18749); 18700 is left for manual runs.
const PORT = 18701;
const base = `http://127.0.0.1:${PORT}`;
const state = mkdtempSync(join(tmpdir(), "moltsecret-start-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

it("npm start applies migrations, serves the API on 127.0.0.1, prints the curl examples, and stops on SIGTERM", async () => {
  const child = spawn(process.execPath, ["scripts/start.mjs"], { env: { ...process.env, PORT: String(PORT), PERSIST_TO: state }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const deadline = Date.now() + 50_000;
    while (!output.includes("ready on") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain("0000_init.sql");
    expect(output).toContain(`MoltSecret API ready on ${base}`);
    expect(output).toContain(`curl -s -X POST ${base}/api/secrets`);

    const created = await fetch(`${base}/api/secrets`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0" }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await fetch(`${base}/api/secrets/${id}`)).status).toBe(200);
    expect(await (await fetch(`${base}/api/secrets/${id}/reveal`, { method: "POST" })).json()).toMatchObject({ ciphertext: "c2VjcmV0", views: 1 });
    expect(output).not.toContain(id);
  } finally {
    child.kill("SIGTERM");
  }
  await exited;
  await expect(fetch(`${base}/healthz`)).rejects.toThrow();
}, 60_000);
