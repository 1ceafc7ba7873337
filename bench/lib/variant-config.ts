// Keeps bench/variants/*.toml honest: a variant must bind exactly what the API's wrangler.toml binds.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./obs.ts";

/** Binding names and Durable Object classes declared in a wrangler TOML (the lines that matter for parity). */
export function bindingsOf(toml: string): string[] {
  const found = new Set<string>();
  for (const m of toml.matchAll(/^\s*(binding|class_name|new_sqlite_classes|new_classes)\s*=\s*(.+)$/gm)) {
    for (const v of m[2]!.matchAll(/"([^"]+)"/g)) found.add(`${m[1]}:${v[1]}`);
  }
  for (const m of toml.matchAll(/\[\[durable_objects\.bindings\]\]\s*\n\s*name\s*=\s*"([^"]+)"/g)) found.add(`do:${m[1]}`);
  return [...found].sort();
}

/** Empty when the variant binds the same as wrangler.toml; otherwise what differs. */
export function bindingDrift(variantConfig: string): string[] {
  const api = bindingsOf(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  const variant = bindingsOf(readFileSync(join(ROOT, variantConfig), "utf8"));
  return [...api.filter((b) => !variant.includes(b)).map((b) => `missing ${b}`), ...variant.filter((b) => !api.includes(b)).map((b) => `extra ${b}`)];
}
