import type { ApiConfig } from "../config.ts";
import { ApiError } from "../http/errors.ts";
import { CREATE_FIELDS, CREATE_REQUEST_SCHEMA } from "./create-schema.ts";

export interface CreateRequest {
  ciphertext: string;
  ttlSeconds: number;
  maxViews: number | null;
  /** UTF-8 size of the ciphertext: what a create adds to the database. */
  ciphertextBytes: number;
}

const FIELDS = new Set<string>(CREATE_FIELDS);
const { ttlSeconds: TTL, maxViews: VIEWS } = CREATE_REQUEST_SCHEMA.properties;
/** In `u` mode a surrogate pair is one code point, so this only matches unpaired halves (not valid UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const invalid = (message: string) => new ApiError("invalid_request", message);

function boundedInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Validates the body of POST /api/secrets and applies the catalog defaults. */
export function parseCreateRequest(body: unknown, config: Pick<ApiConfig, "maxCiphertextBytes">): CreateRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("The body must be a JSON object");
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) {
    // The names are the client's own field names (capped), never values: nothing secret goes into the error.
    const named = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ");
    const guess = [...FIELDS].find((f) => f.toLowerCase().startsWith(unknown[0]!.toLowerCase()) || unknown[0]!.toLowerCase().startsWith(f.toLowerCase()));
    const didYouMean = unknown.length === 1 && guess ? ` (did you mean ${guess}?)` : "";
    throw invalid(`Unknown field${unknown.length > 1 ? "s" : ""} ${named}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}${didYouMean}; allowed: ${[...FIELDS].join(", ")}`);
  }

  const { ciphertext, ttlSeconds, maxViews } = fields;
  if (typeof ciphertext !== "string" || ciphertext.length === 0) throw invalid("ciphertext must be a non-empty string");
  if (LONE_SURROGATE.test(ciphertext)) throw invalid("ciphertext must be valid Unicode (no unpaired surrogates)");
  const ciphertextBytes = new TextEncoder().encode(ciphertext).byteLength;
  if (ciphertextBytes > config.maxCiphertextBytes) {
    throw new ApiError("payload_too_large", `ciphertext exceeds ${config.maxCiphertextBytes} bytes`);
  }
  return {
    ciphertext,
    ciphertextBytes,
    ttlSeconds: ttlSeconds === undefined ? TTL.default : boundedInt(ttlSeconds, "ttlSeconds", TTL.minimum, TTL.maximum),
    maxViews: maxViews === undefined ? VIEWS.default : maxViews === null ? null : boundedInt(maxViews, "maxViews", VIEWS.minimum, VIEWS.maximum),
  };
}
