import type { SecretRow } from "../db/schema.ts";
import type { NewSecret, PeekResult, QueryObserver, RevealOptions, RevealResult, SecretMetadata, SecretStore } from "./store.ts";
import { WRITER_ORIGIN, type WriterOperation, type WriterOperations, type WriterReply } from "./writer-protocol.ts";

/** The write Worker failed or answered something else than a reply: a 500 at the edge, like a D1 error there. */
export class WriterError extends Error {
  constructor(op: WriterOperation, kind: string) {
    // The operation and an error class name: nothing of the request.
    super(`writer ${op} failed: ${kind}`);
    this.name = "WriterError";
  }
}

/**
 * The edge Worker's SecretStore under the split: metadata reads and health pings on the edge's own D1 binding, every
 * D1 write (and the reveal endpoint's content read) through the write Worker, which Smart Placement runs next to D1's
 * primary. The D1 round trips the writer reports are replayed into this store's observer, so the edge's D1 metrics
 * and spans count them as if they were its own.
 */
export class WriterStore implements SecretStore {
  constructor(
    private readonly reads: SecretStore,
    private readonly writer: Fetcher,
    private readonly observer?: QueryObserver,
  ) {}

  private async call<O extends WriterOperation>(op: O, ...args: WriterOperations[O]["args"]): Promise<WriterOperations[O]["result"]> {
    const res = await this.writer.fetch(`${WRITER_ORIGIN}/${op}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(args) });
    let reply: WriterReply<O>;
    try {
      reply = await res.json();
    } catch {
      throw new WriterError(op, `HTTP ${res.status}`);
    }
    for (const info of reply.queries ?? []) this.observer?.(info);
    if ("error" in reply) throw new WriterError(op, reply.error);
    if (!res.ok || !("result" in reply)) throw new WriterError(op, `HTTP ${res.status}`);
    return reply.result;
  }

  getMetadata(id: string, now: number): Promise<SecretMetadata | null> {
    return this.reads.getMetadata(id, now);
  }
  getDeleteTokenHash(id: string, now: number): Promise<string | null> {
    return this.reads.getDeleteTokenHash(id, now);
  }
  ping(): Promise<void> {
    return this.reads.ping();
  }
  idsWithPrefixes(prefixes: readonly string[]): Promise<string[]> {
    return this.reads.idsWithPrefixes(prefixes);
  }
  scan(afterId: string, limit: number): Promise<SecretRow[]> {
    return this.reads.scan(afterId, limit);
  }

  async create(secret: NewSecret): Promise<void> {
    await this.call("create", secret);
  }
  reveal(id: string, now: number, options?: RevealOptions): Promise<RevealResult | null> {
    return this.call("reveal", id, now, options);
  }
  peekContent(id: string, now: number): Promise<PeekResult | null> {
    return this.call("peekContent", id, now);
  }
  async addViews(counts: ReadonlyMap<string, number>, now: number): Promise<void> {
    if (counts.size > 0) await this.call("addViews", [...counts], now);
  }
  burn(id: string, now: number): Promise<boolean> {
    return this.call("burn", id, now);
  }
  burnWithToken(id: string, deleteTokenHash: string, now: number): Promise<"burned" | "forbidden" | "not_found"> {
    return this.call("burnWithToken", id, deleteTokenHash, now);
  }
  purge(now: number, limit: number): Promise<number> {
    return this.call("purge", now, limit);
  }
  /** The cron's chunked purge as one call: every chunk's round trip runs next to the primary. */
  purgeExpired(now: number): Promise<number> {
    return this.call("purgeExpired", now);
  }
  async upsertRows(rows: readonly SecretRow[]): Promise<void> {
    if (rows.length > 0) await this.call("upsertRows", [...rows]);
  }
}
