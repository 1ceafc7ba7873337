/**
 * A thin fault-injecting wrapper around a real binding (KV, a Durable Object namespace and its stubs, D1): every call
 * is delegated to the real binding unless a test asked for a fault on that method, so the normal path always runs
 * against workerd. Methods are named by their path from the binding: "get" on KV, "get.hit" for the `hit` RPC of a
 * stub that the namespace's `get` returned.
 */
export interface Faults {
  /** Makes every later call of `method` fail with `error` (a rejected promise for async methods, a throw for sync ones). */
  fail(method: string, error: () => Error): void;
  /** Makes later calls of `method` wait until the returned release() runs, then go to the real binding. */
  hold(method: string): { release(): void; held(): number };
  /** Back to the real binding for every method. */
  clear(): void;
  /** Every method called through the wrapper, in order. */
  readonly calls: string[];
}

/** Methods whose result, unless a promise (KV's get), is itself a binding object to wrap (a namespace's stub). */
const WRAPS_RESULT = new Set(["get", "getByName"]);
/** Methods that answer synchronously; a fault throws instead of rejecting. */
const SYNC = new Set(["idFromName", "idFromString", "newUniqueId", "get", "getByName", "prepare", "bind"]);

export function withFaults<T extends object>(real: T): { binding: T; faults: Faults } {
  const failures = new Map<string, () => Error>();
  const holds = new Map<string, { gate: Promise<void>; waiting: number }>();
  const calls: string[] = [];
  const faults: Faults = {
    fail: (method, error) => void failures.set(method, error),
    hold(method) {
      let release!: () => void;
      const entry = { gate: new Promise<void>((r) => (release = r)), waiting: 0 };
      holds.set(method, entry);
      return {
        release: () => {
          holds.delete(method);
          release();
        },
        held: () => entry.waiting,
      };
    },
    clear: () => {
      failures.clear();
      holds.clear();
    },
    calls,
  };

  const wrap = <O extends object>(target: O, prefix: string): O =>
    new Proxy(target, {
      get(obj, prop) {
        const value = Reflect.get(obj, prop) as unknown;
        if (typeof prop !== "string" || typeof value !== "function") return value;
        const method = `${prefix}${prop}`;
        return (...args: unknown[]) => {
          calls.push(method);
          const failure = failures.get(method);
          if (failure) {
            if (SYNC.has(prop)) throw failure();
            return Promise.reject(failure());
          }
          const call = () => {
            // A stub's RPC methods come bound (called with `this` they would try to send the stub itself).
            const fn = value as (...a: unknown[]) => unknown;
            const result = prefix === "" ? fn.apply(obj, args) : fn(...args);
            const isStub = WRAPS_RESULT.has(prop) && typeof result === "object" && result !== null && !(result instanceof Promise);
            return isStub ? wrap(result, `${method}.`) : result;
          };
          const hold = holds.get(method);
          if (!hold) return call();
          hold.waiting++;
          return hold.gate.then(call);
        };
      },
    });

  return { binding: wrap(real, ""), faults };
}

/** An error as workerd throws it for a Durable Object with too many requests queued. */
export function overloadedError(): Error {
  return Object.assign(new Error("Durable Object is overloaded. Requests queued for too long."), { overloaded: true, retryable: false });
}
