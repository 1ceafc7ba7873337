import type { SecretRow } from "../db/schema.ts";
import type { NewSecret, PeekResult, QueryInfo, RevealOptions, RevealResult } from "./store.ts";

/**
 * What the edge Worker asks the write Worker over the WRITER service binding. Plain fetch, not RPC: Smart Placement
 * only moves fetch handlers ("It does not affect RPC methods or named entrypoints", Cloudflare's placement docs), so
 * an RPC call would run the writer beside the edge and save nothing. The operation is the path; arguments travel in
 * the JSON body, so no URL carries a secret id.
 */
export interface WriterOperations {
  create: { args: [secret: NewSecret]; result: null };
  reveal: { args: [id: string, now: number, options?: RevealOptions]; result: RevealResult | null };
  /** Part of the reveal endpoint (an unlimited secret's content), so it runs beside the primary too. */
  peekContent: { args: [id: string, now: number]; result: PeekResult | null };
  burn: { args: [id: string, now: number]; result: boolean };
  burnWithToken: { args: [id: string, deleteTokenHash: string, now: number]; result: "burned" | "forbidden" | "not_found" };
  /** A Map does not survive JSON: the view counts as [id, views] pairs. */
  addViews: { args: [counts: [string, number][], now: number]; result: null };
  purge: { args: [now: number, limit: number]; result: number };
  /** The cron's whole chunked purge in one call: its round trips all run next to the primary. */
  purgeExpired: { args: [now: number]; result: number };
  upsertRows: { args: [rows: SecretRow[]]; result: null };
}

export type WriterOperation = keyof WriterOperations;

export const WRITER_OPERATIONS = ["create", "reveal", "peekContent", "burn", "burnWithToken", "addViews", "purge", "purgeExpired", "upsertRows"] as const satisfies readonly WriterOperation[];

export const isWriterOperation = (name: string): name is WriterOperation => (WRITER_OPERATIONS as readonly string[]).includes(name);

/** Never resolved on the Internet: a service binding's fetch goes to the bound Worker whatever the URL says. */
export const WRITER_ORIGIN = "https://writer.moltsecret.invalid";

/** Every reply carries the D1 round trips the call made, so the edge's D1 metrics and spans stay whole. */
export type WriterReply<O extends WriterOperation> =
  | { result: WriterOperations[O]["result"]; queries: QueryInfo[] }
  /** `error` is an error class name (e.g. "Error", "TypeError"), never a message: messages can quote ids. */
  | { error: string; queries: QueryInfo[] };
