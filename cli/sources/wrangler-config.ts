import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { UserError } from "../errors.ts";

export interface D1BindingConfig {
  binding: string;
  databaseName: string;
  databaseId: string;
  migrationsDir: string;
}

export interface WranglerInfo {
  configPath: string;
  workerName: string;
  compatibilityDate: string;
  d1: D1BindingConfig;
  /** What `wrangler dev` persists to when not told otherwise. */
  defaultPersistDir: string;
}

/**
 * The parts of a wrangler config the CLI needs, parsed directly (TOML, or JSON/JSONC): loading wrangler itself to
 * read three fields costs over a second of start-up.
 */
function readRaw(abs: string, shown: string): Record<string, unknown> {
  const text = readFileSync(abs, "utf8");
  try {
    if (/\.jsonc?$/.test(abs)) return JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, str: string | undefined) => str ?? "").replace(/,(\s*[}\]])/g, "$1"));
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`cannot parse ${shown}: ${(err as Error).message.split("\n")[0]}`, { hint: "check the file with `npx wrangler deploy --dry-run`" });
  }
}

/** Reads wrangler.toml (or .json/.jsonc) and picks the D1 binding (first one by default). */
export async function readWranglerConfig(configPath: string, binding?: string): Promise<WranglerInfo> {
  const abs = resolve(configPath);
  if (!existsSync(abs)) throw new UserError(`wrangler config not found: ${configPath}`, { hint: "run from the repository root or pass --config <wrangler.toml>" });
  const rawConfig = readRaw(abs, configPath);
  const dbs = (rawConfig.d1_databases ?? []) as Array<Record<string, string | undefined>>;
  const picked = binding ? dbs.find((d) => d.binding === binding || d.database_name === binding) : dbs[0];
  if (!picked) {
    throw new UserError(binding ? `no [[d1_databases]] binding "${binding}" in ${configPath}` : `no [[d1_databases]] in ${configPath}`, {
      hint: `bindings there: ${dbs.map((d) => d.binding).join(", ") || "none"}`,
    });
  }
  const dir = dirname(abs);
  return {
    configPath: abs,
    workerName: String(rawConfig.name ?? "worker"),
    compatibilityDate: String(rawConfig.compatibility_date ?? "2026-05-01"),
    d1: {
      binding: picked.binding ?? "DB",
      databaseName: picked.database_name ?? picked.binding ?? "DB",
      databaseId: picked.database_id ?? "",
      migrationsDir: resolve(dir, picked.migrations_dir ?? "migrations"),
    },
    defaultPersistDir: resolve(dir, ".wrangler/state"),
  };
}

/**
 * Just the Worker's name, without loading wrangler (seconds of startup): the top-level `name` of a TOML config,
 * or `name` of a JSON one. Null when absent or not plainly written.
 */
export function readWorkerName(configPath: string): string | null {
  if (!existsSync(configPath)) return null;
  const text = readFileSync(configPath, "utf8");
  if (/\.jsonc?$/.test(configPath)) return /"name"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? null;
  const topLevel = text.split(/^\s*\[/m)[0] ?? "";
  return /^\s*name\s*=\s*["']([^"']+)["']/m.exec(topLevel)?.[1] ?? null;
}
