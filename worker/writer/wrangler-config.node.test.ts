import { expect, it } from "vitest";
import { WORKER_LIMITS } from "../../catalog/index.ts";

interface Config {
  name?: string;
  placement?: { mode?: string };
  limits?: { cpu_ms?: number };
  services?: { binding: string; service: string }[];
  d1_databases?: { binding: string; database_name: string; database_id: string }[];
}

/** A wrangler config through wrangler's own parser, as `wrangler deploy` reads it. */
async function rawConfig(path: string): Promise<Config> {
  const { experimental_readRawConfig } = await import("wrangler");
  return experimental_readRawConfig({ config: path }).rawConfig as Config;
}

it("the write Worker is smart-placed, limited like the API, and writes the API's own database", async () => {
  const [api, writer] = await Promise.all([rawConfig("wrangler.toml"), rawConfig("worker/writer/wrangler.toml")]);
  expect(writer.placement?.mode).toBe("smart");
  expect(api.placement?.mode ?? "off").toBe("off");
  expect(writer.limits?.cpu_ms).toBe(WORKER_LIMITS.cpuMs.value);
  const db = (c: Config) => c.d1_databases?.find((d) => d.binding === "DB");
  expect(db(writer)).toMatchObject({ database_name: db(api)!.database_name, database_id: db(api)!.database_id });
  expect(api.services).toContainEqual({ binding: "WRITER", service: writer.name });
});
