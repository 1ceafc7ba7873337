import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every temporary file the node tests make, and the processes they start (the CLI, wrangler, the stand-in), goes
 * under one directory for the run: the workers inherit TMPDIR, os.tmpdir() follows it, and the directory is removed
 * when the run ends, failed or not.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "moltsecret-test-run-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
