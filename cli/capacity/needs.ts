import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { DeclaredNeeds } from "./triggers.ts";

export const NEED_IDS = ["complex-transactions", "multi-region-writes"] as const;
export type NeedId = (typeof NEED_IDS)[number];

/** The config file in which a team declares needs D1 cannot meet (Recommendation 1's last two triggers). */
export const NEEDS_FILE = "moltsecret.capacity.json";

/**
 * Declared needs: `moltsecret.capacity.json` ({"needs": {"complexTransactions": true, "multiRegionWrites": false}})
 * in the working directory or --needs-file, plus any --need flags.
 */
export function loadNeeds(cwd: string, file: string | undefined, flags: readonly string[] = []): DeclaredNeeds {
  const needs: DeclaredNeeds = { complexTransactions: false, multiRegionWrites: false };
  const path = resolve(cwd, file ?? NEEDS_FILE);
  if (existsSync(path)) {
    let parsed: { needs?: Partial<DeclaredNeeds> };
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new UserError(`cannot parse ${path}: ${(err as Error).message}`, { hint: `expected {"needs": {"complexTransactions": false, "multiRegionWrites": false}}` });
    }
    needs.complexTransactions = parsed.needs?.complexTransactions === true;
    needs.multiRegionWrites = parsed.needs?.multiRegionWrites === true;
  } else if (file) throw new UserError(`needs file not found: ${file}`);
  for (const f of flags) {
    if (f === "complex-transactions") needs.complexTransactions = true;
    else if (f === "multi-region-writes") needs.multiRegionWrites = true;
    else throw new UserError(`unknown need "${f}"`, { hint: `use ${NEED_IDS.join(" or ")}` });
  }
  return needs;
}
