import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { alertsPage } from "../traffic.mjs";
import sidecar, { PROMETHEUS_URL_FILE } from "./20-telemetry.mjs";

const KEYS = ["MOLTSECRET_OBS", "OTEL_EXPORTER_OTLP_ENDPOINT", "MOLTSECRET_PROMETHEUS_PORT"] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe("npm start sidecar 20-telemetry", () => {
  it("is skipped (npm start warns and goes on) when turned off or when a real endpoint is configured", async () => {
    process.env.MOLTSECRET_OBS = "0";
    await expect(sidecar.start()).rejects.toThrow(/MOLTSECRET_OBS=0/);
    delete process.env.MOLTSECRET_OBS;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp";
    await expect(sidecar.start()).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it("hands the Worker an endpoint at once, answers metrics 503 until the stand-in is up, then stores them there", async () => {
    delete process.env.MOLTSECRET_OBS;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.MOLTSECRET_PROMETHEUS_PORT = "0";
    const lines: string[] = [];
    const handle = await sidecar.start({ say: (line: string) => lines.push(line) });
    try {
      const endpoint = handle.vars.OTEL_EXPORTER_OTLP_ENDPOINT as string;
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const post = (signal: string) => fetch(`${endpoint}/v1/${signal}`, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: new Uint8Array() });
      const early = await post("metrics");
      const { url } = await handle.bringUp();
      // Unless the stand-in came up before the first request could be answered (binaries cached, idle machine).
      expect([503, 200]).toContain(early.status);
      expect(readFileSync(PROMETHEUS_URL_FILE, "utf8")).toBe(url);
      expect((await fetch(`${url}/-/ready`)).status).toBe(200);
      // An empty OTLP request is valid protobuf: forwarded to vmagent, which accepts it.
      expect((await post("metrics")).status).toBe(200);
      expect((await post("logs")).status).toBe(200);
      expect(lines.join("\n")).toContain(`${url}/classic/alerts`);
      // npm run traffic prints the same page, and it opens.
      expect(alertsPage()).toBe(`${url}/classic/alerts`);
      expect((await fetch(alertsPage()!)).status).toBe(200);
    } finally {
      await handle.stop();
    }
    expect(existsSync(PROMETHEUS_URL_FILE)).toBe(false);
    expect(alertsPage()).toBeNull();
  });
});
