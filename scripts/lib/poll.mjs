// The one wait loop of the project's scripts, tests and benches: check, sleep, check again, until a deadline.

/**
 * Calls `check` until it returns something other than false/null/undefined, and returns that. Between calls it waits
 * `everyMs`; after `timeoutMs` it throws an Error naming `what` (and `detail()` if given, e.g. a process' last output).
 * A check that throws ends the wait with its error (e.g. "the process exited").
 */
export async function pollUntil(check, { timeoutMs, everyMs = 100, what = "condition", detail } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== false && result !== null && result !== undefined) return result;
    if (Date.now() >= deadline) throw new Error(`${what} not met within ${timeoutMs} ms${detail ? `:\n${detail()}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The HTTP status `url` answers with (its body read), or null while nothing answers within `timeoutMs`. */
export async function httpStatus(url, { timeoutMs = 2000 } = {}) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}
