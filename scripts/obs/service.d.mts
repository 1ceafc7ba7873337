import type { ChildProcess } from "node:child_process";

export interface Service {
  name: string;
  /** The process group's id (= the leader's pid). */
  pid: number;
  pgid: number;
  child: ChildProcess;
  /** SIGTERM to the group, SIGKILL after 5 s; resolves once no process of the group is left. */
  stop(): Promise<void>;
  /** The last lines of its stdout and stderr (empty with inherit). */
  output(): string;
}

export interface ServiceOptions {
  name: string;
  cmd: string;
  args?: string[];
  /** Resolve only once this URL answers 2xx. */
  readyUrl?: string;
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
  inherit?: boolean;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number>;
/** True while any process of the group `pgid` is alive. */
export function groupAlive(pgid: number): boolean;
/** Stops every service this process started and has not stopped yet, and removes their run directories. */
export function stopAllServices(): Promise<void>;
/** Spawns `cmd args` as the leader of a new process group; resolves when `readyUrl` answers 2xx. */
export function startService(options: ServiceOptions): Promise<Service>;
/** Runs `start(dir)` with a fresh run directory under `dataRoot`, removed when the handle's stop() has stopped it. */
export function inRunDirectory<H extends { stop(): Promise<void> | void }>(dataRoot: string, start: (dir: string) => Promise<H>): Promise<H & { stop(): Promise<void> }>;
