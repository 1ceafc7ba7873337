// Runs one autocannon load in its own process (spawned by load.ts) and prints one JSON result line.
// Plain JS so the child starts without a TypeScript loader (it is spawned for every measured run).
// Latencies are taken from every response's own high-resolution time: autocannon's histogram rounds
// to whole milliseconds, too coarse for a Worker answering in 1-5 ms.
import { createRequire } from "node:module";

const autocannon = createRequire(import.meta.url)("autocannon");
const spec = JSON.parse(process.argv[2] ?? "{}");

/** Linear-interpolated quantile, as bench/lib/stats.ts computes it. */
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = sorted[Math.floor(pos)];
  const hi = sorted[Math.ceil(pos)];
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

const latencies = [];
const started = performance.now();
const result = await new Promise((resolve, reject) => {
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
const durationSec = result.duration || wallSec;
const statusCounts = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = Number(count);
latencies.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    ok: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    durationSec,
    rps: latencies.length / durationSec,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.length ? latencies[latencies.length - 1] : NaN,
  })}\n`,
);
