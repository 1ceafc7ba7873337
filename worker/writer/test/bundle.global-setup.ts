import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Where the workers project's auxiliary "moltsecret-writer" worker is loaded from (vitest.config.ts). */
export const WRITER_TEST_BUNDLE = ".build/writer-test/index.js";

/** Bundles the write Worker as wrangler deploys it: the API's WRITER binding resolves to it in the workers project. */
export default async function setup(): Promise<void> {
  await promisify(execFile)(resolve(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "-c", "worker/writer/wrangler.toml", "--outdir", resolve(ROOT, dirname(WRITER_TEST_BUNDLE))], {
    cwd: ROOT,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
}
