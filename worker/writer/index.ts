import { handleWrite } from "./handler.ts";

/** moltsecret-writer: the D1 writes of the API, placed next to D1's primary (worker/writer/wrangler.toml). */
export default {
  fetch: (request, env) => handleWrite(request, env),
} satisfies ExportedHandler<Pick<Env, "DB">>;
