import { AggregationTemporality, MetricReader } from "@opentelemetry/sdk-metrics";

/**
 * A reader with no timer: Workers have no background execution, so the pipeline calls collect()
 * itself from ctx.waitUntil. Cumulative, because Grafana Cloud rejects delta counters/histograms and
 * VictoriaMetrics would store raw deltas.
 */
export class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }

  protected override async onForceFlush(): Promise<void> {}

  protected override async onShutdown(): Promise<void> {}
}
