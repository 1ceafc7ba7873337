import { WriterStore } from "./writer-store.ts";
import { D1SecretStore } from "./d1-store.ts";
import type { QueryObserver, SecretStore } from "./store.ts";

/**
 * The one place the Worker picks its database: swap this line to move from D1 to another SecretStore. With the WRITER
 * service binding (the API Worker), writes go through the smart-placed write Worker and reads stay on this D1 binding;
 * without it (the write Worker itself), everything goes to D1.
 */
export function createStore(env: Pick<Env, "DB"> & { WRITER?: Fetcher }, observer?: QueryObserver): SecretStore {
  const d1 = new D1SecretStore(env.DB, observer);
  return env.WRITER ? new WriterStore(d1, env.WRITER, observer) : d1;
}
