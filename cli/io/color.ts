import { Chalk, type ChalkInstance } from "chalk";
import type { TriggerStatus } from "../exit-codes.ts";

/** Colour only for a terminal, never when NO_COLOR is set (https://no-color.org) or output is piped. */
export function makeChalk(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const enabled = !("NO_COLOR" in env && env.NO_COLOR !== "") && (Boolean(stream.isTTY) || Boolean(env.FORCE_COLOR && env.FORCE_COLOR !== "0"));
  return new Chalk({ level: enabled ? 1 : 0 });
}

export function paintStatus(c: ChalkInstance, status: TriggerStatus): string {
  const label = status.toUpperCase();
  switch (status) {
    case "ok": return c.green(label);
    case "warning": return c.yellow(label);
    case "critical": return c.red.bold(label);
    default: return c.gray(label);
  }
}
