#!/usr/bin/env node
// A capturing OTLP/HTTP receiver on 127.0.0.1: keeps every batch (raw bytes) for tests, prints one compact
// line per batch, and can forward /v1/metrics to the Grafana Cloud stand-in's vmagent so one base URL serves all three
// signals.
// Modes simulate backend outages: "ok", "fail" (HTTP 500), "hang" (never answers) and "refuse" (port closed).
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

/** Reads a protobuf varint at `pos`; returns [value, nextPos]. */
function varint(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

/** The length-delimited sub-messages with field number `field` in `buf`. */
function children(buf, field) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = varint(buf, pos);
    const wire = key & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      if (key >>> 3 === field) out.push(buf.subarray(pos, pos + len));
      pos += len;
    } else break;
  }
  return out;
}

/**
 * Items in an OTLP export request: metrics, log records or spans. All three messages nest the same way:
 * resource* (1) -> scope* (2) -> item (2).
 */
export function countItems(body, contentType = "application/x-protobuf") {
  if (contentType.includes("json")) {
    const doc = JSON.parse(body.toString("utf8"));
    const [rKey] = Object.keys(doc);
    return (doc[rKey] ?? []).reduce(
      (n, r) => n + Object.values(r).filter(Array.isArray).flat().reduce((m, s) => m + (Object.values(s).find(Array.isArray)?.length ?? 0), 0),
      0,
    );
  }
  return children(body, 1).reduce((n, r) => n + children(r, 2).reduce((m, s) => m + children(s, 2).length, 0), 0);
}

const SIGNALS = { "/v1/metrics": "metrics", "/v1/logs": "logs", "/v1/traces": "traces" };

/**
 * `/scope/<token>/rest` -> { scope: token, path: "/rest" }; any other path has scope "". Tests that share one server
 * (test files running in parallel) each use their own token as a path prefix of the endpoint, and read back and switch
 * modes only within it.
 */
export function splitScope(path) {
  const m = /^\/scope\/([A-Za-z0-9._-]+)(\/.*)?$/.exec(path);
  return m ? { scope: m[1], path: m[2] ?? "/" } : { scope: "", path };
}

/**
 * Starts the receiver. `forwardMetricsTo`: vmagent's base URL (metrics are POSTed to {base}/opentelemetry/v1/metrics
 * and its answer is relayed); "pending" answers metrics 503 until setForwardMetricsTo() names the backend (npm start
 * runs the Worker while the stand-in is still starting; cumulative exports lose nothing). `print`: one line per batch.
 */
export async function startOtlpReceiver({ port = 0, forwardMetricsTo, print = false, mode = "ok" } = {}) {
  const batches = [];
  /** Per scope (see splitScope): its own batches and its own mode ("" is the unscoped receiver). */
  const scopes = new Map();
  const scopeOf = (name) => {
    if (!scopes.has(name)) scopes.set(name, { batches: [], mode: undefined });
    return scopes.get(name);
  };
  let forwardTo = forwardMetricsTo;
  const hanging = new Set();
  let currentMode = mode;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const { scope: scopeName, path } = splitScope(req.url?.split("?")[0] ?? "");
      const scope = scopeName ? scopeOf(scopeName) : null;
      // Control endpoints, so tests running inside workerd can drive and read the receiver over HTTP.
      if (path === "/captured" && req.method === "GET") {
        const since = Number(new URL(req.url, "http://x").searchParams.get("since") ?? 0);
        const seen = scope ? scope.batches : batches;
        const out = seen.slice(since).map(({ body, headers, ...b }) => ({ ...b, authorization: headers.authorization ?? null, body: body.toString("base64") }));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ next: seen.length, batches: out }));
        return;
      }
      if (path === "/mode" && req.method === "PUT") {
        const next = Buffer.concat(chunks).toString("utf8").trim() || "ok";
        if (scope) scope.mode = next;
        else currentMode = next;
        res.writeHead(204).end();
        return;
      }
      const signal = SIGNALS[path];
      if (req.method !== "POST" || !signal) {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const contentType = req.headers["content-type"] ?? "";
      let items = -1;
      try {
        items = countItems(body, contentType);
      } catch {
        // unparseable: still captured
      }
      const batchMode = scope?.mode ?? currentMode;
      const batch = { signal, bytes: body.length, items, contentType, headers: req.headers, body, at: Date.now(), mode: batchMode, scope: scopeName };
      batches.push(batch);
      scope?.batches.push(batch);
      if (print) console.log(`otlp ${new Date(batch.at).toISOString().slice(11, 23)} ${signal.padEnd(7)} ${String(items).padStart(5)} items ${String(body.length).padStart(7)} B`);
      if (batchMode === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if (batchMode === "fail") {
        res.writeHead(500, { "content-type": "text/plain" }).end("simulated backend failure");
        return;
      }
      if (signal === "metrics" && forwardTo === "pending") {
        batch.forwardStatus = 503;
        res.writeHead(503, { "content-type": "text/plain", "retry-after": "10" }).end("metrics backend still starting");
        return;
      }
      if (signal === "metrics" && forwardTo) {
        try {
          const upstream = await fetch(`${forwardTo}/opentelemetry/v1/metrics`, { method: "POST", headers: { "content-type": contentType }, body });
          batch.forwardStatus = upstream.status;
          res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" }).end(Buffer.from(await upstream.arrayBuffer()));
        } catch (error) {
          batch.forwardStatus = 502;
          res.writeHead(502).end(String(error));
        }
        return;
      }
      res.writeHead(200, { "content-type": contentType.includes("json") ? "application/json" : "application/x-protobuf" }).end(contentType.includes("json") ? "{}" : "");
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    batches,
    /** Where metrics go from now on (a vmagent base URL, or undefined to accept and drop them). */
    setForwardMetricsTo(url) {
      forwardTo = url;
    },
    /** "ok" | "fail" | "hang" | "refuse" ("refuse" stops listening, so connections are refused, until another mode). */
    async setMode(next) {
      if (next === "refuse" && server.listening) {
        for (const res of hanging) res.destroy();
        await new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
      } else if (next !== "refuse" && !server.listening) {
        await new Promise((resolve, reject) => {
          server.once("error", reject);
          server.listen(actualPort, "127.0.0.1", resolve);
        });
      }
      currentMode = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
  const receiver = await startOtlpReceiver({ port: Number(args.port ?? 0), forwardMetricsTo: args["forward-metrics"], print: true });
  console.log(`OTLP receiver on ${receiver.url} (POST /v1/logs, /v1/traces${args["forward-metrics"] ? `; /v1/metrics -> ${args["forward-metrics"]}` : ", /v1/metrics"})`);
  const stop = () => receiver.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
