#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone (no build step): tsx compiles cli/ on the fly.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../cli/main.ts");
process.exitCode = await run(process.argv.slice(2));
