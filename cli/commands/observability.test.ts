import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGrafana, type FakeGrafana } from "../../grafana/test/fake-grafana.ts";
import { ALL_ALERTS } from "../../alerts/rules/index.ts";
import { moltsecret } from "../test/bin.ts";

const REPO = resolve(import.meta.dirname, "../..");
const TOKEN = "glsa_cli_test";

let grafana: FakeGrafana;
beforeAll(async () => {
  grafana = await startFakeGrafana(TOKEN);
});
afterAll(async () => {
  await grafana.close();
});

describe("moltsecret dashboards|alerts build|push (the bin, as a subprocess)", () => {
  it("dashboards build and alerts build write the generated files, identical to the committed ones", async () => {
    const out = mkdtempSync(join(tmpdir(), "moltsecret-cli-"));
    const d = await moltsecret(["dashboards", "build", "--out", out]);
    const a = await moltsecret(["alerts", "build", "--out", out]);
    expect([d.code, a.code]).toEqual([0, 0]);
    for (const dir of ["dashboards/generated", "alerts/generated/prometheus"]) {
      for (const f of readdirSync(join(out, dir))) expect(readFileSync(join(out, dir, f), "utf8")).toBe(readFileSync(join(REPO, dir, f), "utf8"));
    }
  });

  it("dashboards push uploads to GRAFANA_URL with GRAFANA_TOKEN", async () => {
    const res = await moltsecret(["dashboards", "push"], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/pushed MoltSecret \/ Service health \(uid moltsecret-service-health, version 1\)/);
    expect(grafana.dashboards.size).toBe(4);
  });

  it("alerts push with flags creates every rule and, with both secrets, the contact points and policy", async () => {
    const res = await moltsecret(["alerts", "push", "--grafana-url", grafana.url, "--token", TOKEN, "--pager-key", "k", "--chat-webhook", "https://hooks.example/x"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`rules created: ${ALL_ALERTS.length}, updated: 0`);
    expect(grafana.policy).not.toBeNull();
  });

  it("a missing token or a refused one is a user error (exit 3) with a hint, not a stack trace", async () => {
    const missing = await moltsecret(["dashboards", "push", "--grafana-url", grafana.url]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^moltsecret: no Grafana token/);
    const refused = await moltsecret(["alerts", "push", "--grafana-url", grafana.url, "--token", "nope"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("answered 401");
    expect(refused.stderr).toContain("hint:");
    expect(refused.stderr).not.toContain("    at ");
  });
});
