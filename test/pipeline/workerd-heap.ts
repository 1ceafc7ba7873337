import WebSocket from "ws";

export interface HeapUsage {
  /** V8 heap bytes still in use right after a full garbage collection: what the Worker's code retains. */
  usedBytes: number;
  /** V8 heap bytes the isolate has reserved. */
  totalBytes: number;
}

/**
 * The Worker isolate's live heap, read through wrangler dev's inspector (`--inspector-port`) after forcing a full GC.
 * RSS alone cannot tell a leak from an allocator that keeps freed pages: this can. workerd does not answer
 * HeapProfiler.collectGarbage, but HeapProfiler.takeHeapSnapshot runs a full GC first; Runtime.getHeapUsage, queued
 * behind it, then reads what survived. Durable Objects of the same script share the isolate locally.
 */
export async function heapAfterGc(inspectorPort: number, timeoutMs = 30_000): Promise<HeapUsage> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(timeoutMs) })).json()) as Array<{ webSocketDebuggerUrl: string; title: string }>;
  const target = targets[0];
  if (!target) throw new Error(`wrangler dev's inspector on port ${inspectorPort} lists no Worker`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    let nextId = 0;
    const call = <T>(method: string, params?: object): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => reject(new Error(`inspector: ${method} got no answer in ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (data: WebSocket.RawData) => {
          const msg = JSON.parse(data.toString()) as { id?: number; method?: string; result?: T; error?: { message: string } };
          if (msg.id !== id || msg.method) return;
          clearTimeout(timer);
          ws.off("message", onMessage);
          if (msg.error) reject(new Error(`inspector: ${method}: ${msg.error.message}`));
          else resolve(msg.result as T);
        };
        ws.on("message", onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
    // The snapshot's chunks stream back as events and are ignored; only its side effect, the full GC, is wanted.
    ws.send(JSON.stringify({ id: ++nextId, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }));
    const usage = await call<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  } finally {
    ws.close();
  }
}
