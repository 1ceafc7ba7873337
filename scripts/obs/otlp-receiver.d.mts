import type { IncomingHttpHeaders } from "node:http";

export type ReceiverMode = "ok" | "fail" | "hang" | "refuse";

export interface ReceivedBatch {
  signal: "metrics" | "logs" | "traces";
  bytes: number;
  /** Metrics data points, log records or spans in the request; -1 when unparseable. */
  items: number;
  contentType: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
  /** Receiver mode when the batch arrived. */
  mode: string;
  /** The /scope/<token> the exporter posted under ("" when unscoped). */
  scope: string;
  /** The backend's answer to forwarded metrics. */
  forwardStatus?: number;
}

export interface OtlpReceiver {
  url: string;
  port: number;
  batches: ReceivedBatch[];
  /** Where metrics go from now on (a vmagent base URL, or undefined to accept and drop them). */
  setForwardMetricsTo(url: string | undefined): void;
  setMode(mode: ReceiverMode): Promise<void>;
  close(): Promise<void>;
}

/** `/scope/<token>/rest` -> { scope: token, path: "/rest" }; any other path has scope "". */
export function splitScope(path: string): { scope: string; path: string };

/** Items in an OTLP export request (metrics data points, log records or spans). */
export function countItems(body: Buffer, contentType?: string): number;

export function startOtlpReceiver(options?: { port?: number; forwardMetricsTo?: string; print?: boolean; mode?: ReceiverMode }): Promise<OtlpReceiver>;
