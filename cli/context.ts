import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ChalkInstance } from "chalk";
import { UserError } from "./errors.ts";
import { tolerateClosedPipe } from "./io/closed-pipe.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import { makeChalk } from "./io/color.ts";
import { createProgress, type Progress } from "./io/progress.ts";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Set by the command that ran; main returns it. */
  exitCode: ExitCode;
}

let pipesGuarded = false;

export function defaultContext(): CliContext {
  if (!pipesGuarded) {
    tolerateClosedPipe(process.stdout);
    tolerateClosedPipe(process.stderr);
    pipesGuarded = true;
  }
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, exitCode: EXIT.ok };
}

export const chalkFor = (ctx: CliContext): ChalkInstance => makeChalk(ctx.stdout, ctx.env);

export const progressFor = (ctx: CliContext, quiet: boolean): Progress => createProgress(ctx.stderr, !quiet && Boolean(ctx.stderr.isTTY));

/** Writes a rendered report to --output or stdout. */
export async function emit(ctx: CliContext, text: string, output?: string): Promise<void> {
  if (output) {
    try {
      await writeFile(resolve(ctx.cwd, output), text);
    } catch (err) {
      throw new UserError(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: "pass -o a writable file, or leave -o out to print to stdout", cause: err });
    }
    ctx.stderr.write(`wrote ${output}\n`);
  } else ctx.stdout.write(text);
}
