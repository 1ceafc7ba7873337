// Runs one autocannon load in its own process (spawned by load.ts) and prints one JSON result line.
// Latencies are taken from every response's own high-resolution time: autocannon's histogram rounds
// to whole milliseconds, too coarse for a Worker answering in 1-5 ms.
import { createRequire } from "node:module";
import { quantile } from "./stats.ts";
import type { LoadResult, LoadSpec } from "./load.ts";

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { total: number };
}
interface Instance {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, res: AutocannonResult) => void) => Instance;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;

const latencies: number[] = [];
const started = performance.now();
const result = await new Promise<AutocannonResult>((resolve, reject) => {
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      // autocannon rejects keys present with undefined values.
      ...(spec.durationSec !== undefined ? { duration: spec.durationSec } : {}),
      ...(spec.amount !== undefined ? { amount: spec.amount } : {}),
      ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
      timeout: 10,
      requests: spec.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
});
const wallSec = (performance.now() - started) / 1000;

const statusCounts: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = Number(count);
const ok = latencies.length;
const out: LoadResult = {
  requests: result.requests.total,
  ok,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCounts,
  durationSec: result.duration || wallSec,
  rps: ok / (result.duration || wallSec),
  p50Ms: quantile(latencies, 0.5),
  p90Ms: quantile(latencies, 0.9),
  p99Ms: quantile(latencies, 0.99),
  maxMs: latencies.length ? Math.max(...latencies) : NaN,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
