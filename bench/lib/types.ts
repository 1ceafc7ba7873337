// The contract between bench/run.ts and each comparison module in bench/comparisons/.
import type { Built } from "./build.ts";
import type { MetricsStore } from "./metrics-store.ts";

/** The Worker bundles a run compares: the API as deployed, the same app without telemetry, and the otel-cf-workers-only anchor. */
export type BuildKind = "api" | "no-telemetry" | "otel-cf-only";

export interface BenchOptions {
  quick: boolean;
  /** Interleaved rounds per comparison (>= 5 in a full run). */
  rounds: number;
  /** CPU sets for the Worker's workerd processes and the load generator, or null (no taskset / 1 core / --no-pin). */
  cpus: { worker: string; load: string } | null;
}

export interface BenchContext extends BenchOptions {
  log(message: string): void;
  /** One Grafana Cloud stand-in (vmagent -> Prometheus) for the whole run, started on first use. */
  metricsStore(): Promise<MetricsStore>;
  /** Each kind is built once per run (frozen for the whole run) and shared by every comparison. */
  build(kind: BuildKind): Promise<Built>;
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  /** null when the figure could not be taken. */
  pass: boolean | null;
}

export interface SectionResult {
  /** Markdown body: method, tables of raw rounds, medians, spread, ratios, explanation. */
  body: string;
  targets: TargetCheck[];
  /** One-line headline figures for the summary at the top. */
  headlines: string[];
}

export interface Comparison {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

/** Thrown when what a comparison measures does not exist yet (no caching layer, no CLI, ...). */
export class NotMeasurable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "NotMeasurable";
  }
}
