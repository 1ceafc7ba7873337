export interface Scenario {
  duration: string;
  concurrency: number;
  maxRequests: number;
  alerts: string;
}

export const SCENARIOS: Readonly<Record<"errors" | "slow" | "growth", Scenario>>;

/** The alerts page of the stand-in npm start is running, or null when none runs. */
export function alertsPage(): string | null;
/** "30s", "12m", "500ms", "2h" (no unit: seconds), at most an hour, in ms. */
export function parseDuration(text: string): number;
/** The local D1 SQLite file wrangler dev persists to (the largest one). */
export function localD1File(persistTo?: string): string;

export interface ScenarioOptions {
  url?: string;
  duration?: number;
  concurrency?: number;
  maxRequests?: number;
  d1File?: string;
  log?: (line: string) => void;
}

/** Runs a scenario; returns what was sent and the per-status counts. */
export function runScenario(name: string, options?: ScenarioOptions): Promise<{ sent: number; counts: Record<string, number> }>;
