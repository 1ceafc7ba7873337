export { ViewCounter } from "./view-counter.ts";
export { countView, viewCounterFor, viewCounterName, viewCounterShard, type PendingView } from "./view-counter-client.ts";
export { revealSecret } from "./reveal.ts";
