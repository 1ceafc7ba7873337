import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UPTIME } from "../../catalog/index.ts";
import { moltsecret } from "../test/bin.ts";
import { runCli } from "../test/capture.ts";
import { REPO } from "../test/local-d1-fixture.ts";
import { UptimeStandIn } from "./test/stand-in.ts";

const CF_TOKEN = "cf-uptime-test-token";
const BS_TOKEN = "bs-uptime-test-token";
const ZONE = "0123456789abcdef0123456789abcdef";
const URL_ = "https://api.moltsecret.example";
const HEALTH = `${URL_}${UPTIME.healthPath}`;
let api: UptimeStandIn;

beforeAll(async () => {
  api = await new UptimeStandIn(CF_TOKEN, BS_TOKEN, ZONE).start();
});
afterAll(async () => api.stop());
beforeEach(() => {
  api.requests.length = 0;
  api.healthChecks.clear();
  api.monitors.length = 0;
});

const env = (over: Record<string, string> = {}) => ({
  CLOUDFLARE_API_TOKEN: CF_TOKEN, CLOUDFLARE_ZONE_ID: ZONE, CLOUDFLARE_API_BASE_URL: api.cloudflareBase,
  BETTERSTACK_API_TOKEN: BS_TOKEN, BETTERSTACK_API_BASE_URL: api.betterStackBase, ...over,
});
const writes = () => api.requests.filter((r) => r.method !== "GET");

describe("moltsecret uptime sync", () => {
  it("--dry-run reads both providers, prints what it would create from the catalog, and writes nothing", async () => {
    const r = await moltsecret(["uptime", "sync", "--url", URL_, "--dry-run"], env());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dry run: nothing changed. probes of ${HEALTH}`);
    expect(r.stdout).toContain(`Cloudflare Health Check "${UPTIME.checkName}": would create`);
    expect(r.stdout).toContain(`interval = ${UPTIME.cloudflare.interval.value}`);
    expect(r.stdout).toContain(`Better Stack monitor "${UPTIME.checkName}": would create`);
    expect(r.stdout).toContain(`check_frequency = ${UPTIME.betterStack.checkFrequency.value}`);
    expect(writes()).toEqual([]);
    expect(api.requests.map((q) => q.provider).sort()).toEqual(["betterstack", "cloudflare"]);
  });

  it("creates both probes, then a second run changes nothing; a drifted setting is put back", async () => {
    const first = await moltsecret(["uptime", "sync", "--url", URL_], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Cloudflare Health Check .*: created \(id [0-9a-f]{32}\)/);
    expect(first.stdout).toMatch(/Better Stack monitor .*: created \(id \d+\)/);
    const [check] = api.healthChecks.get(ZONE)!;
    expect(check).toMatchObject({ name: UPTIME.checkName, address: "api.moltsecret.example", type: "HTTPS", interval: UPTIME.cloudflare.interval.value, consecutive_fails: UPTIME.cloudflare.consecutiveFails.value });
    expect(check!.http_config).toMatchObject({ path: UPTIME.healthPath, expected_codes: ["200"], method: "GET" });
    expect(api.monitors[0]!.attributes).toMatchObject({ url: HEALTH, monitor_type: "keyword", check_frequency: UPTIME.betterStack.checkFrequency.value });
    for (const q of api.requests) expect(q.authorization).toBe(`Bearer ${q.provider === "cloudflare" ? CF_TOKEN : BS_TOKEN}`);

    api.requests.length = 0;
    const second = await moltsecret(["uptime", "sync", "--url", URL_], env());
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Cloudflare Health Check "${UPTIME.checkName}": unchanged`);
    expect(second.stdout).toContain(`Better Stack monitor "${UPTIME.checkName}": unchanged`);
    expect(writes()).toEqual([]);

    check!.interval = 300;
    api.monitors[0]!.attributes.check_frequency = 30;
    api.requests.length = 0;
    const third = await moltsecret(["uptime", "sync", "--url", URL_], env());
    expect(third.stdout).toContain(`interval: 300 -> ${UPTIME.cloudflare.interval.value}`);
    expect(third.stdout).toContain(`check_frequency: 30 -> ${UPTIME.betterStack.checkFrequency.value}`);
    expect(writes().map((q) => q.method)).toEqual(["PUT", "PATCH"]);
    expect(writes()[1]!.body).toEqual({ check_frequency: UPTIME.betterStack.checkFrequency.value });
    expect(api.healthChecks.get(ZONE)).toHaveLength(1);
    expect(api.monitors).toHaveLength(1);
  });

  it("finds its health check on a later page of a zone with many", async () => {
    api.cloudflarePageSize = 2;
    try {
      await moltsecret(["uptime", "sync", "--url", URL_, "--only", "cloudflare"], env());
      api.healthChecks.get(ZONE)!.unshift(...[1, 2, 3].map((i) => ({ id: `other-${i}`, name: `other-${i}` })));
      const r = await moltsecret(["uptime", "sync", "--url", URL_, "--only", "cloudflare"], env());
      expect(r.stdout).toContain("unchanged");
      expect(api.healthChecks.get(ZONE)).toHaveLength(4);
    } finally {
      api.cloudflarePageSize = 50;
    }
  });

  it("refuses without tokens, with a bad URL or zone, and when a provider refuses the token: one line, a hint, exit 3, no token printed", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["--url", URL_], env({ CLOUDFLARE_API_TOKEN: "" }), /CLOUDFLARE_API_TOKEN is not set/],
      [["--url", URL_], env({ BETTERSTACK_API_TOKEN: "" }), /BETTERSTACK_API_TOKEN is not set/],
      [["--url", URL_], env({ BETTERSTACK_API_TOKEN: "bad token\n" }), /BETTERSTACK_API_TOKEN contains a line break/],
      [["--url", "http://api.moltsecret.example"], env(), /--url must be https/],
      [[], env(), /no public URL/],
      [["--url", URL_, "--zone-id", "nope"], env(), /zone id is not 32 hex/],
      [["--url", URL_], env({ CLOUDFLARE_API_TOKEN: "wrong-token" }), /Cloudflare API refused the token \(HTTP 403\)/],
      [["--url", URL_, "--only", "betterstack"], env({ BETTERSTACK_API_TOKEN: "wrong-token" }), /Better Stack API refused the token \(HTTP 401\)/],
    ];
    for (const [args, e, message] of cases) {
      const r = await moltsecret(["uptime", "sync", ...args], e);
      expect(r.code, r.stderr).toBe(3);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toMatch(/^moltsecret: /);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toMatch(/^hint: /);
      expect(lines).toHaveLength(2);
      for (const secret of [CF_TOKEN, BS_TOKEN, "wrong-token", "bad token"]) expect(r.stderr + r.stdout).not.toContain(secret);
    }
    expect(writes()).toEqual([]);
  });
});

