import type { ReadableSpan } from "../../otlp/pipeline.ts";
import { REDACTED, redactPath, redactSql, redactText } from "./redact.ts";

/** Attribute keys whose whole value is request content (KV keys, DO storage keys, list cursors). */
const DROP_VALUE = new Set(["db.cf.kv.key", "db.cf.do.key", "db.cf.kv.list_request_cursor", "db.cf.kv.list_response_cursor", "db.cf.do.start", "db.cf.do.end", "db.cf.do.prefix"]);
const STATEMENT_KEYS = new Set(["db.statement", "db.query.text"]);
const URL_KEYS = new Set(["url.full", "http.url", "url.path", "http.target"]);
const QUERY_KEYS = new Set(["url.query"]);
const KEY_VALUE_VERB = /^(get|getWithMetadata|put|delete|list|deleteAll|setAlarm|getAlarm)\b/;

type MutableSpan = ReadableSpan & { name: string; attributes: Record<string, unknown> };

function redactUrl(value: string, route: string | undefined): string {
  try {
    const u = new URL(value, "http://x");
    const path = route ?? redactPath(u.pathname);
    return value.includes("://") ? `${u.protocol}//${u.host}${path}` : path;
  } catch {
    return REDACTED;
  }
}

function redactAttributes(attributes: Record<string, unknown>, route: string | undefined): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== "string") continue;
    if (DROP_VALUE.has(key)) attributes[key] = REDACTED;
    else if (QUERY_KEYS.has(key)) attributes[key] = value ? REDACTED : value;
    else if (URL_KEYS.has(key)) attributes[key] = redactUrl(value, route);
    else if (STATEMENT_KEYS.has(key)) attributes[key] = KEY_VALUE_VERB.test(value) ? value.split(" ")[0]! : redactSql(value);
    else attributes[key] = redactText(value);
  }
}

/**
 * The trace postProcessor: span names, attributes and event attributes lose URLs' raw paths and queries,
 * SQL literals, KV/DO keys, and anything shaped like an IP, id, token or ciphertext. Mutates and returns the spans.
 */
export function redactSpans<S extends ReadableSpan>(spans: S[]): S[] {
  const routes = new Map<string, string>();
  for (const span of spans) {
    const route = span.attributes["http.route"];
    if (typeof route === "string") routes.set(span.spanContext().traceId, route);
  }
  for (const span of spans as MutableSpan[]) {
    const route = span.kind === 1 /* SERVER */ ? routes.get(span.spanContext().traceId) : undefined;
    redactAttributes(span.attributes, route);
    for (const event of span.events) if (event.attributes) redactAttributes(event.attributes as Record<string, unknown>, route);
    span.name = KEY_VALUE_VERB.test(span.name) ? span.name.split(" ")[0]! : redactText(span.name);
  }
  return spans;
}
