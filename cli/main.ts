import { Command, CommanderError, type OutputConfiguration } from "commander";
import { COMMANDS } from "./commands/index.ts";
import { defaultContext, type CliContext } from "./context.ts";
import { describeFailure } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";

const EXIT_CODES_HELP = `
Exit codes (Nagios plugin convention; for capacity, the migration verdict):
  0  OK        no migration trigger fired
  1  WARNING   a migration trigger crossed its warning threshold: plan the migration
  2  CRITICAL  a migration trigger crossed its critical threshold: migrate now
  3  UNKNOWN   could not measure: bad arguments, unreachable source, missing credentials
Service health (the error rate) is reported beside the verdict and never sets the
exit code: it is an alert threshold, not a reason to migrate.

Sizes use 1 GB = 10^9 bytes, as Cloudflare states its limits.
`;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("moltsecret")
    .description("Operating MoltSecret: D1 capacity and migration triggers, growth projection, cost, the move to libSQL, dashboards and alerts")
    .version("0.1.0")
    .addHelpText("after", EXIT_CODES_HELP);
  for (const make of COMMANDS) program.addCommand(make(ctx));
  propagate(program, {
    writeOut: (s) => ctx.stdout.write(s),
    writeErr: (s) => ctx.stderr.write(s),
    // Parser errors are printed by run() in the CLI's own `moltsecret: <reason>` + `hint:` format.
    outputError: () => {},
    // 80 columns unless on a terminal, so help piped into files and the README is stable.
    getOutHelpWidth: () => (ctx.stdout.isTTY ? (ctx.stdout.columns ?? 80) : 80),
    getErrHelpWidth: () => (ctx.stderr.isTTY ? (ctx.stderr.columns ?? 80) : 80),
  });
  return program;
}

/** The command a parser error belongs to, so the hint can name its --help. */
class ParserError extends Error {
  constructor(readonly commander: CommanderError, readonly commandPath: string) {
    super(commander.message);
  }
}

/** addCommand() copies no settings: every (sub)command gets the context's streams and the error hook. */
function propagate(cmd: Command, output: OutputConfiguration): void {
  const path = commandPath(cmd);
  cmd.configureOutput(output).exitOverride((err) => {
    throw new ParserError(err, path);
  });
  for (const sub of cmd.commands) propagate(sub, output);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Runs the CLI and returns its exit code; never calls process.exit itself. */
export async function run(argv: readonly string[], ctx: CliContext = defaultContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return ctx.exitCode;
  } catch (caught) {
    const err = caught instanceof ParserError ? caught.commander : caught;
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT.ok;
      // `moltsecret migrate` alone prints its help to stderr: usage, not a failure to measure... but no report either.
      if (err.code === "commander.help") return err.exitCode === 0 ? EXIT.ok : EXIT.unknown;
      const path = caught instanceof ParserError ? caught.commandPath : "moltsecret";
      ctx.stderr.write(`moltsecret: ${err.message.replace(/^error: /, "")}\nhint: run \`${path} --help\` for usage\n`);
      // Bad arguments are UNKNOWN in the Nagios sense.
      return EXIT.unknown;
    }
    const { text, exitCode } = describeFailure(err);
    ctx.stderr.write(`${text}\n`);
    return exitCode;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) process.exitCode = await run(process.argv.slice(2));
