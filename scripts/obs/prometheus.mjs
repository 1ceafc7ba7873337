// A real Prometheus 2.53 on 127.0.0.1 as the store of the local Grafana Cloud stand-in: it receives remote write
// (--web.enable-remote-write-receiver, fed by vmagent), answers PromQL with the engine Mimir uses, and evaluates the
// generated alert rules (alerts/generated/prometheus). Debian's build serves its UI under /classic/.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { obsBinaries } from "./binaries.mjs";
import { freePort, inRunDirectory, startService } from "./service.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const RULES_FILE = join(ROOT, "alerts", "generated", "prometheus", "moltsecret.rules.yaml");

/** UI pages that Debian's Prometheus serves (its React UI is not packaged): what `npm start` prints. */
export const UI_PATHS = { graph: "/classic/graph", alerts: "/classic/alerts", rules: "/classic/rules" };

/**
 * Starts Prometheus with the generated rules and the remote-write receiver, no scrape targets.
 * `interval` overrides the rule groups' evaluation interval (tests, quick demos); by default the rules run as generated.
 * Data lives in a fresh directory under `dataRoot` (default .cache/prometheus), removed on stop.
 */
export async function startPrometheus({ port, interval, rulesFile = RULES_FILE, dataRoot = join(ROOT, ".cache", "prometheus"), inherit = false } = {}) {
  const { prometheus, prometheusCwd } = await obsBinaries();
  const listenPort = port || (await freePort());
  return inRunDirectory(dataRoot, async (dir) => {
    const rules = parse(readFileSync(rulesFile, "utf8"));
    if (interval) for (const group of rules.groups) group.interval = interval;
    writeFileSync(join(dir, "rules.yaml"), stringify(rules, { lineWidth: 0 }));
    const config = { global: { evaluation_interval: interval ?? "1m" }, rule_files: [join(dir, "rules.yaml")] };
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
      // The UI's templates are found relative to it (binaries.mjs).
      cwd: prometheusCwd,
      readyUrl: `${url}/-/ready`,
      timeoutMs: 20_000,
      inherit,
    });
    return { url, pid: service.pid, stop: service.stop };
  });
}
