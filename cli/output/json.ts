/** Stable machine output: two-space indent, trailing newline, no colour. */
export const renderJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
