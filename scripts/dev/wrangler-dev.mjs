// The one way the project starts `wrangler dev`: npm start, the traffic tests' local Worker, the pipeline harness and
// the bench. Every process runs in its own process group (scripts/obs/service.mjs) and ends as a group, workerd included.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startService } from "../obs/service.mjs";
import { httpStatus, pollUntil } from "../lib/poll.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
/** No usage metrics sent to Cloudflare and no prompts from wrangler. */
export const WRANGLER_ENV = { CI: "1", WRANGLER_SEND_METRICS: "false" };

const configArgs = (configs) => configs.flatMap((c) => ["-c", c]);

/** The write Worker (Smart Placement) the API's WRITER service binding names: every D1 write runs there. */
export const WRITER_CONFIG = "worker/writer/wrangler.toml";

/**
 * The configs as given (none: wrangler.toml), plus the write Worker when the served config binds WRITER and it is not
 * among them: without it every write of the API would fail in this process.
 */
export function withWriter(configs) {
  const all = configs.length ? [...configs] : ["wrangler.toml"];
  const text = readFileSync(isAbsolute(all[0]) ? all[0] : join(ROOT, all[0]), "utf8");
  const bindsWriter = /^\[\[services\]\]\s*\nbinding\s*=\s*"WRITER"/m.test(text);
  return bindsWriter && !all.includes(WRITER_CONFIG) ? [...all, WRITER_CONFIG] : all;
}
const varArgs = (vars) => Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);

/**
 * Runs `wrangler <args>` to its end in its own process group; rejects with its last output when it fails.
 * `inherit`: show its output (npm start) instead of keeping it for the error.
 */
export async function runWrangler(args, { env = {}, inherit = false, timeoutMs = 120_000 } = {}) {
  const service = await startService({ name: `wrangler ${args.slice(0, 3).join(" ")}`, cmd: WRANGLER, args, cwd: ROOT, env: { ...WRANGLER_ENV, ...env }, inherit });
  const { child } = service;
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  const timer = setTimeout(() => void service.stop(), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  await service.stop();
  if (code !== 0) throw new Error(`wrangler ${args.join(" ")} exited with ${code ?? "a signal"}:\n${service.output().slice(-2000)}`);
}

/** Applies the D1 migrations of `config` (default wrangler.toml) to the local database under `persistTo`. */
export function applyLocalMigrations({ config, persistTo, env, inherit } = {}) {
  return runWrangler(["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : []), ...(config ? ["-c", config] : [])], { env, inherit });
}

/**
 * Starts `wrangler dev --local` on 127.0.0.1. `configs`: the wrangler configs to run in this one process
 * (`wrangler dev -c a -c b`: the first is served on `port`, the others are reachable through its service, Durable Object
 * and tail bindings); none = wrangler.toml; the write Worker is added when the first binds WRITER (withWriter). Ports default to OS-assigned ones. `ready`: the path that must answer 2xx
 * (default /healthz), `"any"` for any HTTP answer on /healthz, a function (polled until it returns true), or false
 * (return once spawned). `onOutput` receives every chunk of its stdout and stderr. Resolves once ready; a wrangler that exits or is not ready within `timeoutMs` is stopped and
 * the error carries its last output.
 */
export async function startWranglerDev({
  name = "wrangler dev",
  configs = [],
  port,
  inspectorPort,
  persistTo,
  vars = {},
  logLevel = "warn",
  env = {},
  args = [],
  inherit = false,
  onOutput,
  ready = "/healthz",
  timeoutMs = 60_000,
} = {}) {
  const servedPort = port ?? (await freePort());
  const inspector = inspectorPort ?? (await freePort());
  const url = `http://127.0.0.1:${servedPort}`;
  const service = await startService({
    name,
    cmd: WRANGLER,
    args: [
      "dev", ...configArgs(withWriter(configs)), "--local", "--ip", "127.0.0.1", "--port", String(servedPort), "--inspector-port", String(inspector),
      ...(persistTo ? ["--persist-to", persistTo] : []), "--show-interactive-dev-session=false", "--log-level", logLevel, ...varArgs(vars), ...args,
    ],
    cwd: ROOT,
    env: { ...WRANGLER_ENV, ...env },
    inherit,
  });
  if (onOutput) {
    service.child.stdout?.on("data", onOutput);
    service.child.stderr?.on("data", onOutput);
  }
  const handle = { url, port: servedPort, inspectorPort: inspector, pid: service.pid, child: service.child, output: service.output, stop: service.stop };
  if (ready === false) return handle;
  const answered = async () => {
    if (service.child.exitCode !== null) throw new Error(`${name} exited with code ${service.child.exitCode}:\n${service.output().slice(-3000)}`);
    if (typeof ready === "function") return ready(handle);
    const status = await httpStatus(`${url}${ready === "any" ? "/healthz" : ready}`, { timeoutMs: 5_000 });
    return ready === "any" ? status !== null : status !== null && status >= 200 && status < 300;
  };
  try {
    await pollUntil(answered, { timeoutMs, everyMs: 200, what: `${name} answering on ${url}`, detail: () => service.output().slice(-3000) });
  } catch (error) {
    await service.stop();
    throw error;
  }
  return handle;
}
