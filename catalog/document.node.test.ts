import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BREAK_EVEN,
  COST_PROJECTIONS,
  D1_LIMITS,
  D1_SIZE,
  EDGE_CACHE,
  ERROR_RATE,
  KV_HOT_READS_PER_MINUTE,
  LATENCY_TARGETS,
  LIMIT_FRACTIONS,
  MIGRATION,
  P95_LATENCY,
  PRICES,
  QUERY_CACHE_TTL,
  SUCCESS_RATE_TARGET,
  WORKER_CPU,
  WORKER_LIMITS,
  WRITE_BEHIND_FLUSH,
  type Quantity,
} from "./index.ts";

/**
 * An independent check of the catalog against the source document: each figure is written here as the
 * document writes it ("5GB", ">500ms", "$0.50/M"), parsed by a parser that knows nothing of the catalog,
 * and compared with the catalog's value. The promtool tests take thresholds from the catalog, so a wrong
 * catalog value would pass them; it fails here.
 */
const ROOT = resolve(import.meta.dirname, "..");
const VENDORED = resolve(ROOT, "docs/source/infrastructure-recommendations.md");
const UPSTREAM = resolve(ROOT, "../shared/infrastructure-recommendations.md");

const SUFFIXES: Record<string, number> = {
  GB: 1e9, ms: 1e-3, s: 1, " seconds": 1, " year": 365 * 86_400, "%": 0.01, K: 1e3, M: 1e6, B: 1e9, "": 1,
};

/** "5GB" -> 5e9 bytes, ">500ms" -> 0.5 s, "99.5%" -> 0.995, "$0.50/M" -> 0.5 (USD per million), "Free" -> 0. */
export function parseDocumentFigure(token: string): number {
  if (token === "Free") return 0;
  const match = /^[<>~]?\$?(\d+(?:\.\d+)?)(GB|ms|s| seconds| year|%|K|M|B|)\+?(?:\/M|\/mo)?$/.exec(token);
  if (!match) throw new Error(`unparsed document figure: ${token}`);
  return Number(match[1]) * SUFFIXES[match[2]!]!;
}

/** The catalog's value in the parser's canonical units (seconds, bytes, ratios, counts, USD). */
const canonical = (quantity: Quantity): number => (quantity.unit === "ms" ? quantity.value / 1000 : quantity.value);

interface Figure {
  /** A passage copied verbatim from the document. */
  quote: string;
  /** The figure inside the passage, as written there. */
  token: string;
  catalog: number;
}

const f = (quote: string, token: string, catalog: Quantity | number): Figure => ({
  quote,
  token,
  catalog: typeof catalog === "number" ? catalog : canonical(catalog),
});

