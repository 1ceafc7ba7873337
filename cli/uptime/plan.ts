/** What a sync does to one probe: nothing, create it, or change the listed fields. */
export interface ProbePlan {
  provider: "Cloudflare Health Check" | "Better Stack monitor";
  name: string;
  action: "create" | "update" | "unchanged";
  /** "field: current -> wanted" for an update; the wanted settings for a create. */
  changes: string[];
  /** The probe's id at the provider, once it exists. */
  id?: string;
  /** The provider's last verdict on the probe (e.g. healthy / up), when it exists. */
  status?: string;
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * The fields of `wanted` whose value differs in `current`, as "a.b: current -> wanted". Fields the provider adds
 * (ids, timestamps, status) are not in `wanted` and so never count as a change.
 */
export function differences(wanted: Record<string, unknown>, current: Record<string, unknown> | undefined, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const have = current?.[key];
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
      out.push(...differences(value as Record<string, unknown>, (have ?? {}) as Record<string, unknown>, `${path}.`));
    } else if (JSON.stringify(have ?? null) !== JSON.stringify(value)) {
      out.push(`${path}: ${have === undefined ? "(unset)" : show(have)} -> ${show(value)}`);
    }
  }
  return out;
}

/** The settings of a new probe, one "field = value" each. */
export const settingsOf = (wanted: Record<string, unknown>): string[] => differences(wanted, undefined).map((line) => line.replace(/: \(unset\) -> /, " = "));
