import { CIPHERTEXT_MAX_BYTES, MAX_VIEWS, SECRET_TTL } from "../../catalog/index.ts";

/**
 * The body of POST /api/secrets as a JSON Schema (2020-12, the dialect of OpenAPI 3.1): parseCreateRequest
 * validates with these fields and bounds, and the OpenAPI document publishes this very object.
 */
export const CREATE_REQUEST_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["ciphertext"],
  properties: {
    ciphertext: {
      type: "string", minLength: 1,
      description: `Client-side encrypted payload, valid Unicode, at most MAX_CIPHERTEXT_BYTES UTF-8 bytes (default ${CIPHERTEXT_MAX_BYTES.value}); larger is 413`,
    },
    ttlSeconds: {
      type: "integer", minimum: SECRET_TTL.min.value, maximum: SECRET_TTL.max.value, default: SECRET_TTL.default.value,
      description: "Seconds until the secret expires",
    },
    maxViews: {
      type: ["integer", "null"], minimum: MAX_VIEWS.min.value, maximum: MAX_VIEWS.max.value, default: MAX_VIEWS.default.value,
      description: "Reveals allowed before the secret burns; null for unlimited views until expiry",
    },
  },
} as const;

export type CreateField = keyof typeof CREATE_REQUEST_SCHEMA.properties;
export const CREATE_FIELDS = Object.keys(CREATE_REQUEST_SCHEMA.properties) as CreateField[];
