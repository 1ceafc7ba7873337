import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { groupAlive, inRunDirectory, startService, stopAllServices } from "./service.mjs";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("scripts/obs/service.mjs: every process it starts ends with its whole group", () => {
  it("stop() ends the child and the grandchild it spawned (as wrangler spawns workerd)", async () => {
    // The shell prints its background child's pid, then waits: the grandchild would outlive a SIGTERM to the shell alone.
    const svc = await startService({ name: "sh", cmd: "sh", args: ["-c", "sleep 300 & echo $!; trap '' TERM; wait"] });
    let grandchild = 0;
    for (let i = 0; i < 100 && !grandchild; i++) {
      grandchild = Number(svc.output().trim()) || 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(alive(grandchild)).toBe(true);
    await svc.stop();
    expect(alive(grandchild)).toBe(false);
    expect(groupAlive(svc.pid)).toBe(false);
  });

  it("stopAllServices() ends every group not stopped yet and removes their run directories (afterAll after a timed-out beforeAll)", async () => {
    const a = await startService({ name: "a", cmd: "sleep", args: ["300"] });
    let dir = "";
    const b = await inRunDirectory(tmpdir(), (d: string) => {
      dir = d;
      return startService({ name: "b", cmd: "sleep", args: ["300"], cwd: d });
    });
    expect(existsSync(dir)).toBe(true);
    await stopAllServices();
    expect([a.pid, b.pid].filter((pid) => groupAlive(pid))).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
