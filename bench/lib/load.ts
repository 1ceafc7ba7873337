// Load from autocannon in a separate process, optionally pinned to its own CPUs, so the load generator
// never shares the orchestrator's event loop (which also runs the OTLP counting proxy).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./root.ts";

const run = promisify(execFile);

export interface LoadRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** Exactly one of durationSec or amount bounds the run. */
  durationSec?: number;
  amount?: number;
  /** Requests per second over all connections (open-loop pacing); unset = as fast as the server allows. */
  overallRate?: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  durationSec: number;
  /** 2xx responses per second. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Runs the load in a child process (pinned with taskset to `cpus` when given) and returns its figures. */
export async function runLoad(spec: LoadSpec, cpus?: string): Promise<LoadResult> {
  if ((spec.durationSec === undefined) === (spec.amount === undefined)) throw new Error("load needs exactly one of durationSec or amount");
  const node = [process.execPath, join(ROOT, "bench/lib/load-child.mjs"), JSON.stringify(spec)];
  const [cmd, ...args] = cpus ? ["taskset", "-c", cpus, ...node] : node;
  // Bound the child even if the server stalls: the run's own length plus a generous margin.
  const limitMs = Math.ceil(((spec.durationSec ?? 0) + (spec.amount ? spec.amount / 50 : 0) + 60) * 1000);
  const { stdout } = await run(cmd!, args, { cwd: ROOT, timeout: limitMs, maxBuffer: 1 << 20 });
  const line = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as LoadResult;
}
