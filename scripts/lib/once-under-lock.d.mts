/** Runs `make()` unless `complete()` already holds, in one process at a time (`lock` is a directory). */
export function onceUnderLock(options: { lock: string; complete: () => boolean; make: () => unknown; timeoutMs: number }): Promise<void>;
