import { purgeExpired } from "../scheduled/purge.ts";
import { D1SecretStore } from "../store/d1-store.ts";
import type { QueryInfo, SecretStore } from "../store/store.ts";
import { isWriterOperation, type WriterOperation, type WriterOperations, type WriterReply } from "../store/writer-protocol.ts";

type Implementation = { [O in WriterOperation]: (store: SecretStore, args: WriterOperations[O]["args"]) => Promise<WriterOperations[O]["result"]> };

const OPERATIONS: Implementation = {
  create: async (store, [secret]) => (await store.create(secret), null),
  // JSON turns an omitted options argument into null.
  reveal: (store, [id, now, options]) => store.reveal(id, now, options ?? undefined),
  peekContent: (store, [id, now]) => store.peekContent(id, now),
  burn: (store, [id, now]) => store.burn(id, now),
  burnWithToken: (store, [id, hash, now]) => store.burnWithToken(id, hash, now),
  addViews: async (store, [counts, now]) => (await store.addViews(new Map(counts), now), null),
  purge: (store, [now, limit]) => store.purge(now, limit),
  purgeExpired: (store, [now]) => purgeExpired(store, now),
  upsertRows: async (store, [rows]) => (await store.upsertRows(rows), null),
};

const reply = (body: WriterReply<WriterOperation>, status = 200) => Response.json(body, { status });

/**
 * The write Worker's fetch handler: one store operation per request, on its own D1 binding (the same database as the
 * edge), answered with the result and the D1 round trips it made. Failures answer 500 with the error's class name only.
 */
export async function handleWrite(request: Request, env: Pick<Env, "DB">): Promise<Response> {
  const op = new URL(request.url).pathname.slice(1);
  if (request.method !== "POST" || !isWriterOperation(op)) return reply({ error: "UnknownOperation", queries: [] }, 404);
  let args: unknown;
  try {
    args = await request.json();
  } catch {
    return reply({ error: "BadArguments", queries: [] }, 400);
  }
  if (!Array.isArray(args)) return reply({ error: "BadArguments", queries: [] }, 400);
  const queries: QueryInfo[] = [];
  const store = new D1SecretStore(env.DB, (info) => queries.push(info));
  try {
    const run = OPERATIONS[op] as (store: SecretStore, args: unknown[]) => Promise<unknown>;
    return reply({ result: (await run(store, args)) as never, queries });
  } catch (err) {
    const error = err instanceof Error ? err.name : "Error";
    console.error(JSON.stringify({ event: "writer.failed", op, error }));
    return reply({ error, queries }, 500);
  }
}
