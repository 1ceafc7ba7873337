import { UserError } from "../errors.ts";

const TIMEOUT_MS = 15_000;

/** One JSON call to a provider's API; network failures and non-JSON answers become UserErrors naming the provider, never the token. */
export async function callJson(provider: string, url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? "GET",
      headers: { Authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const why = (err as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : (err as Error).message;
    throw new UserError(`${provider} API unreachable (${new URL(url).host}): ${why}`, { hint: "check the network, or the *_API_BASE_URL variable if you set one" });
  }
  if (res.status === 401 || res.status === 403) {
    throw new UserError(`${provider} API refused the token (HTTP ${res.status})`, { hint: provider === "Cloudflare" ? "the token needs the zone permission 'Health Checks Write' on this zone" : "use an Uptime API token of the team that owns the monitors" });
  }
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    throw new UserError(`${provider} API answered HTTP ${res.status} with something that is not JSON`, { hint: "retry later; if it persists, check the provider's status page" });
  }
}
