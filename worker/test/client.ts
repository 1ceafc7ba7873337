import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { edgeCacheKey, queryCacheKey } from "../cache/index.ts";

export const ORIGIN = "https://moltsecret.test";

/** A client address in a /64 nobody else uses (limits are per /64), so the rate limits never couple tests. */
export const freshIp = () => {
  const [a, b, c] = Array.from(crypto.getRandomValues(new Uint16Array(3)), (n) => n.toString(16));
  return `2001:db8:${a}:${b}::${c}`;
};

export type CallInit = RequestInit & { ip?: string | null };

/** Calls the real Worker (exports.default.fetch), from a fresh client IP unless one is given (null sends none). */
export function call(path: string, { ip, headers, ...init }: CallInit = {}): Promise<Response> {
  const h = new Headers(headers);
  if (ip !== null) h.set("CF-Connecting-IP", ip ?? freshIp());
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers: h }));
}

export const postJson = (path: string, body: unknown, init: CallInit = {}) =>
  call(path, { method: "POST", body: JSON.stringify(body), ...init, headers: { "Content-Type": "application/json", ...init.headers } });

export interface Created {
  id: string;
  expiresAt: string;
  maxViews: number | null;
  deleteToken: string;
}

export async function createSecret(body: Record<string, unknown> = {}, init: CallInit = {}): Promise<Created & { ciphertext: string }> {
  const ciphertext = typeof body.ciphertext === "string" ? body.ciphertext : `ct-${crypto.randomUUID()}`;
  const res = await postJson("/api/secrets", { ciphertext, ...body }, init);
  expect(res.status).toBe(201);
  return { ...((await res.json()) as Created), ciphertext };
}

export const reveal = (id: string, init: CallInit = {}) => call(`/api/secrets/${id}/reveal`, { method: "POST", ...init });

export async function expectError(res: Response, status: number, code: string): Promise<{ code: string; message: string }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

/**
 * Moves a secret's expiry (the clock itself cannot be moved inside workerd). The caches never keep metadata past the
 * expiry they saw (max-age and the KV entry are capped at it), so moving the expiry also drops what they hold.
 */
export async function setExpiresAt(id: string, expiresAt: number): Promise<void> {
  await env.DB.prepare("UPDATE secrets SET expires_at = ? WHERE id = ?").bind(expiresAt, id).run();
  await caches.default.delete(edgeCacheKey(id));
  await env.KV.delete(await queryCacheKey(id));
}

export async function rowCount(id: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM secrets WHERE id = ?").bind(id).first<{ n: number }>();
  return row?.n ?? 0;
}
