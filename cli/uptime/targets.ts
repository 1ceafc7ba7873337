import { UPTIME } from "../../catalog/index.ts";
import { UserError } from "../errors.ts";
import { checkCredential } from "../io/credentials.ts";

export const CLOUDFLARE_API_BASE = "https://api.cloudflare.com/client/v4";
export const BETTERSTACK_API_BASE = "https://uptime.betterstack.com";

/** The Worker's public health URL, checked: the probes call it from the internet, so https and a real host only. */
export function healthUrlOf(publicUrl: string | undefined): URL {
  if (!publicUrl) {
    throw new UserError("no public URL of the Worker given", { hint: "pass --url https://api.example.com (or set MOLTSECRET_PUBLIC_URL): the custom domain the API is served on" });
  }
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch {
    throw new UserError(`--url is not a URL: ${JSON.stringify(publicUrl)}`, { hint: "give the API's origin, e.g. https://api.example.com" });
  }
  if (base.protocol !== "https:") throw new UserError(`--url must be https, not ${base.protocol.replace(":", "")}`, { hint: "Cloudflare serves the Worker over HTTPS; the probes check that" });
  if (base.search || base.hash || base.username) throw new UserError("--url must be a plain origin (no query, fragment or credentials)", { hint: "e.g. https://api.example.com" });
  return new URL(UPTIME.healthPath, base.origin);
}

export interface CloudflareTarget {
  token: string;
  zoneId: string;
  baseUrl: string;
}

export interface BetterStackTarget {
  token: string;
  baseUrl: string;
  /** Escalation policy for the monitor's incidents; without it Better Stack emails and pushes the team. */
  policyId?: string;
}

const ZONE_ID = /^[0-9a-f]{32}$/;

/** Cloudflare's token and zone from flags or the environment (wrangler's variable names); null when not asked for. */
export function cloudflareTarget(env: NodeJS.ProcessEnv, zoneFlag: string | undefined): CloudflareTarget {
  const token = checkCredential(env.CLOUDFLARE_API_TOKEN, "CLOUDFLARE_API_TOKEN");
  if (!token) throw new UserError("CLOUDFLARE_API_TOKEN is not set", { hint: "create an API token with the zone permission 'Health Checks Write' and export CLOUDFLARE_API_TOKEN, or pass --only betterstack" });
  const zoneId = zoneFlag ?? env.CLOUDFLARE_ZONE_ID;
  if (!zoneId) throw new UserError("no Cloudflare zone given", { hint: "pass --zone-id or set CLOUDFLARE_ZONE_ID (dashboard: the zone's Overview page, API section)" });
  if (!ZONE_ID.test(zoneId)) throw new UserError("the Cloudflare zone id is not 32 hex characters", { hint: "copy the Zone ID from the zone's Overview page" });
  return { token, zoneId, baseUrl: (env.CLOUDFLARE_API_BASE_URL || CLOUDFLARE_API_BASE).replace(/\/+$/, "") };
}

export function betterStackTarget(env: NodeJS.ProcessEnv): BetterStackTarget {
  const token = checkCredential(env.BETTERSTACK_API_TOKEN, "BETTERSTACK_API_TOKEN");
  if (!token) throw new UserError("BETTERSTACK_API_TOKEN is not set", { hint: "copy the Uptime API token (Better Stack: Settings > API tokens) into BETTERSTACK_API_TOKEN, or pass --only cloudflare" });
  const policyId = env.BETTERSTACK_POLICY_ID || undefined;
  return { token, baseUrl: (env.BETTERSTACK_API_BASE_URL || BETTERSTACK_API_BASE).replace(/\/+$/, ""), ...(policyId ? { policyId } : {}) };
}
