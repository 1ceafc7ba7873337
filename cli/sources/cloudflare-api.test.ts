import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { D1_SIZE } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { runCli } from "../test/capture.ts";
import { CloudflareStandIn, type StandInDatabase } from "../test/cloudflare-stand-in.ts";
import { REPO } from "../test/local-d1-fixture.ts";

const TOKEN = "test-token-abc";
const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
const UUID = "5f0b2a3c-1d2e-4f50-8a6b-7c8d9e0f1a2b";
const NOW = "2026-11-27T12:00:00Z";
const PER_DAY = 40e6;

function dates(n: number, startBytes: number): { date: string; bytes: number }[] {
  const end = Date.parse("2026-11-27T00:00:00Z");
  return Array.from({ length: n }, (_, i) => ({ date: new Date(end - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10), bytes: startBytes + PER_DAY * i }));
}

const target = (over: Partial<StandInDatabase> = {}): StandInDatabase => ({
  uuid: UUID, name: "moltsecret", file_size: 2_000_000_000, num_tables: 3,
  storage: dates(30, 800_000_000), usage: { readQueries: 9_000_000, writeQueries: 3_000_000, rowsRead: 40_000_000_000, rowsWritten: 90_000_000 },
  peakMinuteWrites: 6_000, tables: { secrets: 1234, d1_migrations: 1 }, ...over,
});

// More than one page of databases whose names contain the one we want, so resolving the name must paginate.
const others: StandInDatabase[] = Array.from({ length: 150 }, (_, i) => ({ uuid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: `moltsecret-${i}`, file_size: 1, num_tables: 1 }));

let cf: CloudflareStandIn;
const env = (over: NodeJS.ProcessEnv = {}) => ({ CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_BASE_URL: cf.baseUrl, ...over });

async function start(dbs: StandInDatabase[]) {
  cf = await new CloudflareStandIn(TOKEN, ACCOUNT, dbs).start();
}
afterEach(async () => cf?.stop());

