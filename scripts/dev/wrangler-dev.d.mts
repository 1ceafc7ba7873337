import type { ChildProcess } from "node:child_process";

export const ROOT: string;
export const WRANGLER: string;
/** No usage metrics sent to Cloudflare and no prompts from wrangler. */
export const WRANGLER_ENV: Readonly<Record<string, string>>;

export interface WranglerRunOptions {
  env?: Record<string, string>;
  /** Show wrangler's output instead of keeping it for the error. */
  inherit?: boolean;
  timeoutMs?: number;
}

/** The write Worker's config (Smart Placement), started beside every config that binds WRITER. */
export const WRITER_CONFIG: string;

/** `configs` (none: wrangler.toml) plus WRITER_CONFIG when the first binds WRITER and it is not among them. */
export function withWriter(configs: string[]): string[];

/** Runs `wrangler <args>` to its end in its own process group; rejects with its last output when it fails. */
export function runWrangler(args: string[], options?: WranglerRunOptions): Promise<void>;

/** Applies the D1 migrations of `config` (default wrangler.toml) to the local database under `persistTo`. */
export function applyLocalMigrations(options?: { config?: string; persistTo?: string } & WranglerRunOptions): Promise<void>;

export interface WranglerDev {
  /** http://127.0.0.1:<port>, served by the first config. */
  url: string;
  port: number;
  /** wrangler dev's inspector (DevTools protocol) on 127.0.0.1. */
  inspectorPort: number;
  /** wrangler's pid = its process group (workerd included). */
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Ends the whole process group. */
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  name?: string;
  /** Configs run by this one process (`-c a -c b`); the first is served on `port`. None: wrangler.toml. The write Worker is added when the first binds WRITER (withWriter). */
  configs?: string[];
  port?: number;
  inspectorPort?: number;
  persistTo?: string;
  vars?: Record<string, string>;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  env?: Record<string, string>;
  /** Further wrangler dev arguments. */
  args?: string[];
  inherit?: boolean;
  /** Every chunk of wrangler's stdout and stderr, from the start. */
  onOutput?: (chunk: Buffer) => void;
  /** A path that must answer 2xx (default /healthz), "any" (any answer on /healthz), a check polled until true, or false. */
  ready?: string | false | ((dev: WranglerDev) => Promise<boolean>);
  timeoutMs?: number;
}

/** Starts `wrangler dev --local` on 127.0.0.1 (OS-assigned ports by default) and resolves once it is ready. */
export function startWranglerDev(options?: WranglerDevOptions): Promise<WranglerDev>;
