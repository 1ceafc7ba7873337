import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { run } from "../main.ts";

/** A writable that keeps what the CLI printed; not a TTY, so no colour and no progress. */
function sink() {
  const chunks: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (chunks.push(String(s)), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join("") };
}

/** Runs the CLI in-process with its own environment and returns exit code and output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  const out = sink();
  const err = sink();
  const ctx: CliContext = { env: { NO_COLOR: "1", ...env }, cwd, stdout: out.stream, stderr: err.stream, exitCode: EXIT.ok };
  const code = await run(args, ctx);
  return { code, stdout: out.text(), stderr: err.text() };
}
