import { inject } from "vitest";
import { scoped } from "./file-scope.ts";

/** The throttling backend within the running test file's scope (its throttle and what it received are this file's). */
export const throttlingBackendUrl = (): string => scoped(inject("throttlingBackendUrl"));

export async function throttle(status: 429 | 503, retryAfter: string, times: number): Promise<void> {
  await fetch(`${throttlingBackendUrl()}/throttle`, { method: "PUT", body: JSON.stringify({ status, retryAfter, times }) });
}

export async function received(since = 0): Promise<{ next: number; received: Array<{ signal: string; bytes: number; status: number }> }> {
  return (await (await fetch(`${throttlingBackendUrl()}/received?since=${since}`)).json()) as never;
}
