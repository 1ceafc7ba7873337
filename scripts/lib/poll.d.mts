export interface PollOptions {
  timeoutMs: number;
  /** Pause between checks (default 100 ms). */
  everyMs?: number;
  /** Named in the timeout error (default "condition"). */
  what?: string;
  /** Appended to the timeout error, e.g. a process' last output. */
  detail?: () => string;
}

/** Calls `check` until it returns something other than false/null/undefined, and returns that; throws after timeoutMs. */
export function pollUntil<T>(check: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, false | null | undefined>>;

/** The HTTP status `url` answers with (its body read), or null while nothing answers within `timeoutMs`. */
export function httpStatus(url: string, options?: { timeoutMs?: number }): Promise<number | null>;
