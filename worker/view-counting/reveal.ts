import type { Context } from "hono";
import { VIEW_COUNTER } from "../../catalog/index.ts";
import type { AppEnv } from "../app-env.ts";
import type { RevealResult } from "../store/store.ts";
import { countView } from "./view-counter-client.ts";

/**
 * Ids this isolate has seen to be unlimited-view (maxViews never changes, so this cannot go stale), oldest dropped
 * first. It lets a hot unlimited secret skip the limited-view attempt, a write statement to D1's primary.
 */
const knownUnlimited = new Set<string>();

function rememberUnlimited(id: string): void {
  knownUnlimited.delete(id);
  knownUnlimited.add(id);
  if (knownUnlimited.size > VIEW_COUNTER.knownUnlimitedIds.value) knownUnlimited.delete(knownUnlimited.values().next().value!);
}

/**
 * Reveals a secret. Limited-view secrets (the default, maxViews 1) are counted atomically in D1 in one round trip, so
 * a limit can never be exceeded. Unlimited secrets are read (one D1 read, no write) and their view is counted
 * write-behind in a ViewCounter. If the counter is unreachable the view is counted in D1 instead: never lost.
 */
export async function revealSecret(c: Context<AppEnv>, id: string, now: number): Promise<RevealResult | null> {
  const { store } = c.var;
  if (c.var.flags.writeBehindDisabled) return store.reveal(id, now);
  if (!knownUnlimited.has(id)) {
    const limited = await store.reveal(id, now, { limitedOnly: true });
    if (limited) return limited;
  }
  const peek = await store.peekContent(id, now);
  // Null: unknown, expired or burned. A limited secret here was just exhausted by a concurrent reveal.
  if (!peek || peek.maxViews !== null) return null;
  rememberUnlimited(id);
  try {
    const views = await countView(c.env.VIEW_COUNTER, {
      id,
      dbViews: peek.views,
      expiresAt: peek.expiresAt,
      flushIntervalMs: c.var.config.caching.viewFlushIntervalMs,
    });
    return { ciphertext: peek.ciphertext, views, maxViews: null, burned: false };
  } catch (err) {
    console.error(JSON.stringify({ event: "view_counter.unavailable", error: (err as Error).name, requestId: c.var.requestId }));
    return store.reveal(id, now);
  }
}
