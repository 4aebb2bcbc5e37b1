/** Plain-text table with left-aligned columns; the last column is not padded. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** "2026-11-28 20:14Z", or "-" for nothing. Minutes are enough to read a schedule at a glance. */
export function formatTime(date: Date | null | undefined): string {
  if (!date) return "-";
  return `${date.toISOString().slice(0, 16).replace("T", " ")}Z`;
}

/** JSON for scripts: dates as ISO strings, two-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A value from a diff, readable on one line. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
