import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/** Every error code the API answers with, and its status: the whole error vocabulary, defined once. */
export const ERROR_STATUS = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An expected failure: becomes `{"error":{"code","message"}}` with its status. Messages say how to fix the request. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERROR_STATUS[code], { message });
    this.name = "ApiError";
  }
}

export const notFound = () => new ApiError("not_found", "No such secret: it never existed, expired, or was burned");

const CODE_BY_STATUS = new Map<number, ErrorCode>(Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]));

export function errorResponse(c: Context, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return c.json({ error: { code, message } }, ERROR_STATUS[code], { ...headers, "Cache-Control": "no-store" });
}

/** app.onError: typed errors become the envelope; anything else is a bug, logged by name only and answered 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return errorResponse(c, err.code, err.message, err.headers);
  if (err instanceof HTTPException) {
    const code = CODE_BY_STATUS.get(err.status);
    if (code && code !== "internal") return errorResponse(c, code, err.message || code.replace(/_/g, " "));
  }
  // Error messages can quote request data (ids, bodies): log only the kind of failure and where it happened.
  console.error(JSON.stringify({ event: "request.error", error: err.name, route: c.req.routePath, method: c.req.method, requestId: c.get("requestId") }));
  return errorResponse(c, "internal", "Internal error; retry later");
}
