import { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { UserError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";

/** `dashboards build` and `alerts build`: the generated files written under an existing repository root. */
export function makeBuildCommand(ctx: CliContext, only: "dashboards" | "alerts", description: string): Command {
  return new Command("build")
    .description(description)
    .option("--out <dir>", "repository root to write under (must exist)", ".")
    .action(async (opts: { out: string }) => {
      const root = resolve(ctx.cwd, opts.out);
      if (!existsSync(root) || !statSync(root).isDirectory()) {
        throw new UserError(`--out ${opts.out} is not an existing folder`, { hint: `create it first (mkdir -p ${opts.out}) or pass the repository root` });
      }
      // Loaded on use: the generators pull in the Grafana SDK, which the other commands do not need.
      const { writeObservability } = await import("../../observability/build.ts");
      const written = writeObservability(root, only);
      ctx.stdout.write(`${written.map((f) => `wrote ${join(opts.out, f)}`).join("\n")}\n`);
      ctx.exitCode = EXIT.ok;
    });
}
