/**
 * Progress on stderr for slow steps, only on a terminal, so pipes, --json and cron logs stay clean.
 * A spinner for unknown lengths, a bar when the total is known.
 */
export interface Progress {
  step(label: string): void;
  update(done: number, total: number, label?: string): void;
  done(): void;
}

const FRAMES = ["-", "\\", "|", "/"];

export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = Boolean(stream.isTTY)): Progress {
  if (!enabled) return { step() {}, update() {}, done() {} };
  let label = "";
  let frame = 0;
  let bar = "";
  const draw = () => stream.write(`\r\x1b[2K${bar || `${FRAMES[frame++ % FRAMES.length]} ${label}`}`);
  const timer = setInterval(draw, 120);
  timer.unref();
  return {
    step(l) {
      label = l;
      bar = "";
      draw();
    },
    update(done, total, l) {
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const cells = 30;
      const filled = Math.round(ratio * cells);
      bar = `[${"#".repeat(filled)}${".".repeat(cells - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${l ?? label}`;
      draw();
    },
    done() {
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    },
  };
}
