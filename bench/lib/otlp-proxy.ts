// A counting OTLP/HTTP endpoint on 127.0.0.1: metrics are forwarded to the Grafana Cloud stand-in's vmagent (when given),
// logs and traces are answered 200 and dropped (there is no local Loki or Tempo). Every POST is
// counted with its body size and time, which is what the export-efficiency comparison reads.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Signal = "metrics" | "logs" | "traces" | "other";

export interface ExportEvent {
  at: number;
  signal: Signal;
  bytes: number;
  status: number;
}

export interface OtlpProxy {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (signals are POSTed to {base}/v1/{signal}). */
  base: string;
  events: ExportEvent[];
  /** Counts and bytes per signal for events in [from, to). */
  tally(from?: number, to?: number): Record<Signal, { posts: number; bytes: number; failed: number }>;
  close(): Promise<void>;
}

const signalOf = (path: string): Signal => {
  const m = path.match(/\/v1\/(metrics|logs|traces)$/);
  return m ? (m[1] as Signal) : "other";
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy; `metricsUpstream` is the stand-in's OTLP metrics URL (…/opentelemetry/v1/metrics). */
export async function startOtlpProxy(metricsUpstream?: string): Promise<OtlpProxy> {
  const events: ExportEvent[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const signal = signalOf(new URL(req.url ?? "/", "http://x").pathname);
    const contentType = req.headers["content-type"] ?? "application/x-protobuf";
    let status = 200;
    let answer: Buffer = Buffer.alloc(0);
    if (signal === "metrics" && metricsUpstream) {
      try {
        const up = await fetch(metricsUpstream, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(10_000) });
        status = up.status;
        answer = Buffer.from(await up.arrayBuffer());
      } catch {
        status = 502;
      }
    } else if (contentType.includes("json")) {
      answer = Buffer.from("{}");
    }
    events.push({ at: Date.now(), signal, bytes: body.length, status });
    res.writeHead(status, { "content-type": contentType, "content-length": answer.length });
    res.end(answer);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    events,
    tally(from = 0, to = Infinity) {
      const zero = () => ({ posts: 0, bytes: 0, failed: 0 });
      const t = { metrics: zero(), logs: zero(), traces: zero(), other: zero() };
      for (const e of events) {
        if (e.at < from || e.at >= to) continue;
        t[e.signal].posts++;
        t[e.signal].bytes += e.bytes;
        if (e.status >= 300) t[e.signal].failed++;
      }
      return t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
