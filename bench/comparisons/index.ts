// Every comparison, in the order they run and appear in docs/BENCHMARKS.md.
import type { Comparison } from "../lib/types.ts";
import { bundle } from "./bundle.ts";
import { cli } from "./cli.ts";
import { cpu } from "./cpu.ts";
import { d1Work } from "./d1-work.ts";
import { exportEfficiency } from "./export.ts";
import { kvHot } from "./kv-hot.ts";
import { memory } from "./memory.ts";
import { overhead, overheadWranglerDev } from "./overhead.ts";
import { profile } from "./profile.ts";

export const COMPARISONS: Comparison[] = [overhead, profile, overheadWranglerDev, exportEfficiency, d1Work, bundle, cli, memory, cpu, kvHot];
