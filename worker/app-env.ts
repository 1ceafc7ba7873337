import type { Flags } from "./operator-flags.ts";
import type { ApiConfig } from "./config.ts";
import type { QueryObserver, SecretStore } from "./store/store.ts";

/** Hono's type parameter for the whole app: the bindings, and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: ApiConfig;
    /** Operator flags from KV, as this isolate last read them (read by worker/cache/flags.ts). */
    flags: Flags;
    /** Created per request by one middleware in app.ts, through createStore(). */
    store: SecretStore;
    /** Set by an earlier middleware (telemetry) to observe every database round trip of the request. */
    queryObserver?: QueryObserver;
    /** The parsed JSON request body (set by jsonBody()). */
    body: unknown;
  };
}
