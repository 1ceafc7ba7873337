// The secrets API as the bench drives it: request shapes for autocannon and a few direct calls.
import type { LoadRequest } from "./load.ts";

/**
 * Rate limits raised far above any bench load: the limiter Durable Object is still called on every create
 * and reveal (as in production), it just never says no. 0 would skip it and make the path unrealistically short.
 */
export const UNLIMITED_RATE_VARS = {
  RATE_LIMIT_CREATE_PER_MINUTE: "1000000000",
  RATE_LIMIT_REVEAL_PER_MINUTE: "1000000000",
  RATE_LIMIT_READ_PER_MINUTE: "1000000000",
  FLEET_CREATES_PER_MINUTE: "1000000000",
  FLEET_CREATE_BYTES_PER_MINUTE: "1000000000000",
};

/** A 256-byte ciphertext: the size of a typical shared password or API key after client-side encryption. */
const CIPHERTEXT = Buffer.alloc(192, 7).toString("base64");
const JSON_HEADERS = { "content-type": "application/json" };

export const createBody = (maxViews: number | null) => JSON.stringify({ ciphertext: CIPHERTEXT, ttlSeconds: 86_400, maxViews });

export type Endpoint = "create" | "metadata" | "reveal";
export const ENDPOINTS: readonly Endpoint[] = ["create", "metadata", "reveal"];

/** One request of each kind; metadata and reveal address an unlimited-view secret so they never run out. */
export function requestFor(endpoint: Endpoint, secretId: string): LoadRequest {
  switch (endpoint) {
    case "create":
      return { method: "POST", path: "/api/secrets", headers: JSON_HEADERS, body: createBody(1) };
    case "metadata":
      return { method: "GET", path: `/api/secrets/${secretId}` };
    case "reveal":
      return { method: "POST", path: `/api/secrets/${secretId}/reveal` };
  }
}

/** Creates a secret and returns its id (maxViews null = unlimited until expiry). */
export async function createSecret(baseUrl: string, maxViews: number | null = null): Promise<string> {
  const res = await fetch(`${baseUrl}/api/secrets`, { method: "POST", headers: JSON_HEADERS, body: createBody(maxViews), signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as { id?: string; error?: { code: string } };
  if (res.status !== 201 || !body.id) throw new Error(`create failed: ${res.status} ${JSON.stringify(body.error ?? body)}`);
  return body.id;
}

/** A request that goes through every middleware but touches no binding: 404 for an id the API cannot have issued. */
export const NO_IO_PATH = "/api/secrets/not-an-id";
