// Every comparison, in the order they run and appear in docs/BENCHMARKS.md.
import { bundle } from "./bundle.ts";
import { cli } from "./cli.ts";
import { overhead } from "./overhead.ts";
import type { Comparison } from "../lib/types.ts";

export const COMPARISONS: Comparison[] = [overhead, bundle, cli];
