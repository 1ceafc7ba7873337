/**
 * Headless Chromium for the tests that look at what the CLI draws, fetched like the Prometheus binaries
 * (scripts/obs/binaries.mjs): Debian's own package and whatever libraries this machine lacks, downloaded through
 * a private apt configuration into .cache/chromium (git-ignored) and unpacked with dpkg-deb. Nothing is installed:
 * the system's sources are only read, its package state is only read (to know which libraries are already
 * there), and it works the same as root or not. A chromium already on PATH (or MOLTSECRET_CHROMIUM) is used as is;
 * MOLTSECRET_CHROMIUM_DOWNLOAD=1 ignores PATH, as on a fresh machine.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { onceUnderLock } from "../lib/once-under-lock.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CHROMIUM_CACHE = join(ROOT, ".cache", "chromium");
const PACKAGE = "chromium";
const BINARY = "usr/lib/chromium/chromium";

export interface Chromium {
  command: string;
  /** Extra environment for an unpacked copy: its libraries come first. */
  env: NodeJS.ProcessEnv;
  source: "env" | "path" | "cache";
}

function onPath(): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, "chromium");
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function unpacked(root: string): Chromium {
  const libs = ["usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/lib/chromium"].map((d) => join(root, d));
  return {
    command: join(root, BINARY),
    env: { LD_LIBRARY_PATH: [...libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), CHROME_WRAPPER: join(root, BINARY) },
    source: "cache",
  };
}

/** The dpkg status without the browser's own packages, so apt downloads them and only the libraries really missing. */
function statusWithoutBrowser(): string {
  const status = existsSync("/var/lib/dpkg/status") ? readFileSync("/var/lib/dpkg/status", "utf8") : "";
  return status.split(/\n\n+/).filter((stanza) => !/^Package: chromium(-common|-sandbox|-driver)?$/m.test(stanza)).join("\n\n") + "\n";
}

function download(target: string): void {
  const work = `${target}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  for (const d of ["lists/partial", "archives/partial", "etc/preferences.d"]) mkdirSync(join(work, d), { recursive: true });
  writeFileSync(join(work, "status"), statusWithoutBrowser());
  const opts = [
    "-o", `Dir::State::Lists=${join(work, "lists")}`,
    "-o", `Dir::State::Status=${join(work, "status")}`,
    "-o", `Dir::Cache=${work}`,
    "-o", `Dir::Cache::archives=${join(work, "archives")}`,
    "-o", `Dir::Etc::PreferencesParts=${join(work, "etc/preferences.d")}`,
    "-o", "Debug::NoLocking=1",
    "-o", "APT::Sandbox::User=root",
    "-qq",
  ];
  execFileSync("apt-get", [...opts, "update"], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("apt-get", [...opts, "-y", "--no-install-recommends", "install", "--download-only", PACKAGE], { stdio: ["ignore", "ignore", "inherit"] });
  const archives = join(work, "archives");
  const root = join(work, "root");
  for (const deb of readdirSync(archives).filter((f) => f.endsWith(".deb"))) execFileSync("dpkg-deb", ["-x", join(archives, deb), root]);
  if (!existsSync(join(root, BINARY))) throw new Error(`the downloaded ${PACKAGE} package has no ${BINARY}`);
  rmSync(target, { recursive: true, force: true });
  renameSync(root, target);
  rmSync(work, { recursive: true, force: true });
}

/** A headless-capable Chromium: from MOLTSECRET_CHROMIUM, PATH, or downloaded once into .cache/chromium. */
export async function chromium(): Promise<Chromium> {
  if (process.env.MOLTSECRET_CHROMIUM) return { command: process.env.MOLTSECRET_CHROMIUM, env: {}, source: "env" };
  // MOLTSECRET_CHROMIUM_DOWNLOAD=1 ignores PATH: what a fresh machine does.
  const system = process.env.MOLTSECRET_CHROMIUM_DOWNLOAD ? null : onPath();
  if (system) return { command: system, env: {}, source: "path" };
  const target = join(CHROMIUM_CACHE, "root");
  await onceUnderLock({ lock: join(CHROMIUM_CACHE, "download.lock"), complete: () => existsSync(join(target, BINARY)), make: () => download(target), timeoutMs: 300_000 });
  return unpacked(target);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const c = await chromium();
  const version = execFileSync(c.command, ["--version"], { encoding: "utf8", env: { ...process.env, ...c.env } }).trim();
  console.log(JSON.stringify({ ...c, version }, null, 2));
}
