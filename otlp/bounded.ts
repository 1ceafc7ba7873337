/** Rejects with a TimeoutError after `ms` unless `work` settled first; the work itself is not cancelled. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException(`${what} took longer than ${ms} ms`, "TimeoutError")), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
