import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env.ts";
import { ApiError } from "./errors.ts";

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Accepts only `application/json`, caps the body before anything is parsed (Content-Length, else while streaming),
 * and parses it into c.var.body. Every failure is a 4xx.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!JSON_MEDIA_TYPE.test(c.req.header("Content-Type") ?? "")) {
      throw new ApiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json");
    }
    const maxSize = c.var.config.maxBodyBytes;
    const limit = bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload_too_large", `Request body exceeds ${maxSize} bytes`);
      },
    });
    return limit(c, async () => {
      let text: string;
      try {
        text = await c.req.text();
      } catch {
        throw new ApiError("invalid_request", "The request body could not be read");
      }
      try {
        c.set("body", JSON.parse(text));
      } catch {
        // The parser's message quotes the body: never echo it.
        throw new ApiError("invalid_request", "The request body is not valid JSON");
      }
      await next();
    });
  };
}
