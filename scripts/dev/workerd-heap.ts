import WebSocket from "ws";

/**
 * "Flat": the isolate's live heap after a full GC may not grow by more than this between the end of a warm-up and the
 * end of a run, whatever the request count (the memory test and the bench both judge by it). The leak it guards
 * against (otel-cf-workers' isJSRPC probes) was measured at ~2.2 KiB per request, so ~13 MiB at that rate over 6,000.
 */
export const FLAT_HEAP_TOLERANCE_BYTES = 2 * 1024 * 1024;

export interface HeapUsage {
  /** V8 heap bytes still in use right after a full garbage collection: what the Worker's code retains. */
  usedBytes: number;
  /** V8 heap bytes the isolate has reserved. */
  totalBytes: number;
}

export interface InspectorSession {
  /** Forces a full GC and reads the isolate's heap. */
  heapAfterGc(): Promise<HeapUsage>;
  /** Any DevTools protocol command on the Worker's isolate (e.g. the Profiler domain), answered or rejected. */
  call<T>(method: string, params?: object): Promise<T>;
  close(): void;
}

/**
 * A DevTools session on the Worker's isolate through wrangler dev's inspector (`--inspector-port`), kept open for the
 * whole run. It must be: while no client is attached, wrangler's inspector proxy buffers every inspector event of the
 * Worker (console lines, 4 Network events per subrequest) and replays them all to the next client, which then waits
 * minutes for an answer. workerd's own inspector takes one session only, and wrangler's proxy holds it.
 *
 * RSS alone cannot tell a leak from an allocator that keeps freed pages: the heap after a GC can. workerd does not
 * answer HeapProfiler.collectGarbage, but HeapProfiler.takeHeapSnapshot runs a full GC first; Runtime.getHeapUsage,
 * queued behind it, then reads what survived. Durable Objects of the same script share the isolate locally.
 */
export async function openInspector(inspectorPort: number, timeoutMs = 120_000): Promise<InspectorSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(10_000) })).json()) as Array<{ id?: string; webSocketDebuggerUrl: string }>;
  // workerd's own inspector (one workerd through Miniflare) also lists its internal workers; the user Worker is "core:user:<name>".
  const target = targets.find((t) => t.id?.startsWith("core:user:")) ?? targets[0];
  if (!target) throw new Error(`wrangler dev's inspector on port ${inspectorPort} lists no Worker`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const waiting = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  ws.on("message", (data: WebSocket.RawData) => {
    const text = data.toString();
    // Events (console lines, snapshot chunks, network) are the bulk of the traffic: only answers start with an id.
    if (!text.startsWith('{"id":')) return;
    // workerd echoes some commands' method in the answer (Profiler.enable comes back as {id, method, params}).
    const msg = JSON.parse(text) as { id: number; method?: string; result?: unknown; error?: { message: string } };
    waiting.get(msg.id)?.(msg);
  });
  let nextId = 0;
  const send = (method: string, params?: object): number => {
    const id = ++nextId;
    ws.send(JSON.stringify({ id, method, params }));
    return id;
  };
  const answer = <T>(id: number, method: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`inspector: ${method} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (msg) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (msg.error) reject(new Error(`inspector: ${method}: ${msg.error.message}`));
        else resolve(msg.result as T);
      });
    });
  return {
    async heapAfterGc() {
      // The snapshot's chunks stream back as events and are dropped; only its side effect, the full GC, is wanted.
      send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      const usage = await answer<{ usedSize: number; totalSize: number }>(send("Runtime.getHeapUsage"), "Runtime.getHeapUsage");
      return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
    },
    call: <T>(method: string, params?: object) => answer<T>(send(method, params), method),
    close: () => ws.close(),
  };
}
