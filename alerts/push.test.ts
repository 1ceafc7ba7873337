import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GRAFANA_IDS } from "../catalog/index.ts";
import { startFakeGrafana, type FakeGrafana } from "../grafana/test/fake-grafana.ts";
import { pushAlerts } from "./push.ts";
import { ALL_ALERTS, RULE_GROUPS } from "./rules/index.ts";

const TOKEN = "glsa_alerts_test_token";
let grafana: FakeGrafana;

beforeEach(async () => {
  grafana = await startFakeGrafana(TOKEN);
});
afterEach(async () => {
  await grafana.close();
});

describe("pushAlerts against a Grafana stand-in on 127.0.0.1", () => {
  it("creates every rule through the provisioning API, editable in the UI, then sets each group's interval", async () => {
    const result = await pushAlerts({ url: grafana.url, token: TOKEN }, { datasourceUid: "grafanacloud-test-prom" });
    expect(result.created.sort()).toEqual(ALL_ALERTS.map((a) => a.name).sort());
    expect(result.updated).toEqual([]);
    expect(grafana.rules.size).toBe(ALL_ALERTS.length);
    const writes = grafana.requests.filter((r) => r.method !== "GET" && r.path.startsWith("/api/v1/provisioning/"));
    for (const w of writes) expect(w.headers["x-disable-provenance"]).toBe("true");
    for (const rule of grafana.rules.values()) {
      expect(rule.folderUID).toBe(GRAFANA_IDS.folderUid);
      expect((rule.data as Array<{ datasourceUid: string }>)[0]?.datasourceUid).toBe("grafanacloud-test-prom");
    }
    expect([...grafana.groups.keys()].sort()).toEqual(RULE_GROUPS.map((g) => `${GRAFANA_IDS.folderUid}/${g.name}`).sort());
    for (const g of grafana.groups.values()) expect(g.interval).toBe(60);
    expect(result.contactPoints).toEqual([]);
    expect(grafana.policy).toBeNull();
  });

  it("a second push updates the same rules instead of duplicating them", async () => {
    await pushAlerts({ url: grafana.url, token: TOKEN });
    const again = await pushAlerts({ url: grafana.url, token: TOKEN });
    expect(again.created).toEqual([]);
    expect(again.updated).toHaveLength(ALL_ALERTS.length);
    expect(grafana.rules.size).toBe(ALL_ALERTS.length);
  });

  it("with the pager key and chat webhook, provisions both contact points and routes critical|page and warning|ticket", async () => {
    const result = await pushAlerts({ url: grafana.url, token: TOKEN }, { pagerKey: "pd-key-123", chatWebhook: "https://hooks.slack.test/T/B/x" });
    expect(result.contactPoints).toEqual([GRAFANA_IDS.pagerContactPoint, GRAFANA_IDS.chatContactPoint]);
    expect(grafana.contactPoints.get(GRAFANA_IDS.pagerContactPoint)?.settings).toMatchObject({ integrationKey: "pd-key-123" });
    expect(grafana.contactPoints.get(GRAFANA_IDS.chatContactPoint)?.settings).toMatchObject({ url: "https://hooks.slack.test/T/B/x" });
    expect(grafana.policy).toMatchObject({
      receiver: GRAFANA_IDS.chatContactPoint,
      routes: [
        { receiver: GRAFANA_IDS.pagerContactPoint, object_matchers: [["severity", "=~", "critical|page"]] },
        { receiver: GRAFANA_IDS.chatContactPoint, object_matchers: [["severity", "=~", "warning|ticket"]] },
      ],
    });
    // A second push updates the contact points in place.
    await pushAlerts({ url: grafana.url, token: TOKEN }, { pagerKey: "pd-key-456", chatWebhook: "https://hooks.slack.test/T/B/y" });
    expect(grafana.contactPoints.size).toBe(2);
    expect(grafana.contactPoints.get(GRAFANA_IDS.pagerContactPoint)?.settings).toMatchObject({ integrationKey: "pd-key-456" });
  });
});
