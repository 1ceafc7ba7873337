export const OBS_CACHE: string;

export interface ObsBinaries {
  vmagent: string;
  prometheus: string;
  promtool: string;
  /** Start Prometheus here: its classic UI templates are found relative to it. */
  prometheusCwd: string;
}

/** Absolute paths of the binaries, downloading them once into .cache/obs. */
export function obsBinaries(options?: { onProgress?: (line: string) => void }): Promise<ObsBinaries>;
