#!/usr/bin/env node
// Drives the local Worker (npm start, default http://127.0.0.1:8787) into the alerts, so the Prometheus of npm start's
// Grafana Cloud stand-in (its /classic/alerts page, printed by npm start and below) shows them go pending and firing.
//   npm run traffic -- --scenario errors|slow|growth [--url URL] [--duration 12m] [--max-requests N] [--concurrency N]
// Every run is bounded in time (--duration, at most 1h) and in requests (--max-requests).
//
// errors: holds a write transaction on the local D1 database file for a quarter of every few seconds, as if D1 were
//         intermittently unavailable: requests in those windows get real 5xx from the Worker (no fault flag in the
//         Worker is needed). The lock is always released on exit. Drives the SLO burn-rate page (~3 min) and the
//         error-rate alerts.
// slow:   many concurrent large creates: D1 writes queue up and the request p95 rises over the latency thresholds.
// growth: creates large, long-lived secrets: D1 grows fast enough for the 30-day size projection alert.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { CIPHERTEXT_MAX_BYTES, SECRET_TTL } = await import("../catalog/index.ts");

const { PROMETHEUS_URL_FILE } = await import("./start.d/20-telemetry.mjs");
const { UI_PATHS } = await import("./obs/prometheus.mjs");

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The alerts page of the stand-in npm start is running (it leaves its URL behind), or null when none runs. */
export function alertsPage() {
  return existsSync(PROMETHEUS_URL_FILE) ? `${readFileSync(PROMETHEUS_URL_FILE, "utf8").trim()}${UI_PATHS.alerts}` : null;
}
const MAX_DURATION_MS = 3_600_000;

export const SCENARIOS = {
  errors: { duration: "15m", concurrency: 4, maxRequests: 40_000, alerts: "MoltsecretErrorBudgetBurnPage1h (~3 min), MoltsecretErrorRateCritical (~6 min), MoltsecretErrorRateWarning (~11 min)" },
  slow: { duration: "15m", concurrency: 16, maxRequests: 20_000, alerts: "MoltsecretLatencyP95Warning/Critical (after the 5m window + their for)" },
  growth: { duration: "10m", concurrency: 4, maxRequests: 3_000, alerts: "MoltsecretMigrationSizeProjection (pending within minutes, fires after its for)" },
};

