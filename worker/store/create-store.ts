import { D1SecretStore } from "./d1-store.ts";
import type { QueryObserver, SecretStore } from "./store.ts";

/** The one place the Worker picks its database: swap this line to move from D1 to another SecretStore. */
export function createStore(env: Pick<Env, "DB">, observer?: QueryObserver): SecretStore {
  return new D1SecretStore(env.DB, observer);
}
