import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GRAFANA_IDS } from "../catalog/index.ts";
import { DASHBOARDS } from "./index.ts";
import { GrafanaError, grafanaTarget } from "../grafana/http.ts";
import { pushDashboards } from "./push.ts";
import { startFakeGrafana, type FakeGrafana } from "../grafana/test/fake-grafana.ts";

const TOKEN = "glsa_test_token_for_fake_grafana";
let grafana: FakeGrafana;

beforeEach(async () => {
  grafana = await startFakeGrafana(TOKEN);
});
afterEach(async () => {
  await grafana.close();
});

describe("pushDashboards against a Grafana stand-in on 127.0.0.1", () => {
  it("creates the folder, then uploads every dashboard into it with overwrite and the bearer token", async () => {
    const pushed = await pushDashboards({ url: grafana.url, token: TOKEN });
    expect(pushed.map((d) => d.uid).sort()).toEqual(Object.values(DASHBOARDS).map((b) => b().uid).sort());
    expect([...grafana.folders.keys()]).toEqual([GRAFANA_IDS.folderUid]);
    expect(grafana.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/folders/${GRAFANA_IDS.folderUid}`,
      "POST /api/folders",
      ...pushed.map(() => "POST /api/dashboards/db"),
    ]);
    for (const r of grafana.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    for (const r of grafana.requests.filter((x) => x.path === "/api/dashboards/db")) {
      expect(r.body).toMatchObject({ folderUid: GRAFANA_IDS.folderUid, overwrite: true, dashboard: { id: null } });
    }
    for (const d of pushed) expect(d.url).toBe(`${grafana.url}/d/${d.uid}/${d.title.toLowerCase().replace(/\W+/g, "-")}`);
  });

  it("a second push overwrites the same uids (new versions, no duplicates) and keeps the folder", async () => {
    await pushDashboards({ url: grafana.url, token: TOKEN });
    const again = await pushDashboards({ url: grafana.url, token: TOKEN });
    expect(again.every((d) => d.version === 2)).toBe(true);
    expect(grafana.dashboards.size).toBe(Object.keys(DASHBOARDS).length);
    expect(grafana.requests.filter((r) => r.path === "/api/folders" && r.method === "POST")).toHaveLength(1);
  });

  it("a wrong token fails with Grafana's status and never echoes the token", async () => {
    const error = await pushDashboards({ url: grafana.url, token: "wrong-token-value" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrafanaError);
    expect((error as GrafanaError).status).toBe(401);
    expect(String((error as Error).message)).not.toContain("wrong-token-value");
  });

  it("reads GRAFANA_URL and GRAFANA_TOKEN, flags win, and says which is missing", () => {
    expect(grafanaTarget({}, { GRAFANA_URL: "https://x.grafana.net/", GRAFANA_TOKEN: "t" })).toEqual({ url: "https://x.grafana.net", token: "t" });
    expect(grafanaTarget({ url: "http://127.0.0.1:1" }, { GRAFANA_URL: "https://x", GRAFANA_TOKEN: "t" }).url).toBe("http://127.0.0.1:1");
    expect(() => grafanaTarget({}, { GRAFANA_TOKEN: "t" })).toThrow(/GRAFANA_URL/);
    expect(() => grafanaTarget({}, { GRAFANA_URL: "https://x" })).toThrow(/GRAFANA_TOKEN/);
  });
});
