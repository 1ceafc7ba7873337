import { DurableObject } from "cloudflare:workers";
import { HLL_REGISTERS, HLL_STANDARD_ERROR, estimate, mergeUpdates, type RegisterUpdate } from "./hyperloglog.ts";

export const utcDay = (now = Date.now()): string => new Date(now).toISOString().slice(0, 10);

const nextUtcMidnight = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};

export interface UniqueUsersEstimate {
  day: string;
  estimate: number;
  standardError: number;
}

/**
 * One global sketch of today's unique clients. It stores a random salt for the current UTC day and
 * 2^p one-byte registers; on a new day (or at the midnight alarm) both are deleted, so yesterday's
 * salt is forgotten and no hash can be linked to an IP again. No IP or hash is ever stored.
 */
export class UniqueUsers extends DurableObject {
  /** Today's salt (hex), created on first use of the day. */
  async salt(day: string): Promise<string> {
    await this.#rotate(day);
    let salt = await this.ctx.storage.get<string>("salt");
    if (!salt) {
      salt = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
      await this.ctx.storage.put("salt", salt);
      await this.ctx.storage.setAlarm(nextUtcMidnight(Date.now()));
    }
    return salt;
  }

  /** Merges register updates made with `day`'s salt; updates for another day are discarded. */
  async merge(day: string, updates: RegisterUpdate[]): Promise<UniqueUsersEstimate> {
    const today = await this.#rotate(utcDay());
    const registers = (await this.ctx.storage.get<Uint8Array>("registers")) ?? new Uint8Array(HLL_REGISTERS);
    if (day === today && mergeUpdates(registers, updates)) await this.ctx.storage.put("registers", registers);
    return { day: today, estimate: estimate(registers), standardError: HLL_STANDARD_ERROR };
  }

  override async alarm(): Promise<void> {
    await this.#rotate(utcDay());
  }

  /** Forgets salt and registers when the stored day is not `day` (or earlier than today). */
  async #rotate(day: string): Promise<string> {
    const today = utcDay();
    const current = day > today ? day : today;
    const stored = await this.ctx.storage.get<string>("day");
    if (stored !== current) {
      await this.ctx.storage.deleteAll();
      await this.ctx.storage.put("day", current);
    }
    return current;
  }
}
