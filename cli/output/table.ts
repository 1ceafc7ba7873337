/** Visible width: ANSI colour codes take no columns. */
// eslint-disable-next-line no-control-regex
const width = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "").length;

/** A plain column-aligned table; cells may carry colour codes. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[] = []): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const pad = (s: string, i: number) => {
    const gap = " ".repeat(widths[i]! - width(s));
    return align[i] === "r" ? gap + s : s + gap;
  };
  const lines = [headers.map(pad).join("  "), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => r.map(pad).join("  "))];
  return lines.map((l) => l.trimEnd()).join("\n");
}
