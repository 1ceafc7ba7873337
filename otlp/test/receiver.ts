import { inject } from "vitest";

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

/** Client of the capturing receiver started by otlp-receiver.global-setup.ts (a real HTTP server on 127.0.0.1). */
export const receiverUrl = (): string => inject("otlpReceiverUrl");

export async function captured(since = 0): Promise<{ next: number; batches: CapturedBatch[] }> {
  const res = await fetch(`${receiverUrl()}/captured?since=${since}`);
  return (await res.json()) as { next: number; batches: CapturedBatch[] };
}

export async function setReceiverMode(mode: "ok" | "fail" | "hang"): Promise<void> {
  await fetch(`${receiverUrl()}/mode`, { method: "PUT", body: mode });
}

export const decodeBody = (b: CapturedBatch): string => atob(b.body);