describe("capacity --source cloudflare against the documented REST and GraphQL shapes", () => {
  beforeEach(async () => start([...others, target()]));

  it("resolves the wrangler.toml database name through the paginated list, sends the Bearer token, and reports", async () => {
    const { code, stdout, stderr } = await runCli(["capacity", "--json", "--now", NOW], env(), REPO);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as CapacityReport;
    expect(report.source).toBe("cloudflare");
    expect(report.database).toMatchObject({ name: "moltsecret", id: UUID, sizeBytes: 2_000_000_000, numTables: 3 });
    const lists = cf.requests.filter((r) => r.method === "GET" && r.path.endsWith("/d1/database"));
    expect(lists.map((r) => r.query.get("page"))).toEqual(["1", "2"]);
    expect(lists[0]!.query.get("name")).toBe("moltsecret");
    expect(cf.requests.some((r) => r.path.endsWith(`/d1/database/${UUID}`))).toBe(true);
    expect(cf.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const gql = cf.requests.find((r) => r.path.endsWith("/graphql"))!;
    expect((gql.body as { query: string }).query).toMatch(/d1AnalyticsAdaptiveGroups[\s\S]*d1StorageAdaptiveGroups/);
    expect((gql.body as { variables: Record<string, string> }).variables).toMatchObject({ accountTag: ACCOUNT, databaseId: UUID });

    const t = Object.fromEntries(report.triggers.map((x) => [x.id, x]));
    expect(t.d1_size).toMatchObject({ status: "ok", value: 2_000_000_000, warning: D1_SIZE.warning.value, critical: D1_SIZE.critical.value, unit: "bytes" });
    expect(t.write_rate!.value).toBe(6_000 / 60);
    expect(report.projection!.bytesPerDay).toBeCloseTo(PER_DAY, 3);
    expect(report.projection!.points).toBe(30);
    // 2 GB growing 40 MB/day reaches 5 GB in 75 days: beyond the 30-day lead time, so still OK.
    expect(report.projection!.daysToWarning).toBeCloseTo((5e9 - (800_000_000 + PER_DAY * 29)) / PER_DAY, 6);
    expect(report.status).toBe("ok");
    expect(report.cost.unmeasured).toEqual(["KV reads", "KV writes", "Durable Object requests"]);
    expect(report.cost.lines.find((l) => l.item === "D1 rows written")!.billable).toBe(90_000_000 - 50_000_000);
  });

  it("reads the Worker's error rate from workersInvocationsAdaptive (service health, not the exit code) and shows the traffic", async () => {
    cf.workers["moltsecret-api"] = { requests1h: 10_000, errors1h: 300, requests30d: 9_000_000, errors30d: 9_000, cpuTimeUs30d: 18_000_000_000 };
    const { code, stdout, stderr } = await runCli(["capacity", "--now", NOW], env(), REPO);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Service health: WARNING/m);
    expect(stdout).toMatch(/^error_rate\s+WARNING\s+3%/m);
    // wrangler d1 info's 24 h figures, from the same analytics.
    expect(stdout).toMatch(/D1 24h\s+300K read \/ 100K write queries; 1\.33B rows read, 3M rows written/);
    expect(stdout).toMatch(/Worker moltsecret-api 30d\s+9M requests, 9K errors, 2 ms CPU per request/);
    expect(stdout).toMatch(/D1 30d\s+9M read \/ 3M write queries; 40B rows read, 90M rows written/);
    // 9M requests and 18,000 s of CPU fit the Paid plan's allowances: the Worker adds only its $5 base.
    expect(stdout).toMatch(/Workers requests: \$0\.00/);
    expect(stdout).toMatch(/D1 rows written: \$40\.00/);
    // 40B rows read: 15B over the 25B included at $0.001/M.
    expect(stdout).toMatch(/D1 rows read: \$15\.00/);
    expect(stdout).toMatch(/Total: \$60\.00\/month \(not measured: KV reads, KV writes, Durable Object requests\)/);
    const gql = cf.requests.filter((r) => r.path.endsWith("/graphql")).map((r) => r.body as { variables: Record<string, string> });
    expect(gql.some((b) => b.variables.scriptName === "moltsecret-api")).toBe(true);
  });

  it("accepts a uuid without listing, counts rows on request, and exits 2 past the critical size", async () => {
    await cf.stop();
    await start([target({ file_size: D1_SIZE.critical.value + 1 })]);
    const { code, stdout, stderr } = await runCli(["capacity", "--json", "--database", UUID, "--count-rows", "--now", NOW], env());
    expect(code).toBe(2);
    expect(stderr).toMatch(/^CAPACITY CRITICAL: D1 size 8 GB is above critical 8 GB/);
    const report = JSON.parse(stdout) as CapacityReport;
    expect(report.status).toBe("critical");
    expect(report.database.rows).toBe(1235);
    expect(report.recommendation.migrate).toBe(true);
    expect(cf.requests.some((r) => r.path.endsWith("/d1/database") && r.method === "GET")).toBe(false);
  });

  it("a refused token (403) is UNKNOWN with a one-line reason and a hint", async () => {
    const { code, stdout, stderr } = await runCli(["capacity", "--database", "moltsecret"], env({ CLOUDFLARE_API_TOKEN: "wrong" }));
    expect(code).toBe(3);
    // The plugin's status line, always: a monitoring system shows why.
    expect(stdout).toBe("CAPACITY UNKNOWN: Cloudflare API refused the token (HTTP 403): Authentication error (code 10000)\n");
    const json = await runCli(["capacity", "--json", "--database", "moltsecret"], env({ CLOUDFLARE_API_TOKEN: "wrong" }));
    expect(JSON.parse(json.stdout)).toEqual({ status: "unknown", error: { message: expect.stringMatching(/^Cloudflare API refused the token/), hint: expect.stringMatching(/D1 > Read/) } });
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("moltsecret: Cloudflare API refused the token (HTTP 403): Authentication error (code 10000)");
    expect(lines[1]).toMatch(/^hint: .*D1 > Read/);
    expect(stderr).not.toContain("wrong");
  });

  it("an unknown database name or uuid is UNKNOWN and says which", async () => {
    const byName = await runCli(["capacity", "--database", "nope"], env());
    expect(byName.code).toBe(3);
    expect(byName.stderr).toMatch(/^moltsecret: unknown D1 database "nope" in account/);
    const byId = await runCli(["capacity", "--database", "11111111-2222-4333-8444-555555555555"], env());
    expect(byId.code).toBe(3);
    expect(byId.stderr).toMatch(/unknown D1 database "11111111-2222-4333-8444-555555555555" \(HTTP 404: The database .* could not be found \(code 7404\)\)/);
  });

  it("an error envelope (success: false) is UNKNOWN", async () => {
    cf.envelopeFailure = true;
    const { code, stderr } = await runCli(["capacity", "--database", "moltsecret"], env());
    expect(code).toBe(3);
    expect(stderr).toMatch(/Internal error while processing the request \(code 7500\)/);
  });

  it("GraphQL errors and a half-configured environment are UNKNOWN", async () => {
    const wrongAccount = await runCli(["capacity", "--database", UUID], env({ CLOUDFLARE_ACCOUNT_ID: "ffffffffffffffffffffffffffffffff" }));
    expect(wrongAccount.code).toBe(3);
    const half = await runCli(["capacity", "--database", UUID], { CLOUDFLARE_API_TOKEN: TOKEN });
    expect(half.code).toBe(3);
    expect(half.stderr).toMatch(/CLOUDFLARE_ACCOUNT_ID is not set/);
  });

  it("an unreachable API is UNKNOWN", async () => {
    const e = env();
    await cf.stop();
    const { code, stderr } = await runCli(["capacity", "--database", UUID], e);
    expect(code).toBe(3);
    expect(stderr).toMatch(/Cloudflare API unreachable/);
    await start([]);
  });
});
