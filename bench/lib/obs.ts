// Typed handles on the project's plain-JS service helpers (scripts/obs), shared with tests and `npm start`.
import type { ChildProcess } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
  output(): string;
}

export interface ServiceOptions {
  name: string;
  cmd: string;
  args?: string[];
  readyUrl?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
  inherit?: boolean;
}

interface ServiceModule {
  startService(o: ServiceOptions): Promise<Service>;
  freePort(): Promise<number>;
}

interface BinariesModule {
  obsBinaries(): Promise<{ vmagent: string; prometheus: string; promtool: string; prometheusCwd: string }>;
}

// The helpers are .mjs without declarations; the path is computed so the compiler takes the types from here.
const load = async <T>(rel: string): Promise<T> => (await import(join(ROOT, rel))) as T;

export const startService = async (o: ServiceOptions): Promise<Service> =>
  (await load<ServiceModule>("scripts/obs/service.mjs")).startService(o);
export const freePort = async (): Promise<number> => (await load<ServiceModule>("scripts/obs/service.mjs")).freePort();
export const obsBinaries = async () => (await load<BinariesModule>("scripts/obs/binaries.mjs")).obsBinaries();
