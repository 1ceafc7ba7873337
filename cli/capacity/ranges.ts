import { UNIT } from "../../catalog/index.ts";
import { UserError } from "../errors.ts";

/**
 * A Nagios plugin threshold range (`10`, `10:`, `~:10`, `10:20`, `@10:20`): a value outside [start, end] alerts,
 * or inside it with a leading `@`. A bare number N is 0:N, so "strictly above N" fires, as the document words it.
 */
export interface Range {
  start: number;
  end: number;
  inside: boolean;
  /** As the plugin convention writes it (perfdata's warn/crit fields). */
  text: string;
}

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, s: 1, ms: 1 / UNIT.msPerSecond, us: 1e-6, "%": 1 / UNIT.percent };

function parseNumber(text: string, whole: string): number {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z%]*)$/i.exec(text.trim());
  const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw new UserError(`invalid threshold range "${whole}"`, { hint: "use the plugin format: 10, 10:, ~:10, 10:20 or @10:20; numbers may end in kB, MB, GB, TB, ms, s or %" });
  }
  return Number(m[1]) * factor;
}

export function parseRange(text: string): Range {
  const whole = text.trim();
  const inside = whole.startsWith("@");
  const body = inside ? whole.slice(1) : whole;
  const colon = body.indexOf(":");
  const startText = colon < 0 ? "0" : body.slice(0, colon);
  const endText = colon < 0 ? body : body.slice(colon + 1);
  const start = startText === "~" ? -Infinity : startText === "" ? 0 : parseNumber(startText, whole);
  const end = endText === "" ? Infinity : parseNumber(endText, whole);
  if (start > end) throw new UserError(`invalid threshold range "${whole}": start above end`, { hint: "write start:end with start <= end" });
  return { start, end, inside, text: canonical(start, end, inside) };
}

const n = (x: number) => String(Number(x.toPrecision(12)));

function canonical(start: number, end: number, inside: boolean): string {
  const s = start === -Infinity ? "~:" : start === 0 ? "" : `${n(start)}:`;
  const e = end === Infinity ? "" : n(end);
  return `${inside ? "@" : ""}${s === "" && e === "" ? "0:" : s}${e}`;
}

/** The document's "above N" threshold as a range. */
export const upTo = (limit: number): Range => ({ start: 0, end: limit, inside: false, text: n(limit) });

export function alerts(range: Range, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}

/** A plain upper bound (`N` or `~:N`): its end is the threshold a person reads. */
export const upperBound = (r: Range): number | null => (!r.inside && r.start <= 0 && Number.isFinite(r.end) ? r.end : null);
