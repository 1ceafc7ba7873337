import { inject } from "vitest";
import { scoped } from "./file-scope.ts";

export interface CapturedBatch {
  signal: "metrics" | "logs" | "traces";
  items: number;
  bytes: number;
  contentType: string;
  authorization: string | null;
  /** base64 of the raw OTLP body */
  body: string;
  mode: string;
}

/**
 * Client of the capturing receiver started by otlp-receiver.global-setup.ts (a real HTTP server on 127.0.0.1), within
 * the running test file's scope: the endpoint to export to, what arrived there, and its mode, never another file's.
 */
export const receiverUrl = (): string => scoped(inject("otlpReceiverUrl"));

export async function captured(since = 0): Promise<{ next: number; batches: CapturedBatch[] }> {
  const res = await fetch(`${receiverUrl()}/captured?since=${since}`);
  return (await res.json()) as { next: number; batches: CapturedBatch[] };
}

/** This file's scope only answers 500 ("fail") or never ("hang") from now on; other files' exports are untouched. */
export async function setReceiverMode(mode: "ok" | "fail" | "hang"): Promise<void> {
  await fetch(`${receiverUrl()}/mode`, { method: "PUT", body: mode });
}

export const decodeBody = (b: CapturedBatch): string => atob(b.body);
