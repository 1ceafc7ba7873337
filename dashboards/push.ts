import { GRAFANA_IDS } from "../catalog/index.ts";
import { DASHBOARDS } from "./index.ts";
import { ensureFolder, grafanaClient, type GrafanaTarget } from "../grafana/http.ts";

export interface PushedDashboard {
  readonly uid: string;
  readonly title: string;
  readonly url: string;
  readonly version: number;
}

/**
 * Uploads every dashboard into the MoltSecret folder (created if missing) with overwrite, so a push
 * replaces the previous version of the same uid (POST /api/dashboards/db).
 */
export async function pushDashboards(target: GrafanaTarget, options: { folderUid?: string; folderTitle?: string; message?: string } = {}): Promise<PushedDashboard[]> {
  const request = grafanaClient(target);
  const folderUid = options.folderUid ?? GRAFANA_IDS.folderUid;
  await ensureFolder(request, folderUid, options.folderTitle ?? GRAFANA_IDS.folderTitle);
  const pushed: PushedDashboard[] = [];
  for (const build of Object.values(DASHBOARDS)) {
    const dashboard = JSON.parse(JSON.stringify(build())) as { uid: string; title: string };
    const res = await request<{ uid: string; url: string; version: number }>("POST", "/api/dashboards/db", {
      body: { dashboard: { ...dashboard, id: null }, folderUid, overwrite: true, message: options.message ?? "moltsecret dashboards push" },
    });
    pushed.push({ uid: res.json.uid ?? dashboard.uid, title: dashboard.title, url: `${target.url}${res.json.url ?? ""}`, version: res.json.version });
  }
  return pushed;
}
