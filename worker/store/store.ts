import type { SecretRow } from "../db/schema.ts";

/** Public metadata of a live secret: never its content. */
export interface SecretMetadata {
  id: string;
  createdAt: number;
  expiresAt: number;
  maxViews: number | null;
  views: number;
}

export interface NewSecret {
  id: string;
  ciphertext: string;
  deleteTokenHash: string;
  createdAt: number;
  expiresAt: number;
  maxViews: number | null;
}

/** A live secret's content and counts, read without counting a view (the write-behind path counts it elsewhere). */
export interface PeekResult {
  ciphertext: string;
  views: number;
  maxViews: number | null;
  expiresAt: number;
}

export interface RevealOptions {
  /** Count only a limited-view secret: an unlimited one answers null and is left untouched (its views go write-behind). */
  limitedOnly?: boolean;
}

export interface RevealResult {
  ciphertext: string;
  views: number;
  maxViews: number | null;
  /** True when this view was the last allowed one and the content is now gone. */
  burned: boolean;
}

/**
 * What a database reports about one round trip; D1 fills it from `result.meta`, libSQL from its own counters.
 * A batch (one round trip, one transaction) is reported once, with its rows and server time summed.
 */
export interface QueryInfo {
  /** Stable statement name (e.g. "secrets.reveal"), never SQL text or parameters. */
  name: string;
  /** Statements in the round trip: 1, or the length of a batch. */
  statements: number;
  operation: "read" | "write";
  /** Wall time seen by the caller, ms. */
  clientMs: number;
  /** Time the database says it spent, ms (D1 meta.duration), when known. */
  serverMs?: number;
  rowsRead?: number;
  rowsWritten?: number;
  /** Database size after the statement, bytes (D1 meta.size_after), when known. */
  sizeAfter?: number;
}

export type QueryObserver = (info: QueryInfo) => void;

/**
 * The database seam of the secrets API. Routes only talk to this, so D1 can be swapped for libSQL
 * (Turso) without touching them. Every method is a single atomic statement or batch: D1 has no
 * interactive transactions.
 */
export interface SecretStore {
  create(secret: NewSecret): Promise<void>;
  /** Live metadata, or null when unknown, expired or burned. */
  getMetadata(id: string, now: number): Promise<SecretMetadata | null>;
  /** Counts one view atomically and burns on the last allowed one; null when unknown, expired, burned or exhausted. */
  reveal(id: string, now: number, options?: RevealOptions): Promise<RevealResult | null>;
  /** Content and counts of a live secret without counting a view (one read); null when unknown, expired or burned. */
  peekContent(id: string, now: number): Promise<PeekResult | null>;
  /** Adds views counted elsewhere (write-behind) to unlimited-view secrets, in one batched write. */
  addViews(counts: ReadonlyMap<string, number>, now: number): Promise<void>;
  /** Hash of the delete token of a live secret, or null. */
  getDeleteTokenHash(id: string, now: number): Promise<string | null>;
  /** Burns a live secret; false when it was already gone. */
  burn(id: string, now: number): Promise<boolean>;
  /**
   * Burns a live secret if `deleteTokenHash` is its delete token's hash, in one round trip (a delete from far away
   * crosses to the primary once): "burned", "forbidden" (live, other token; left alone) or "not_found".
   */
  burnWithToken(id: string, deleteTokenHash: string, now: number): Promise<"burned" | "forbidden" | "not_found">;
  /** Deletes up to `limit` expired or burned rows; returns how many went. */
  purge(now: number, limit: number): Promise<number>;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  /**
   * Ids that start with any of `prefixes`, in one statement (an index range per prefix): for callers that keep only a
   * short prefix and a hash of an id at rest, never the id itself, and must find it again (the view counters).
   */
  idsWithPrefixes(prefixes: readonly string[]): Promise<string[]>;
  /** Raw rows in id order after `afterId`, for copying to another database. */
  scan(afterId: string, limit: number): Promise<SecretRow[]>;
  /** Inserts or replaces raw rows (idempotent, so an interrupted copy can resume). */
  upsertRows(rows: readonly SecretRow[]): Promise<void>;
}
