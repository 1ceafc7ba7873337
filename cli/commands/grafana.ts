import { GrafanaError, grafanaTarget, type GrafanaTarget } from "../../grafana/http.ts";
import { UserError } from "../errors.ts";
import { checkCredential } from "../io/credentials.ts";

const SETTINGS_HINT = "pass --grafana-url and --token, or set GRAFANA_URL (e.g. https://<stack>.grafana.net) and GRAFANA_TOKEN (a service account token with the Editor role)";

/** The Grafana instance to push to, with every missing or malformed setting a user error. */
export function grafanaFrom(opts: { grafanaUrl?: string; token?: string }, env: NodeJS.ProcessEnv): GrafanaTarget {
  const url = opts.grafanaUrl ?? env.GRAFANA_URL;
  const token = opts.token ?? env.GRAFANA_TOKEN;
  if (!url) throw new UserError("no Grafana URL", { hint: SETTINGS_HINT });
  if (!token) throw new UserError("no Grafana token", { hint: SETTINGS_HINT });
  checkCredential(token, opts.token !== undefined ? "--token" : "GRAFANA_TOKEN");
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new UserError(`invalid Grafana URL "${url.slice(0, 80)}": not an http(s) URL`, { hint: SETTINGS_HINT });
  }
  return grafanaTarget({ url, token }, {});
}

/** Turns a Grafana refusal or an unreachable instance into a one-line user error with a hint. */
export async function withGrafana<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GrafanaError) {
      const hint = err.status === 401 || err.status === 403
        ? "the service account token needs the Editor role (Administration > Users and access > Service accounts)"
        : "check --grafana-url points at the Grafana instance (e.g. https://<stack>.grafana.net)";
      throw new UserError(err.message, { hint, cause: err });
    }
    if (err instanceof TypeError) throw new UserError(`cannot reach Grafana: ${err.message}`, { hint: "check --grafana-url and the network", cause: err });
    throw err;
  }
}
