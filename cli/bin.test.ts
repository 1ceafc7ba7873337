import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { D1_SIZE } from "../catalog/index.ts";
import { CloudflareStandIn } from "./test/cloudflare-stand-in.ts";
import { moltsecret } from "./test/bin.ts";

const TOKEN = "bin-test-token";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const UUID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
let cf: CloudflareStandIn;

beforeAll(async () => {
  cf = await new CloudflareStandIn(TOKEN, ACCOUNT, [
    { uuid: UUID, name: "moltsecret", file_size: D1_SIZE.warning.value + 1, num_tables: 2 },
    { uuid: "bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "huge", file_size: D1_SIZE.critical.value + 1, num_tables: 2 },
    { uuid: "cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "small", file_size: 1e6, num_tables: 2 },
  ]).start();
});
afterAll(async () => cf.stop());

const cfEnv = () => ({ CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_BASE_URL: cf.baseUrl });

describe("bin/moltsecret.js as a subprocess", () => {
  it("--help lists the commands and the exit codes; each command's help has examples", async () => {
    const root = await moltsecret(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Usage: moltsecret/);
    for (const c of ["capacity", "cost", "migrate"]) expect(root.stdout).toContain(c);
    expect(root.stdout).toMatch(/3 {2}UNKNOWN/);
    // Every command's help text is compared with the README in-process (readme.test.ts); two suffice here.
    const helps = await Promise.all([["capacity"], ["migrate", "run"]].map((sub) => moltsecret([...sub, "--help"])));
    for (const h of helps) {
      expect(h.code).toBe(0);
      expect(h.stdout).toContain("Examples:");
    }
  });

  it("exits 0, 1 and 2 for OK, WARNING and CRITICAL", async () => {
    const [ok, warn, crit] = await Promise.all([
      moltsecret(["capacity", "--database", "small"], cfEnv()),
      moltsecret(["capacity", "--database", "moltsecret", "--json"], cfEnv()),
      moltsecret(["capacity", "--database", "huge"], cfEnv()),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/MoltSecret capacity: OK/);
    expect(warn.code).toBe(1);
    expect(JSON.parse(warn.stdout).status).toBe("warning");
    expect(crit.code).toBe(2);
    expect(crit.stderr).toMatch(/^CAPACITY CRITICAL: D1 size/);
  });

  it("exits 3 with a reason on stderr for bad arguments, unknown commands and unreachable sources", async () => {
    const [badCount, unknown, badChoice, noCreds] = await Promise.all([
      moltsecret(["cost", "--requests", "lots"]),
      moltsecret(["frobnicate"]),
      moltsecret(["migrate", "plan", "--to", "oracle"]),
      moltsecret(["capacity", "--source", "cloudflare", "--database", "x"]),
    ]);
    expect(badCount.code).toBe(3);
    expect(badCount.stderr).toMatch(/^moltsecret: invalid --requests "lots"\nhint: /);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(badChoice.code).toBe(3);
    expect(badChoice.stderr).toMatch(/argument 'oracle' is invalid/);
    expect(noCreds.code).toBe(3);
    expect(noCreds.stderr).toMatch(/^moltsecret: the Cloudflare source needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID\nhint: /);
  });

  it("the exit code is the migration verdict: a CRITICAL error rate alone exits 0 with service health CRITICAL", async () => {
    cf.workers["moltsecret-api"] = { requests1h: 1000, errors1h: 300, requests30d: 1e6, errors30d: 3e5, cpuTimeUs30d: 1e9 };
    try {
      const r = await moltsecret(["capacity", "--database", "small", "--script-name", "moltsecret-api"], cfEnv());
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout.split("\n")[0]).toMatch(/^CAPACITY OK: no migration trigger fired; D1 size 1 MB \| d1_size=1000000B;5000000000;8000000000;0;10000000000 /);
      expect(r.stdout).toMatch(/^Service health: CRITICAL/m);
    } finally {
      delete cf.workers["moltsecret-api"];
    }
  });

  it("prints the plugin status line first, with -w/-c ranges applied and in the perfdata", async () => {
    const r = await moltsecret(["capacity", "--database", "small", "-w", "500kB", "-c", "d1_size=2MB,write_latency_p95=40ms"], cfEnv());
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(
      "CAPACITY WARNING: D1 size 1 MB is above warning 500 kB (limit 10 GB) | d1_size=1000000B;500000;2000000;0;10000000000 " +
      "d1_rows=U;250000000;400000000;0;500000000 write_latency_p95=U;0.05;0.04;0; write_rate=U;500;800;0;1000 d1_size_projection=U;5000000000;;0;",
    );
    const bad = await moltsecret(["capacity", "--database", "small", "-w", "lots"], cfEnv());
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^moltsecret: invalid threshold range "lots"\nhint: /);
  });

  it("an unreachable Prometheus still reports the size, with valid JSON and exit 3", async () => {
    const r = await moltsecret(["capacity", "--database", "small", "--json", "--prometheus-url", "http://127.0.0.1:1"], cfEnv());
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ status: "unknown", database: { sizeBytes: 1e6 }, unmeasured: [{ source: "prometheus" }] });
    expect(r.stderr).toMatch(/^moltsecret: Prometheus unreachable at http:\/\/127\.0\.0\.1:1 /);
  });

  it("cost prints JSON with the catalog's projection table", async () => {
    const r = await moltsecret(["cost", "--requests", "100M", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.requestsPerMonth).toBe(100e6);
    expect(j.documentProjections.map((p: { scale: string }) => p.scale)).toEqual(["MVP", "Growth", "Scale", "Big"]);
  });
});
