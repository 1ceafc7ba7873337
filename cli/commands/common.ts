import { Option, type Command } from "commander";
import { UserError } from "../errors.ts";

export type Format = "text" | "json" | "markdown" | "html";

export interface OutputOptions {
  json?: boolean;
  format?: Format;
  output?: string;
}

export function addOutputOptions(cmd: Command, formats: readonly Format[] = ["text", "json", "markdown"]): Command {
  return cmd
    .option("--json", "stable machine-readable output (same as --format json)")
    .addOption(new Option("--format <format>", "output format").choices([...formats]).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout");
}

export function resolveFormat(o: OutputOptions): Format {
  if (o.json && o.format && o.format !== "text" && o.format !== "json") throw new UserError("--json conflicts with --format " + o.format, { hint: "pick one" });
  return o.json ? "json" : (o.format ?? "text");
}

/** Example lines appended to --help. */
export const examples = (lines: readonly string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
