import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moltsecret, moltsecretIntoClosedPipe, type BinResult } from "./test/bin.ts";
import { CloudflareStandIn } from "./test/cloudflare-stand-in.ts";

const TOKEN = "errors-test-token";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const UUID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const NO_SIZE = "dddddddd-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/** The documented failure format: exactly `moltsecret: <reason>` then `hint: ...`, nothing else, no stack. */
function expectUserError(r: BinResult, reason: RegExp, code = 3): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^moltsecret: /);
  expect(lines[0]).toMatch(reason);
  expect(lines[1]).toMatch(/^hint: \S/);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

let cf: CloudflareStandIn;
/** Answers every path like a non-Prometheus server (wrangler dev's 404 JSON), or with HTML under /html. */
let notProm: Server;
let notPromUrl: string;

beforeAll(async () => {
  cf = await new CloudflareStandIn(TOKEN, ACCOUNT, [
    { uuid: UUID, name: "moltsecret", file_size: 1e6, num_tables: 2 },
    { uuid: NO_SIZE, name: "nosize", num_tables: 2 },
  ]).start();
  notProm = createServer((req, res) => {
    if (req.url?.startsWith("/html")) {
      res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    } else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: "No such route" } }));
  });
  await new Promise<void>((r) => notProm.listen(0, "127.0.0.1", r));
  notPromUrl = `http://127.0.0.1:${(notProm.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await cf?.stop();
  await new Promise((r) => notProm?.close(r));
});

const cfEnv = (over: NodeJS.ProcessEnv = {}) => ({ CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_BASE_URL: cf.baseUrl, ...over });

describe("every CLI failure is `moltsecret: <reason>` + `hint:`, exit 3, no stack", () => {
  it("an unwritable -o is refused before anything is measured (capacity, cost, migrate plan, migrate run)", async () => {
    const bad = "/nonexistent/dir/r.html";
    const results = await Promise.all([
      moltsecret(["capacity", "--format", "html", "-o", bad, "--database", "moltsecret"], cfEnv()),
      moltsecret(["cost", "-o", bad]),
      moltsecret(["migrate", "plan", "-o", bad]),
      moltsecret(["migrate", "run", "--to", "file:/tmp/x.db", "-o", bad, "--persist-to", "/nonexistent/state"]),
    ]);
    for (const r of results) expectUserError(r, /^moltsecret: cannot write \/nonexistent\/dir\/r\.html: folder \/nonexistent\/dir does not exist$/);
    // Refused before measuring: the Cloudflare API was never called.
    expect(cf.requests).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), "moltsecret-out-"));
    expectUserError(await moltsecret(["cost", "-o", dir]), /cannot write .*: it is a folder/);
  });

  it("a reader closing the pipe early (`--help | head -1`) ends the command quietly with its own exit code", async () => {
    const help = await moltsecretIntoClosedPipe(["capacity", "--help"]);
    expect(help).toEqual({ code: 0, stderr: "" });
    const cost = await moltsecretIntoClosedPipe(["cost", "--requests", "1M"]);
    expect(cost).toEqual({ code: 0, stderr: "" });
  });

  it("Prometheus answering something else says what came back; a malformed URL or window is blamed on its flag", async () => {
    const json404 = await moltsecret(["cost", "--prometheus-url", notPromUrl]);
    expectUserError(json404, new RegExp(`^moltsecret: Prometheus query failed: ${notPromUrl}/api/v1/query answered HTTP 404 with a JSON body that is not a Prometheus API answer: \\{"error":\\{"code":"not_found","message":"No such route"\\}\\}$`));
    const html = await moltsecret(["cost", "--prometheus-url", `${notPromUrl}/html`]);
    expectUserError(html, /answered HTTP 502 with text\/html: <html><body><h1>502 Bad Gateway<\/h1>/);
    const notUrl = await moltsecret(["capacity", "--prometheus-url", "not-a-url", "--database", "moltsecret"], cfEnv());
    expectUserError(notUrl, /^moltsecret: invalid --prometheus-url "not-a-url": not a URL$/);
    expect(notUrl.stderr.length).toBeLessThan(300);
    expectUserError(await moltsecret(["cost", "--prometheus-url", "ftp://x"]), /ftp: is not http: or https:/);
    expectUserError(await moltsecret(["cost", "--window", "abc", "--prometheus-url", notPromUrl]), /^moltsecret: invalid --window "abc": not a Prometheus duration$/);
  });

  it("parser errors use the same format and name the command's --help", async () => {
    const [bogus, pdf, noTo, unknown] = await Promise.all([
      moltsecret(["capacity", "--bogus"]),
      moltsecret(["capacity", "--format", "pdf"]),
      moltsecret(["migrate", "run"]),
      moltsecret(["frobnicate"]),
    ]);
    expectUserError(bogus, /^moltsecret: unknown option '--bogus'$/);
    expect(bogus.stderr).toContain("hint: run `moltsecret capacity --help` for usage");
    expectUserError(pdf, /^moltsecret: option '--format <format>' argument 'pdf' is invalid\. Allowed choices are text, json, markdown, html\.$/);
    expectUserError(noTo, /^moltsecret: required option '--to <url>' not specified$/);
    expect(noTo.stderr).toContain("`moltsecret migrate run --help`");
    expectUserError(unknown, /^moltsecret: unknown command 'frobnicate'$/);
  });

  it("push without a Grafana URL or token has a hint; build refuses a missing --out and prints full paths", async () => {
    expectUserError(await moltsecret(["dashboards", "push"]), /^moltsecret: no Grafana URL$/);
    expectUserError(await moltsecret(["alerts", "push", "--grafana-url", "http://127.0.0.1:9"]), /^moltsecret: no Grafana token$/);
    const missing = await moltsecret(["dashboards", "build", "--out", "/nonexistent"]);
    expectUserError(missing, /^moltsecret: --out \/nonexistent is not an existing folder$/);
    expect(readdirSync("/").includes("nonexistent")).toBe(false);
    const out = mkdtempSync(join(tmpdir(), "moltsecret-build-"));
    const built = await moltsecret(["dashboards", "build", "--out", out]);
    expect(built.code).toBe(0);
    const lines = built.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).toMatch(new RegExp(`^wrote ${out}/dashboards/generated/[\\w-]+\\.json$`));
  });

  it("a credential with a line break is refused before use and never printed (Cloudflare, Grafana, Prometheus)", async () => {
    const secret = "sekrit-abc\r\nX-Injected: 1";
    const results = await Promise.all([
      moltsecret(["capacity", "--database", "moltsecret"], cfEnv({ CLOUDFLARE_API_TOKEN: secret })),
      moltsecret(["dashboards", "push", "--grafana-url", "http://127.0.0.1:9"], { GRAFANA_TOKEN: secret }),
      moltsecret(["alerts", "push", "--grafana-url", "http://127.0.0.1:9", "--token", secret]),
      moltsecret(["cost", "--prometheus-url", notPromUrl], { PROMETHEUS_BEARER_TOKEN: secret }),
      moltsecret(["migrate", "run", "--to", "libsql://example.turso.io", "--persist-to", "/nonexistent/state"], { TURSO_AUTH_TOKEN: secret }),
    ]);
    const names = ["CLOUDFLARE_API_TOKEN", "GRAFANA_TOKEN", "--token", "PROMETHEUS_BEARER_TOKEN", "TURSO_AUTH_TOKEN"];
    results.forEach((r, i) => {
      expectUserError(r, new RegExp(`^moltsecret: ${names[i]} contains a line break, which cannot go into an HTTP header \\(value not shown\\)$`));
      expect(r.stderr + r.stdout).not.toContain("sekrit");
    });
    expect(cf.requests.filter((q) => q.authorization?.includes("sekrit"))).toHaveLength(0);
  });

  it("a Cloudflare answer without file_size, or a JSON null body, is UNKNOWN with a message", async () => {
    expectUserError(await moltsecret(["capacity", "--database", NO_SIZE], cfEnv()), /^moltsecret: Cloudflare API returned no file_size for D1 database nosize: its size is unknown$/);
    cf.nullBody = true;
    try {
      expectUserError(await moltsecret(["capacity", "--database", UUID], cfEnv()), /^moltsecret: Cloudflare API answered 200 with a JSON null body on GET \/accounts\/.*, not an API envelope$/);
    } finally {
      cf.nullBody = false;
    }
  });
});
