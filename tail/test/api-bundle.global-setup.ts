import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = resolve(import.meta.dirname, "../..");

/** Bundles the API Worker as wrangler deploys it, for the tail project's auxiliary "moltsecret-api" worker. */
export default async function setup(): Promise<void> {
  await promisify(execFile)(resolve(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", ".build/tail-test-api"], {
    cwd: ROOT,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
}
