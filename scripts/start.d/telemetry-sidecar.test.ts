import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import sidecar from "./20-telemetry.mjs";

const saved = { obs: process.env.MOLTSECRET_OBS, vm: process.env.MOLTSECRET_VM_URL, otel: process.env.OTEL_EXPORTER_OTLP_ENDPOINT };
afterEach(() => {
  for (const [key, value] of [["MOLTSECRET_OBS", saved.obs], ["MOLTSECRET_VM_URL", saved.vm], ["OTEL_EXPORTER_OTLP_ENDPOINT", saved.otel]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
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

  it("starts VictoriaMetrics and the receiver, and hands the Worker an endpoint that reaches both", async () => {
    delete process.env.MOLTSECRET_OBS;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const handle = await sidecar.start();
    try {
      const endpoint = handle.vars.OTEL_EXPORTER_OTLP_ENDPOINT as string;
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(process.env.MOLTSECRET_VM_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${process.env.MOLTSECRET_VM_URL}/health`)).status).toBe(200);
      // An empty OTLP request is valid protobuf: the receiver forwards metrics to VictoriaMetrics, which accepts it.
      const metrics = await fetch(`${endpoint}/v1/metrics`, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: new Uint8Array() });
      expect(metrics.status).toBe(200);
      const logs = await fetch(`${endpoint}/v1/logs`, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: new Uint8Array() });
      expect(logs.status).toBe(200);
    } finally {
      await handle.stop();
    }
  });
});
