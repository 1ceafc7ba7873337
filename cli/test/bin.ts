import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./local-d1-fixture.ts";

export const BIN = join(REPO, "bin/moltsecret.js");

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The package's bin as a user runs it: a separate Node process, no TTY, its own environment. */
export function moltsecret(args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO): Promise<BinResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

/** The bin with its stdout closed by the reader before anything is written (`... | head -0`). */
export function moltsecretIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
