export const REDACTED = "[redacted]";

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
/** Candidate runs of hex digits and colons; isIpv6 decides (times like 12:30:45 are not addresses). */
const HEX_COLON_RUN = /(?<![\w:])[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:]*(?![\w:])/gi;
const isIpv6 = (s: string): boolean => {
  const groups = s.split(":");
  if (!groups.every((g) => g.length <= 4)) return false;
  return s.includes("::") ? groups.length <= 9 : groups.length === 8;
};
const TOKEN = /[A-Za-z0-9_-]{16,}/g;

/** Random ids, tokens and ciphertexts look like long runs with digits or mixed case; SQL identifiers do not. */
const looksRandom = (s: string): boolean => /\d/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s));

/** What every pattern below needs: a digit or colon (IPs) or a 16-character run (tokens). Most span attributes have none. */
const CANDIDATE = /[\d:]|[A-Za-z0-9_-]{16}/;

/** Removes anything shaped like an IP address, secret id, token or ciphertext from free text. */
export function redactText(text: string): string {
  if (!CANDIDATE.test(text)) return text;
  return text
    .replace(IPV4, REDACTED)
    .replace(HEX_COLON_RUN, (m) => (isIpv6(m) ? REDACTED : m))
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