describe("moltsecret uptime status", () => {
  it("prints one Nagios line: WARNING while a probe is missing or pending, OK when both are up, CRITICAL when one is down", async () => {
    const missing = await moltsecret(["uptime", "status", "--url", URL_], env());
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(`UPTIME WARNING - ${HEALTH}: Cloudflare Health Check missing (run moltsecret uptime sync); Better Stack monitor missing (run moltsecret uptime sync)\n`);
    await moltsecret(["uptime", "sync", "--url", URL_], env());
    const [check] = api.healthChecks.get(ZONE)!;
    check!.status = "healthy";
    api.monitors[0]!.attributes.status = "up";
    const up = await moltsecret(["uptime", "status", "--url", URL_], env());
    expect(up.code).toBe(0);
    expect(up.stdout).toBe(`UPTIME OK - ${HEALTH}: Cloudflare Health Check healthy; Better Stack monitor up\n`);
    check!.status = "unhealthy";
    const down = await moltsecret(["uptime", "status", "--url", URL_], env());
    expect(down.code).toBe(2);
    expect(down.stdout).toMatch(/^UPTIME CRITICAL - .*Cloudflare Health Check unhealthy/);
  });
});

describe("README", () => {
  it("pastes the uptime commands' --help verbatim and states the catalog's intervals", async () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const section = readme.split("### Uptime monitors")[1]?.split("<!-- /section:platform -->")[0] ?? "";
    for (const sub of ["sync", "status"]) expect(section).toContain((await runCli(["uptime", sub, "--help"])).stdout.trimEnd());
    expect(section).toContain(`\`UPTIME.cloudflare.interval\` = ${UPTIME.cloudflare.interval.value} s`);
    expect(section).toContain(`\`UPTIME.betterStack.checkFrequency\` = ${UPTIME.betterStack.checkFrequency.value} s`);
  });
});
