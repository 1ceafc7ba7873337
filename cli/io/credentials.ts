import { UserError } from "../errors.ts";

/** Visible ASCII only: what a token may hold and still go into an HTTP header unchanged. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Checks a credential before it goes into a header. The message names where the value came from and what is
 * wrong with it, never the value: a pasted token with a line break must not end up in a terminal or a log.
 */
export function checkCredential(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === "") return value;
  if (HEADER_SAFE.test(value)) return value;
  const what = /[\r\n]/.test(value) ? "a line break" : /\s/.test(value) ? "whitespace" : "a character that is not visible ASCII";
  throw new UserError(`${name} contains ${what}, which cannot go into an HTTP header (value not shown)`, {
    hint: `set ${name} to the token alone, without quotes, spaces or a trailing newline (e.g. export ${name}="$(tr -d '\\r\\n' < token.txt)")`,
  });
}
