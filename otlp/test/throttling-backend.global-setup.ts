import { createServer, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { splitScope } from "../../scripts/obs/otlp-receiver.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    throttlingBackendUrl: string;
  }
}

interface Received {
  signal: string;
  bytes: number;
  status: number;
  at: number;
}

/**
 * An OTLP/HTTP endpoint that throttles as Grafana Cloud's gateway does under its rate limits: the next `times` posts
 * are answered `status` (429 or 503) with `Retry-After: retryAfter` seconds, then 200. Tests inside workerd drive it
 * over HTTP: PUT /throttle {status, retryAfter, times}, GET /received?since=N, each file under its own /scope/<file>
 * prefix (throttling-backend.ts), so one file's throttle never answers another file's exports.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scopes = new Map<string, { received: Received[]; throttle: { status: number; retryAfter: string; times: number } }>();
  const scopeOf = (name: string) => {
    if (!scopes.has(name)) scopes.set(name, { received: [], throttle: { status: 429, retryAfter: "0", times: 0 } });
    return scopes.get(name)!;
  };
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const { scope: name, path } = splitScope(url.pathname) as { scope: string; path: string };
      const scope = scopeOf(name);
      const { received, throttle } = scope;
      if (req.method === "PUT" && path === "/throttle") {
        scope.throttle = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(204).end();
      } else if (req.method === "GET" && path === "/received") {
        const since = Number(url.searchParams.get("since") ?? 0);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ next: received.length, received: received.slice(since) }));
      } else if (req.method === "POST" && path.startsWith("/v1/")) {
        const throttled = throttle.times > 0;
        if (throttled) throttle.times--;
        const status = throttled ? throttle.status : 200;
        received.push({ signal: path.slice(4), bytes: Buffer.concat(chunks).length, status, at: Date.now() });
        res.writeHead(status, throttled ? { "retry-after": throttle.retryAfter } : { "content-type": "application/x-protobuf" }).end();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  project.provide("throttlingBackendUrl", `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
