// One measured load run against a running Worker: load figures plus the CPU its workerd processes spent.
import { runLoad, type LoadResult, type LoadSpec } from "./load.ts";
import { CLOCK_TICKS, cpuTicks, rssKiB } from "./proc.ts";
import type { RunningWorker } from "./variant-worker.ts";

export interface Measured extends LoadResult {
  /** CPU ms per 2xx response spent in the Worker's workerd and in wrangler's proxy workerd. */
  workerCpuMsPerReq: number;
  proxyCpuMsPerReq: number;
  /** CPU ms per 2xx response in wrangler's Node processes (console lines of the Worker are printed there). */
  hostCpuMsPerReq: number;
  rssKiBAfter: number;
}

export async function measure(worker: RunningWorker, spec: Omit<LoadSpec, "url">, loadCpus?: string): Promise<Measured> {
  const w0 = cpuTicks(worker.workerdPid);
  const p0 = cpuTicks(worker.proxyPid);
  const hosts = worker.hostPids();
  const hostTicks = () => hosts.map(cpuTicks).filter(Number.isFinite).reduce((a, b) => a + b, 0);
  const h0 = hostTicks();
  const result = await runLoad({ ...spec, url: worker.url }, loadCpus);
  const perReq = (t0: number, t1: number) => (((t1 - t0) / CLOCK_TICKS) * 1000) / Math.max(1, result.ok);
  return {
    ...result,
    workerCpuMsPerReq: perReq(w0, cpuTicks(worker.workerdPid)),
    proxyCpuMsPerReq: perReq(p0, cpuTicks(worker.proxyPid)),
    hostCpuMsPerReq: perReq(h0, hostTicks()),
    rssKiBAfter: rssKiB(worker.workerdPid),
  };
}

/** Round r's order of the variants: a rotation, so no variant always runs first or last. */
export const rotation = <T>(items: readonly T[], round: number): T[] => items.map((_, i) => items[(i + round) % items.length]!);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
