import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.ts";

/**
 * Refuses an `-o` path that cannot be written, before any measuring starts: a report that took seconds to
 * gather should not be lost at the last step.
 */
export function checkOutputFile(output: string | undefined, cwd: string): string | undefined {
  if (!output) return undefined;
  const path = resolve(cwd, output);
  const dir = dirname(path);
  const hint = "pass -o a file in an existing, writable folder, or leave -o out to print to stdout";
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`cannot write ${output}: folder ${dir} does not exist`, { hint });
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError(`cannot write ${output}: it is a folder`, { hint });
  try {
    accessSync(existsSync(path) ? path : dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot write ${output}: permission denied`, { hint });
  }
  return path;
}
