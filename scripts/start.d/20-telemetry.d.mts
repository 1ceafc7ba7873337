export const DEFAULT_PROMETHEUS_PORT: number;
/** Where npm start leaves the stand-in's Prometheus URL for `npm run traffic` (removed when it stops). */
export const PROMETHEUS_URL_FILE: string;

export interface TelemetrySidecarHandle {
  /** Worker vars: the local OTLP endpoint and export settings. */
  vars: Record<string, string>;
  /** Brings the stand-in up beside the running API; resolves to its Prometheus URL and UI links (to nothing if stopped meanwhile). */
  bringUp(): Promise<{ url: string; links: { graph: string; alerts: string; rules: string } }>;
  stop(): Promise<void>;
}

declare const sidecar: {
  name: string;
  start(options?: { say?: (line: string) => void }): Promise<TelemetrySidecarHandle>;
};
export default sidecar;
