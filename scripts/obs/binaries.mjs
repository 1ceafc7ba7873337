#!/usr/bin/env node
// Real Prometheus, promtool and vmagent (from the victoria-metrics package) for tests and `npm start`, from Debian's
// packages. bookworm's victoria-metrics (1.79) has no OTLP receiver, so the packages come from trixie through a private
// apt configuration: the system's sources, state and installed packages are never touched.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { onceUnderLock } from "../lib/once-under-lock.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OBS_CACHE = join(ROOT, ".cache", "obs");
const SUITE = "trixie";
const PACKAGES = ["prometheus", "promtool", "victoria-metrics"];
const BINARIES = {
  prometheus: "usr/bin/prometheus",
  promtool: "usr/bin/promtool",
  vmagent: "usr/bin/vmagent",
};

const paths = (dir) => ({ ...Object.fromEntries(Object.entries(BINARIES).map(([k, rel]) => [k, join(dir, rel)])), prometheusCwd: dir });
const WEB_PATCHED = "prometheus-web-relative";
const complete = (dir) => Object.values(BINARIES).every((rel) => existsSync(join(dir, rel))) && existsSync(join(dir, WEB_PATCHED));

/**
 * Debian's Prometheus reads its classic UI templates from the absolute /usr/share/prometheus/web/, which only an
 * installed package provides (else every /classic/ page answers 500). The same path relative to the extracted tree,
 * padded to the same length with a second slash, is written over it: Prometheus then serves the UI from the cache
 * when started in that directory (`prometheusCwd`).
 */
function patchPrometheusWebRoot(dir) {
  const file = join(dir, BINARIES.prometheus);
  const from = Buffer.from("/usr/share/prometheus/web/");
  const to = Buffer.from("usr/share/prometheus//web/");
  const binary = readFileSync(file);
  for (let at = binary.indexOf(from); at >= 0; at = binary.indexOf(from, at + to.length)) to.copy(binary, at);
  // A new file renamed over the old one: a Prometheus already running from it keeps its (unchanged) inode.
  writeFileSync(`${file}.patched`, binary, { mode: 0o755 });
  renameSync(`${file}.patched`, file);
  writeFileSync(join(dir, WEB_PATCHED), "");
}

/** The Debian mirror the machine is configured with (deb822 or one-line format). */
function debianMirror() {
  const candidates = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const deb822 = text.match(/^URIs:\s*(\S+\/debian)\s*$/m);
    if (deb822) return deb822[1];
    const oneLine = text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+/m);
    if (oneLine) return oneLine[1];
  }
  throw new Error("no Debian mirror found in /etc/apt/sources.list(.d): cannot fetch prometheus/victoria-metrics");
}

const exec = promisify(execFile);

/** `onProgress(line)` hears each step with the seconds spent so far (npm start shows them while the API already runs). */
async function download(target, onProgress) {
  const started = Date.now();
  const step = (what) => onProgress(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const work = `${target}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const apt = join(work, "apt");
  for (const d of ["lists/partial", "cache/archives/partial", "etc/preferences.d", "debs"]) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, "status"), "");
  writeFileSync(join(apt, "etc/sources.list"), `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} ${SUITE} main\n`);
  const opts = [
    `-o`, `Dir::Etc::SourceList=${join(apt, "etc/sources.list")}`,
    `-o`, `Dir::Etc::SourceParts=${join(apt, "etc/none")}`,
    `-o`, `Dir::Etc::PreferencesParts=${join(apt, "etc/preferences.d")}`,
    `-o`, `Dir::State::Lists=${join(apt, "lists")}`,
    `-o`, `Dir::State::Status=${join(apt, "status")}`,
    `-o`, `Dir::Cache=${join(apt, "cache")}`,
    `-o`, `APT::Sandbox::User=root`,
    `-o`, `Debug::NoLocking=1`,
    `-qq`,
  ];
  step(`fetching Debian ${SUITE} package lists`);
  await exec("apt-get", [...opts, "update"], { maxBuffer: 64 << 20 });
  step(`downloading ${PACKAGES.join(", ")}`);
  await exec("apt-get", [...opts, "download", ...PACKAGES], { cwd: join(apt, "debs"), maxBuffer: 64 << 20 });
  const extracted = join(work, "root");
  for (const deb of readdirSync(join(apt, "debs")).filter((f) => f.endsWith(".deb"))) {
    step(`unpacking ${deb} (${(statSync(join(apt, "debs", deb)).size / 1e6).toFixed(0)} MB)`);
    await exec("dpkg-deb", ["-x", join(apt, "debs", deb), extracted]);
  }
  patchPrometheusWebRoot(extracted);
  step("binaries ready");
  if (!complete(extracted)) throw new Error(`downloaded packages lack a binary: expected ${Object.values(BINARIES).join(", ")}`);
  rmSync(target, { recursive: true, force: true });
  renameSync(extracted, target);
  rmSync(work, { recursive: true, force: true });
}

/**
 * Absolute paths of the binaries, downloading them once into .cache/obs (git-ignored).
 * `onProgress(line)` is told about a download's steps (default: none printed).
 */
export async function obsBinaries({ onProgress = () => {} } = {}) {
  const target = join(OBS_CACHE, SUITE);
  await onceUnderLock({
    lock: join(OBS_CACHE, "download.lock"),
    complete: () => complete(target),
    make: async () => {
      if (existsSync(join(target, BINARIES.prometheus)) && !existsSync(join(target, WEB_PATCHED))) patchPrometheusWebRoot(target);
      if (!complete(target)) await download(target, onProgress);
    },
    timeoutMs: 180_000,
  });
  return paths(target);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bins = await obsBinaries({ onProgress: (line) => console.error(`[obs] ${line}`) });
  const prometheus = execFileSync(bins.prometheus, ["--version"], { encoding: "utf8" }).split("\n")[0];
  console.log(JSON.stringify({ ...bins, prometheusVersion: prometheus }, null, 2));
}
