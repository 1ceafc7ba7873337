export const FLUSH_MARKER: string;

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  value: string;
  activeAt?: string;
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: { name: string; type: "alerting" | "recording"; health: string; lastError?: string; query: string; state?: string }[];
}

export interface StandIn {
  /** Prometheus: PromQL at {url}/api/v1/query, the alert rules' state at {url}/api/v1/alerts. */
  url: string;
  agentUrl: string;
  /** Where a Worker's OTLP metrics go (protobuf). */
  otlpMetricsUrl: string;
  /** Prometheus text format with timestamps, relabelled and stored like OTLP metrics. */
  importUrl: string;
  pids: number[];
  links: { graph: string; alerts: string; rules: string };
  /** Waits until everything vmagent accepted before this call is queryable in Prometheus. */
  flush(timeoutMs?: number): Promise<void>;
  /** Instant PromQL query (at `time`, seconds, or now); returns `data.result`. */
  query(promql: string, time?: number): Promise<PromSample[]>;
  alerts(): Promise<PromAlert[]>;
  /** Rule groups as /api/v1/rules returns them. */
  rules(): Promise<PromRuleGroup[]>;
  stop(): Promise<void>;
}

export function startStandIn(options?: { port?: number; agentPort?: number; interval?: string; rulesFile?: string; inherit?: boolean }): Promise<StandIn>;
