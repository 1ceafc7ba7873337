import { DELETE_TOKEN_BYTES } from "../../catalog/index.ts";
import { ERROR_STATUS, type ErrorCode } from "../http/errors.ts";
import { SECRET_ID_PATTERN } from "../http/tokens.ts";
import { CREATE_REQUEST_SCHEMA } from "../routes/create-schema.ts";

/**
 * The API's contract as OpenAPI 3.1, built from the same objects the Worker uses: the create body is the schema
 * parseCreateRequest validates with, the error codes are ERROR_STATUS, the id pattern is the one ids are checked
 * against. `npm run docs:openapi` writes it to docs/openapi.json; GET /openapi.json serves it.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const dateTime = { type: "string", format: "date-time" } as const;
const views = { type: "integer", minimum: 0 } as const;
const remaining = { type: ["integer", "null"], minimum: 0, description: "null when views are unlimited" } as const;

const SCHEMAS = {
  CreateRequest: CREATE_REQUEST_SCHEMA,
  Created: {
    type: "object", additionalProperties: false, required: ["id", "expiresAt", "maxViews", "deleteToken"],
    properties: {
      id: ref("SecretId"),
      expiresAt: dateTime,
      maxViews: { type: ["integer", "null"] },
      deleteToken: { type: "string", pattern: `^[A-Za-z0-9_-]{${Math.ceil((DELETE_TOKEN_BYTES.value * 8) / 6)}}$`, description: "Send in X-Delete-Token to delete; shown once, only its SHA-256 is stored" },
    },
  },
  Metadata: {
    type: "object", additionalProperties: false, required: ["id", "createdAt", "expiresAt", "maxViews", "views", "remainingViews"],
    properties: { id: ref("SecretId"), createdAt: dateTime, expiresAt: dateTime, maxViews: { type: ["integer", "null"] }, views, remainingViews: remaining },
  },
  Revealed: {
    type: "object", additionalProperties: false, required: ["ciphertext", "views", "remainingViews"],
    properties: { ciphertext: { type: "string" }, views, remainingViews: remaining },
  },
  Health: { type: "object", additionalProperties: false, required: ["status"], properties: { status: { const: "ok" } } },
  Error: {
    type: "object", additionalProperties: false, required: ["error"],
    properties: {
      error: {
        type: "object", additionalProperties: false, required: ["code", "message"],
        properties: { code: { enum: Object.keys(ERROR_STATUS) }, message: { type: "string" } },
      },
    },
  },
  SecretId: { type: "string", pattern: SECRET_ID_PATTERN.source, description: "128 random bits, base64url" },
} as const;

const DESCRIPTIONS: Record<ErrorCode, string> = {
  invalid_request: "The request is malformed; the message says what to fix",
  forbidden: "The delete token does not match",
  not_found: "No such secret: it never existed, expired, or was burned",
  method_not_allowed: "Method not allowed on this path",
  payload_too_large: "The body or the ciphertext is over the limit",
  unsupported_media_type: "The body is not application/json",
  rate_limited: "Over the per-network or fleet-wide limit; see Retry-After",
  internal: "A bug; retry later",
  service_unavailable: "Creating is disabled or paused, or the database is not answering; see Retry-After when present",
};

const retryAfter = { "Retry-After": { description: "Seconds to wait", schema: { type: "integer", minimum: 0 } } };

function error(code: ErrorCode) {
  return {
    description: DESCRIPTIONS[code],
    ...(code === "rate_limited" ? { headers: retryAfter } : {}),
    content: { "application/json": { schema: ref("Error") } },
  };
}

const json = (schema: object, description: string, headers?: object) => ({ description, ...(headers ? { headers } : {}), content: { "application/json": { schema } } });
const errors = (...codes: ErrorCode[]) => Object.fromEntries(codes.map((c) => [String(ERROR_STATUS[c]), error(c)]));
const idParam = { name: "id", in: "path", required: true, schema: ref("SecretId") };

export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "MoltSecret API",
      version: "0.1.0",
      description: "Share client-side encrypted secrets that burn after their last allowed view or at expiry. Every error is `{\"error\": {\"code\", \"message\"}}`.",
    },
    paths: {
      "/api/secrets": {
        post: {
          operationId: "createSecret",
          summary: "Store a ciphertext",
          requestBody: { required: true, content: { "application/json": { schema: ref("CreateRequest") } } },
          responses: {
            "201": json(ref("Created"), "Created", { Location: { description: "/api/secrets/{id}", schema: { type: "string" } } }),
            ...errors("invalid_request", "payload_too_large", "unsupported_media_type", "rate_limited", "service_unavailable"),
          },
        },
      },
      "/api/secrets/{id}": {
        parameters: [idParam],
        get: {
          operationId: "getSecretMetadata",
          summary: "Metadata without revealing (no view counted); cacheable until the secret's expiry",
          responses: { "200": json(ref("Metadata"), "The secret's metadata"), ...errors("not_found", "rate_limited") },
        },
        head: {
          operationId: "headSecret",
          summary: "Whether the secret exists",
          responses: { "200": { description: "It exists" }, "404": { description: DESCRIPTIONS.not_found } },
        },
        delete: {
          operationId: "deleteSecret",
          summary: "Burn the secret with its delete token",
          parameters: [{ name: "X-Delete-Token", in: "header", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "Burned" }, ...errors("invalid_request", "forbidden", "not_found", "rate_limited") },
        },
      },
      "/api/secrets/{id}/reveal": {
        parameters: [idParam],
        post: {
          operationId: "revealSecret",
          summary: "Return the ciphertext and count a view (the last allowed view burns it)",
          responses: { "200": json(ref("Revealed"), "The ciphertext"), ...errors("not_found", "rate_limited") },
        },
      },
      "/healthz": {
        get: {
          operationId: "health",
          summary: "The Worker and its database answer",
          responses: { "200": json(ref("Health"), "Healthy"), ...errors("rate_limited", "service_unavailable") },
        },
      },
      "/openapi.json": {
        get: { operationId: "openapi", summary: "This document", responses: { "200": json({ type: "object" }, "OpenAPI 3.1 document") } },
      },
    },
    components: { schemas: SCHEMAS },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
