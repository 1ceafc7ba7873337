import { ATTR } from "../../catalog/index.ts";
import type { QueryInfo, QueryObserver } from "../store/store.ts";
import type { TelemetryEnv } from "./config.ts";
import { getPipeline } from "./registry.ts";

/**
 * The store's QueryObserver feeding the D1 metrics: client-side and D1-reported durations, rows
 * read/written, statements by type, and the database size from size_after. Undefined when telemetry is off.
 */
export function telemetryQueryObserver(env: TelemetryEnv): QueryObserver | undefined {
  const pipeline = getPipeline(env);
  if (!pipeline) return undefined;
  const m = pipeline.instruments;
  return (info: QueryInfo) => {
    const byType = { [ATTR.d1OperationType]: info.operation };
    const byStatement = { ...byType, [ATTR.d1Statement]: info.name };
    m.d1ClientDuration.record(info.clientMs / 1000, byStatement);
    if (info.serverMs !== undefined) m.d1QueryDuration.record(info.serverMs / 1000, byStatement);
    m.d1Queries.add(1, byType);
    if (info.rowsRead) m.d1RowsRead.add(info.rowsRead, byType);
    if (info.rowsWritten) m.d1RowsWritten.add(info.rowsWritten, byType);
    if (info.sizeAfter !== undefined) m.d1DatabaseSize.record(info.sizeAfter);
  };
}
