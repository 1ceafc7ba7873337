import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { countReads, edgeCache, invalidateSecret, knownMissing, metadataOf, rememberMissing } from "../cache/index.ts";
import { ApiError, errorResponse, notFound } from "../http/errors.ts";
import { jsonBody } from "../http/json-body.ts";
import { SECRET_ID_PATTERN, newDeleteToken, newSecretId, sha256Hex } from "../http/tokens.ts";
import { reserveFleetCreate } from "../rate-limit/fleet-budget.ts";
import { rateLimit } from "../rate-limit/rate-limit.ts";
import { recordSecretBurned, recordSecretCreated, recordSecretRevealed } from "../telemetry/business.ts";
import { revealSecret } from "../view-counting/reveal.ts";
import { parseCreateRequest } from "./create-request.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const remainingViews = (maxViews: number | null, views: number) => (maxViews === null ? null : Math.max(0, maxViews - views));
const NO_STORE = { "Cache-Control": "no-store" };

/** Ids that newSecretId() cannot produce are unknown by construction: answer 404 without touching the database. */
function secretId(id: string): string {
  if (!SECRET_ID_PATTERN.test(id)) throw notFound();
  return id;
}

/** The store said the secret is gone: answer 404 and remember it in this location's negative cache. */
async function gone(c: Context<AppEnv>, id: string): Promise<Response> {
  const { message } = notFound();
  const res = errorResponse(c, "not_found", message);
  await rememberMissing(c, id, res);
  return res;
}

/** The createDisabled flag: creation is off (e.g. during an incident); answered before any rate-limit or body work. */
function refuseWhenCreateDisabled(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.var.flags.createDisabled) throw new ApiError("service_unavailable", "Creating secrets is temporarily disabled; retry later");
    await next();
  };
}

/** Routes under /api/secrets. Paths here are the route templates telemetry reports (c.req.routePath). */
export const secretRoutes = new Hono<AppEnv>()
  .post("/", refuseWhenCreateDisabled(), rateLimit("create"), jsonBody(), async (c) => {
    const { ciphertext, ciphertextBytes, ttlSeconds, maxViews } = parseCreateRequest(c.var.body, c.var.config);
    await reserveFleetCreate(c, ciphertextBytes);
    const id = newSecretId();
    const deleteToken = newDeleteToken();
    const createdAt = Date.now();
    const expiresAt = createdAt + ttlSeconds * 1000;
    await c.var.store.create({ id, ciphertext, deleteTokenHash: await sha256Hex(deleteToken), createdAt, expiresAt, maxViews });
    recordSecretCreated();
    return c.json({ id, expiresAt: iso(expiresAt), maxViews, deleteToken }, 201, { ...NO_STORE, Location: `/api/secrets/${id}` });
  })
  // The limit comes after the edge cache: a hit costs no D1, KV or Durable Object request, a miss costs all three.
  .get("/:id", countReads(), edgeCache(), rateLimit("read"), async (c) => {
    const now = Date.now();
    const meta = await metadataOf(c, secretId(c.req.param("id")), now);
    if (!meta) throw notFound();
    const { maxAgeSeconds, staleWhileRevalidateSeconds } = c.var.config.metadataCache;
    // Never let a cache keep or serve the metadata past the secret's own expiry, stale or not.
    const left = Math.floor((meta.expiresAt - now) / 1000);
    const maxAge = Math.max(0, Math.min(maxAgeSeconds, left));
    const staleWhileRevalidate = Math.max(0, Math.min(staleWhileRevalidateSeconds, left - maxAge));
    return c.json(
      {
        id: meta.id,
        createdAt: iso(meta.createdAt),
        expiresAt: iso(meta.expiresAt),
        maxViews: meta.maxViews,
        views: meta.views,
        remainingViews: remainingViews(meta.maxViews, meta.views),
      },
      200,
      { "Cache-Control": `public, max-age=${maxAge}, stale-while-revalidate=${staleWhileRevalidate}` },
    );
  })
  .post("/:id/reveal", rateLimit("reveal"), async (c) => {
    const id = secretId(c.req.param("id"));
    if (await knownMissing(c, id)) throw notFound();
    const revealed = await revealSecret(c, id, Date.now());
    if (!revealed) return gone(c, id);
    // A limited view changed views/remainingViews (and may have burned it); unlimited views reach D1 write-behind.
    if (revealed.maxViews !== null) await invalidateSecret(c, id);
    recordSecretRevealed();
    if (revealed.burned) recordSecretBurned();
    const { ciphertext, views, maxViews } = revealed;
    return c.json({ ciphertext, views, remainingViews: remainingViews(maxViews, views) }, 200, NO_STORE);
  })
  .delete("/:id", rateLimit("delete"), async (c) => {
    const token = c.req.header("X-Delete-Token");
    if (!token) throw new ApiError("invalid_request", "Send the deleteToken from the create response in the X-Delete-Token header");
    const id = secretId(c.req.param("id"));
    if (await knownMissing(c, id)) throw notFound();
    // Checked and burned in one D1 round trip: a delete from far away crosses to the primary once. Only SHA-256
    // digests are compared there, so how long the comparison takes says nothing about the token.
    const outcome = await c.var.store.burnWithToken(id, await sha256Hex(token), Date.now());
    if (outcome === "not_found") return gone(c, id);
    if (outcome === "forbidden") throw new ApiError("forbidden", "The delete token does not match this secret");
    await invalidateSecret(c, id);
    recordSecretBurned();
    return c.body(null, 204, NO_STORE);
  });
