#!/usr/bin/env node
// A local Prometheus on 127.0.0.1 that evaluates the generated alert rules (alerts/generated/prometheus) on the
// metrics of the local VictoriaMetrics, scraped from VM's /federate. Watch alerts go pending and firing at
// http://127.0.0.1:<port>/alerts (API: /api/v1/alerts). Also accepts remote write (--web.enable-remote-write-receiver).
//   node scripts/obs/prometheus.mjs --vm http://127.0.0.1:8428 [--port 18800] [--interval 1m]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse, stringify } from "yaml";
import { obsBinaries } from "./binaries.mjs";
import { freePort, startService } from "./service.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const RULES_FILE = join(ROOT, "alerts", "generated", "prometheus", "moltsecret.rules.yaml");
/** npm start's Prometheus port (within the dashboards/alerts range 18800-18849). */
export const DEFAULT_PORT = 18800;

/**
 * Starts Prometheus with the generated rules, federating every series from `vmUrl`.
 * `interval` overrides the rule groups' evaluation interval and the scrape interval (tests, quick demos);
 * by default the rules run exactly as generated.
 */
export async function startPrometheus({ vmUrl, port, interval, scrapeInterval = "15s", rulesFile = RULES_FILE, inherit = false } = {}) {
  if (!vmUrl) throw new Error("startPrometheus: vmUrl (the local VictoriaMetrics) is required");
  const { prometheus } = await obsBinaries();
  const listenPort = port ?? (await freePort());
  mkdirSync(join(ROOT, ".cache", "prometheus"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".cache", "prometheus", "run-"));
  const rules = parse(readFileSync(rulesFile, "utf8"));
  if (interval) for (const group of rules.groups) group.interval = interval;
  writeFileSync(join(dir, "rules.yaml"), stringify(rules, { lineWidth: 0 }));
  const vm = new URL(vmUrl);
  const config = {
    global: { scrape_interval: interval ?? scrapeInterval, evaluation_interval: interval ?? "1m" },
    rule_files: [join(dir, "rules.yaml")],
    scrape_configs: [
      {
        job_name: "victoria-metrics-federate",
        honor_labels: true,
        metrics_path: "/federate",
        params: { "match[]": ['{__name__=~".+"}'] },
        static_configs: [{ targets: [vm.host] }],
      },
    ],
  };
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const url = `http://127.0.0.1:${listenPort}`;
  const service = await startService({
    name: "prometheus",
    cmd: prometheus,
    args: [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${listenPort}`,
      "--web.enable-remote-write-receiver",
      "--log.level=warn",
    ],
    readyUrl: `${url}/-/ready`,
    timeoutMs: 20_000,
    inherit,
  });
  return {
    url,
    pid: service.pid,
    /** Alerts as /api/v1/alerts returns them: [{ labels, annotations, state: "pending" | "firing", value }]. */
    alerts: async () => (await (await fetch(`${url}/api/v1/alerts`)).json()).data.alerts,
    query: async (promql) => (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()).data.result,
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const vmUrl = arg("vm") ?? process.env.MOLTSECRET_VM_URL;
  if (!vmUrl) {
    console.error("usage: node scripts/obs/prometheus.mjs --vm http://127.0.0.1:<vm port> [--port 18800] [--interval 15s]");
    process.exit(2);
  }
  const prom = await startPrometheus({ vmUrl, port: Number(arg("port") ?? DEFAULT_PORT), interval: arg("interval") });
  console.log(`Prometheus on ${prom.url} evaluating ${RULES_FILE} on ${vmUrl}: alerts at ${prom.url}/alerts, API ${prom.url}/api/v1/alerts`);
  const stop = () => prom.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
