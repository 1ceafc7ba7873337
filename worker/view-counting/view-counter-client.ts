import { VIEW_COUNTER } from "../../catalog/index.ts";
import type { ViewCounter } from "./view-counter.ts";

/** FNV-1a over the id: every id has exactly one counter, so its view numbers come from one place. */
export function viewCounterShard(id: string, shards = VIEW_COUNTER.shards.value): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/** Shard names hold no id. */
export const viewCounterName = (shard: number) => `view-counter:${shard}`;

export function viewCounterFor(ns: DurableObjectNamespace<ViewCounter>, id: string): DurableObjectStub<ViewCounter> {
  return ns.get(ns.idFromName(viewCounterName(viewCounterShard(id))));
}

export interface PendingView {
  id: string;
  /** D1's count as just read with the content. */
  dbViews: number;
  expiresAt: number;
  flushIntervalMs: number;
}

/** Counts one view write-behind and returns its number (D1's count plus what the counter has not flushed yet). */
export function countView(ns: DurableObjectNamespace<ViewCounter>, view: PendingView): Promise<number> {
  return viewCounterFor(ns, view.id).count(view.id, view.dbViews, view.expiresAt, view.flushIntervalMs);
}
