import { readFile } from "node:fs/promises";
import { UserError } from "../errors.ts";
import type { SizePoint } from "../sources/size-point.ts";

/** A size history kept elsewhere (e.g. exported from Grafana): JSON array of {"date"|"t", "bytes"}. */
export async function readHistoryFile(path: string): Promise<SizePoint[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new UserError(`cannot read size history ${path}: ${(err as Error).message}`, { hint: 'expected [{"date": "2026-11-01", "bytes": 123}, ...]' });
  }
  if (!Array.isArray(raw)) throw new UserError(`size history ${path} is not a JSON array`);
  return raw.map((p: { date?: string; t?: number; bytes?: number }, i) => {
    const t = typeof p.t === "number" ? p.t : Date.parse(p.date ?? "");
    if (!Number.isFinite(t) || typeof p.bytes !== "number") throw new UserError(`size history ${path}: entry ${i} needs "date" (or "t") and "bytes"`);
    return { t, bytes: p.bytes };
  });
}