export function parseDuration(text) {
  const m = String(text).match(/^(\d+(?:\.\d+)?)(ms|s|m|h)?$/);
  if (!m) throw new Error(`bad duration "${text}" (e.g. 30s, 12m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"];
  return Math.min(Number(m[1]) * unit, MAX_DURATION_MS);
}

/** The local D1 SQLite file wrangler dev persists to (the largest one, which holds the secrets). */
export function localD1File(persistTo = process.env.PERSIST_TO ?? join(ROOT, ".wrangler", "state")) {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").map((f) => join(dir, f));
  if (!files.length) throw new Error(`no local D1 database under ${dir}: run npm start first`);
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

const ip = (i) => `198.51.100.${(i % 250) + 1}`;

async function request(base, method, path, body, i) {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", "cf-connecting-ip": ip(i) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, ms: Date.now() - started, json: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null };
  } catch (err) {
    return { status: 0, ms: Date.now() - started, error: String(err) };
  }
}

const ciphertext = (bytes) => "A".repeat(bytes);

/** Share of each lock cycle D1 is write-locked in the errors scenario: roughly the share of requests that fail. */
const ERROR_SHARE = 0.25;
const LOCK_CYCLE_MS = 4000;
const LOCK_RETRY_MS = 50;
const MAX_LOCK_FAILURES = 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds a write transaction on the local D1 file for `share` of every cycle (D1 unavailable: the Worker answers
 * 5xx), until the returned release() is called. The lock is also dropped on SIGINT/SIGTERM.
 */
async function lockCycles(file, share, log) {
  const { createClient } = await import("@libsql/client");
  log(`locking ${file} for ${Math.round(share * 100)}% of every ${LOCK_CYCLE_MS / 1000} s: requests in those windows get 5xx`);
  let running = true;
  let failures = 0;
  // The scenario starts inside a locked window: requests sent before the first lock would all succeed.
  let locked;
  const firstLock = new Promise((resolve) => (locked = resolve));
  const loop = (async () => {
    while (running) {
      // A fresh connection per cycle: after SQLITE_BUSY (the Worker mid-write) a connection is not reused.
      const db = createClient({ url: `file:${file}` });
      let tx;
      try {
        tx = await db.transaction("write");
        failures = 0;
        locked();
      } catch (err) {
        db.close();
        if (!String(err?.code ?? err).includes("BUSY") && ++failures >= MAX_LOCK_FAILURES) throw err;
        await sleep(LOCK_RETRY_MS);
        continue;
      }
      if (running) await sleep(share * LOCK_CYCLE_MS);
      await tx.rollback().catch(() => {});
      db.close();
      if (running) await sleep((1 - share) * LOCK_CYCLE_MS);
    }
  })()
    .catch((err) => log(`D1 lock loop stopped: ${err}`))
    .finally(() => locked());
  const release = async () => {
    if (!running) return;
    running = false;
    await loop;
  };
  const onSignal = () => void release().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  await firstLock;
  return release;
}

/**
 * Runs a scenario; returns per-status counts. `log` receives progress lines.
 * Options: url, duration (ms), concurrency, maxRequests, d1File (errors only), log.
 */
export async function runScenario(name, options = {}) {
  const spec = SCENARIOS[name];
  if (!spec) throw new Error(`unknown scenario "${name}": use errors, slow or growth`);
  const base = (options.url ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  const duration = options.duration ?? parseDuration(spec.duration);
  const concurrency = options.concurrency ?? spec.concurrency;
  const maxRequests = options.maxRequests ?? spec.maxRequests;
  const log = options.log ?? (() => {});
  const counts = {};
  let sent = 0;
  const count = (r) => {
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    return r;
  };

  const health = await request(base, "GET", "/healthz", undefined, 0);
  if (health.status !== 200) throw new Error(`the Worker does not answer at ${base}/healthz (status ${health.status}): run npm start first`);

  // Readable secrets: the errors scenario reads them between creates.
  const readable = [];
  let release = async () => {};
  if (name === "errors") {
    for (let i = 0; i < 8; i++) {
      const r = await request(base, "POST", "/api/secrets", { ciphertext: ciphertext(64), ttlSeconds: SECRET_TTL.default.value, maxViews: null }, i);
      if (r.json?.id) readable.push(r.json.id);
    }
    release = await lockCycles(options.d1File ?? localD1File(options.persistTo), options.errorShare ?? ERROR_SHARE, log);
  }

  const bodyFor = () => {
    if (name === "growth") return { ciphertext: ciphertext(CIPHERTEXT_MAX_BYTES.value), ttlSeconds: SECRET_TTL.max.value, maxViews: 1 };
    if (name === "slow") return { ciphertext: ciphertext(CIPHERTEXT_MAX_BYTES.value), ttlSeconds: SECRET_TTL.min.value, maxViews: 1 };
    return { ciphertext: ciphertext(64), ttlSeconds: SECRET_TTL.min.value, maxViews: 1 };
  };

  const deadline = Date.now() + duration;
  let lastReport = Date.now();
  const worker = async (w) => {
    while (Date.now() < deadline && sent < maxRequests) {
      const i = sent++;
      // errors: creates and reads alternate; both fail while D1 is locked.
      if (name === "errors" && i % 2 === 0 && readable.length) count(await request(base, "GET", `/api/secrets/${readable[i % readable.length]}`, undefined, i));
      else count(await request(base, "POST", "/api/secrets", bodyFor(), i + w));
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        log(`${sent} requests, statuses ${JSON.stringify(counts)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  } finally {
    await release();
  }
  return { sent, counts };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (n) => {
    const i = process.argv.indexOf(`--${n}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const scenario = arg("scenario");
  if (!scenario || !SCENARIOS[scenario]) {
    console.error("usage: npm run traffic -- --scenario errors|slow|growth [--url http://127.0.0.1:8787] [--duration 15m] [--max-requests N] [--concurrency N] [--persist-to DIR]");
    process.exit(2);
  }
  const page = alertsPage();
  console.log(`[traffic] ${scenario}: expect ${SCENARIOS[scenario].alerts}; ${page ? `watch ${page}` : "start npm start to watch them (it prints its alerts page)"}`);
  const result = await runScenario(scenario, {
    url: arg("url"),
    duration: arg("duration") ? parseDuration(arg("duration")) : undefined,
    maxRequests: arg("max-requests") ? Number(arg("max-requests")) : undefined,
    concurrency: arg("concurrency") ? Number(arg("concurrency")) : undefined,
    persistTo: arg("persist-to"),
    log: (line) => console.log(`[traffic] ${line}`),
  });
  console.log(`[traffic] done: ${result.sent} requests, statuses ${JSON.stringify(result.counts)}`);
}
