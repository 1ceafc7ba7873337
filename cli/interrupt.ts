import { EXIT } from "./exit-codes.ts";

/** What must be undone if the CLI is told to stop (SIGTERM, SIGINT): e.g. the workerd that getPlatformProxy started. */
type Cleanup = () => Promise<void>;
type Listener = (signal: NodeJS.Signals) => void;

const cleanups = new Set<Cleanup>();
const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** How long cleanups may take before the CLI exits anyway. */
const CLEANUP_TIMEOUT_MS = 10_000;
/**
 * Listeners others installed before us, held back while ours is in place. wrangler's (installed when it is imported)
 * calls process.exit() at once, which would skip our cleanup and exit 0; it still runs, after ours.
 */
let heldBack = new Map<NodeJS.Signals, Listener[]>();

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  const pending = [...cleanups].map((c) => c().catch(() => {}));
  cleanups.clear();
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, CLEANUP_TIMEOUT_MS).unref())]);
  process.stderr.write(`moltsecret: interrupted by ${signal}; child processes stopped\nhint: rerun the same command (migrate run resumes from its checkpoint)\n`);
  // Anyone who exits with process.exit() and no code now exits with ours.
  process.exitCode = EXIT.unknown;
  for (const listener of heldBack.get(signal) ?? []) listener(signal);
  process.exit(EXIT.unknown);
}

function install(): void {
  heldBack = new Map(SIGNALS.map((s) => [s, process.listeners(s) as Listener[]]));
  for (const s of SIGNALS) {
    process.removeAllListeners(s);
    process.on(s, onSignal);
  }
}

function uninstall(): void {
  for (const s of SIGNALS) {
    process.off(s, onSignal);
    for (const listener of heldBack.get(s) ?? []) process.on(s, listener);
  }
  heldBack = new Map();
}

/**
 * Runs `cleanup` if the process is told to stop before the returned function is called (on success or failure), then
 * exits 3 with a message. Handlers are ours only while something is registered; otherwise signals behave as before.
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) install();
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup)) return;
    if (cleanups.size === 0) uninstall();
  };
}
