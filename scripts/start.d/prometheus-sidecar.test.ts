import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { startVictoriaMetrics } from "../obs/victoria-metrics.mjs";
// @ts-expect-error plain ESM script without types
import sidecar from "./50-prometheus.mjs";

const saved = process.env.MOLTSECRET_VM_URL;
afterAll(() => {
  if (saved === undefined) delete process.env.MOLTSECRET_VM_URL;
  else process.env.MOLTSECRET_VM_URL = saved;
});

describe("npm start sidecar 50-prometheus", () => {
  it("refuses to start without the local VictoriaMetrics (npm start then warns and goes on)", async () => {
    delete process.env.MOLTSECRET_VM_URL;
    await expect(sidecar.start()).rejects.toThrow(/MOLTSECRET_VM_URL/);
  });

  it("starts Prometheus on the local VictoriaMetrics and stops it", async () => {
    const vm = await startVictoriaMetrics();
    try {
      process.env.MOLTSECRET_VM_URL = vm.url;
      const handle = await sidecar.start();
      expect((await fetch(`${handle.url}/-/ready`)).status).toBe(200);
      const rules = (await (await fetch(`${handle.url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
      expect(rules.data.groups.map((g) => g.name)).toContain("moltsecret-slo");
      await handle.stop();
    } finally {
      await vm.stop();
    }
  });
});
