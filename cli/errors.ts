import { EXIT, type ExitCode } from "./exit-codes.ts";

/**
 * An expected failure the user can fix (bad flag, unreachable source, missing credentials): printed as
 * one line plus a hint, no stack trace. Anything else that escapes is a bug and keeps its stack.
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? EXIT.unknown;
    this.hint = options.hint;
  }
}

/** The stderr text and exit code for anything thrown out of a command. */
export function describeFailure(err: unknown): { text: string; exitCode: ExitCode } {
  if (err instanceof UserError) {
    const lines = [`moltsecret: ${err.message}`];
    if (err.hint) lines.push(`hint: ${err.hint}`);
    return { text: lines.join("\n"), exitCode: err.exitCode };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { text: `moltsecret: internal error (a bug, please report it)\n${stack}`, exitCode: EXIT.unknown };
}
