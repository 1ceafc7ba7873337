export const REDACTED = "[redacted]";

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:)*::(?:[0-9a-f]{1,4}:?)*(?![\w:])/gi;
const TOKEN = /[A-Za-z0-9_-]{16,}/g;

/** Random ids, tokens and ciphertexts look like long runs with digits or mixed case; SQL identifiers do not. */
const looksRandom = (s: string): boolean => /\d/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s));

/** Removes anything shaped like an IP address, secret id, token or ciphertext from free text. */
export function redactText(text: string): string {
  return text
    .replace(IPV4, REDACTED)
    .replace(IPV6, (m) => (m.includes("::") || m.split(":").length > 3 ? REDACTED : m))
    .replace(TOKEN, (m) => (looksRandom(m) ? REDACTED : m));
}

/** SQL with every literal replaced by `?` (bound parameters already are). */
export const redactSql = (sql: string): string =>
  sql.replace(/'(?:[^']|'')*'/g, "?").replace(/"(?:[^"]|"")*"(?=\s*(?:,|\)|$))/g, "?").replace(/\b\d+(?:\.\d+)?\b/g, "?");

/** A URL path with every segment that could be an id replaced by `:id`. */
export const redactPath = (path: string): string =>
  path
    .split("/")
    .map((seg) => (seg === "" || /^(?:api|v\d+|secrets?|health|metrics|reveal|metadata|status)$/i.test(seg) ? seg : ":id"))
    .join("/");