const FIGURES: Figure[] = [
  // Recommendation 1
  f("**Storage:** 10GB max per database", "10GB", D1_LIMITS.maxSize),
  f("**Rows:** 500M row limit", "500M", D1_LIMITS.maxRows),
  f("~1000 writes/sec typical", "1000", D1_LIMITS.writesPerSecond),
  f("Database > 5GB (50% of limit)", "5GB", MIGRATION.d1Size),
  f("Database > 5GB (50% of limit)", "50%", LIMIT_FRACTIONS.warning),
  f("Write latency > 50ms p95", "50ms", MIGRATION.writeLatencyP95),
  // Recommendation 2
  f("Immutable assets: 1 year", "1 year", EDGE_CACHE.immutableMaxAge),
  f("API responses: 60 seconds (stale-while-revalidate)", "60 seconds", EDGE_CACHE.maxAge),
  f("Cache hot queries in KV with 30s TTL", "30s", QUERY_CACHE_TTL),
  f("| Cache API | Free | ~1ms | Eventual |", "Free", PRICES.cacheApiReads),
  f("| Workers KV | $0.50/M | ~10ms | Eventual |", "$0.50/M", PRICES.kvReadsPerMillion),
  f("| D1 Direct | $0.001/M | ~20-50ms | Strong |", "$0.001/M", PRICES.d1ReadsPerMillion),
  // Recommendation 3
  f("| US | <20ms | <30ms |", "<20ms", LATENCY_TARGETS.us.read),
  f("| US | <20ms | <30ms |", "<30ms", LATENCY_TARGETS.us.write),
  f("| EU | <30ms | <150ms |", "<30ms", LATENCY_TARGETS.eu.read),
  f("| EU | <30ms | <150ms |", "<150ms", LATENCY_TARGETS.eu.write),
  f("| APAC | <50ms | <200ms |", "<50ms", LATENCY_TARGETS.apac.read),
  f("| APAC | <50ms | <200ms |", "<200ms", LATENCY_TARGETS.apac.write),
  // Recommendation 4
  f("Request success rate (target: >99.5%)", ">99.5%", SUCCESS_RATE_TARGET),
  f("| Error rate | >1% | >5% |", ">1%", ERROR_RATE.warning),
  f("| Error rate | >1% | >5% |", ">5%", ERROR_RATE.critical),
  f("| p95 latency | >500ms | >2s |", ">500ms", P95_LATENCY.warning),
  f("| p95 latency | >500ms | >2s |", ">2s", P95_LATENCY.critical),
  f("| D1 size | >5GB | >8GB |", ">5GB", D1_SIZE.warning),
  f("| D1 size | >5GB | >8GB |", ">8GB", D1_SIZE.critical),
  f("| Worker CPU | >30ms | >50ms |", ">30ms", WORKER_CPU.warning),
  f("| Worker CPU | >30ms | >50ms |", ">50ms", WORKER_CPU.critical),
  // Recommendation 5
  f("| Workers | 100K req/day | $5/mo for 10M |", "100K", PRICES.workersFreeRequestsPerDay),
  f("| Workers | 100K req/day | $5/mo for 10M |", "$5/mo", PRICES.workersBaseMonthly),
  f("| Workers | 100K req/day | $5/mo for 10M |", "10M", PRICES.workersIncludedRequests),
  f("| D1 | 5M reads/day | $0.001/M after |", "5M", PRICES.d1FreeReadsPerDay),
  f("| D1 | 5M reads/day | $0.001/M after |", "$0.001/M", PRICES.d1ReadsPerMillion),
  f("| KV | 100K reads/day | $0.50/M after |", "100K", PRICES.kvFreeReadsPerDay),
  f("| KV | 100K reads/day | $0.50/M after |", "$0.50/M", PRICES.kvReadsPerMillion),
  f("// Use: accumulate in Durable Object, flush every 100ms", "100ms", WRITE_BEHIND_FLUSH),
  f("'Cache-Control': 'public, max-age=60, stale-while-revalidate=300'", "60", EDGE_CACHE.maxAge),
  f("'Cache-Control': 'public, max-age=60, stale-while-revalidate=300'", "300", EDGE_CACHE.staleWhileRevalidate),
  f("- Use KV for hot data only (>10 reads/min)", ">10", KV_HOT_READS_PER_MINUTE),
  f("cpu_ms = 10  # Start low, increase as needed", "10", WORKER_LIMITS.cpuMs.value),
  ...COST_PROJECTIONS.flatMap((row) => {
    const quote = {
      MVP: "| MVP | <3M | $0 (free tier) |",
      Growth: "| Growth | 10M | ~$10-15 |",
      Scale: "| Scale | 100M | ~$80-120 |",
      Big: "| Big | 1B | ~$500-800 |",
    }[row.scale];
    const [, requests, low, high] = /^\| \w+ \| ([^ ]+) \| ~?\$(\d+)(?:-(\d+))?/.exec(quote)!;
    return [f(quote, requests!, row.requestsPerMonth), f(quote, `$${low}`, row.low), f(quote, high ?? `$${low}`, row.high)];
  }),
  f("at ~500M+ requests/month", "~500M+", BREAK_EVEN.requestsPerMonth),
  f("worth 2-3x the raw compute cost", "2", BREAK_EVEN.simplicityPremium.low),
  f("worth 2-3x the raw compute cost", "3", BREAK_EVEN.simplicityPremium.high),
  f("plan migration at 5GB", "5GB", MIGRATION.d1Size),
];

describe("the catalog against the source document, figure by figure", () => {
  const document = readFileSync(VENDORED, "utf8");

  it.each(FIGURES)("$quote: $token", ({ quote, token, catalog }) => {
    expect(document, "the passage is quoted verbatim from the document").toContain(quote);
    expect(quote).toContain(token);
    expect(catalog).toBeCloseTo(parseDocumentFigure(token), 12);
  });

  it("derives the 80% critical fraction from the document's 8GB of 10GB", () => {
    expect(LIMIT_FRACTIONS.critical.value).toBeCloseTo(parseDocumentFigure("8GB") / parseDocumentFigure("10GB"), 12);
  });

  it("parses the document's notations", () => {
    expect(parseDocumentFigure(">500ms")).toBeCloseTo(0.5, 12);
    expect(parseDocumentFigure("99.5%")).toBeCloseTo(0.995, 12);
    expect(parseDocumentFigure("1B")).toBe(1e9);
    expect(() => parseDocumentFigure("five GB")).toThrow(/unparsed/);
  });

  it.skipIf(!existsSync(UPSTREAM))("the vendored copy is the source document as it stands", () => {
    expect(document).toBe(readFileSync(UPSTREAM, "utf8"));
  });
});
