import { terminalText } from "./terminalText.js";

/**
 * Writes a plain-text table with left-aligned columns (the last one not padded), ending with a newline. Cells hold
 * text from Cloudflare, labels and error messages, so each is made safe for a terminal (and one line) before the
 * columns are measured. Written a thousand lines at a time: 100,000 invites make an 11 MB table, which need not exist
 * as one string beside the rows it was made from.
 */
export function writeTable(write: (text: string) => void, header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  let batch: string[] = [];
  for (const line of tableLines(header, rows)) {
    batch.push(line);
    if (batch.length === 1_000) {
      write(`${batch.join("\n")}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) write(`${batch.join("\n")}\n`);
}

function* tableLines(header: readonly string[], unsafeRows: ReadonlyArray<readonly string[]>): Generator<string> {
  const rows = unsafeRows.map((row) => row.map((cell) => terminalText(cell)));
  // reduce, not Math.max(...spread): a spread of 200,000 rows overflows the call stack.
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, (r[i] ?? "").length), h.length));
  yield tableLine(header, widths);
  for (const row of rows) yield tableLine(row, widths);
}

/**
 * One line of a table whose column widths are known up front (a table printed page by page): cells made safe for a
 * terminal, left-aligned, the last one not padded.
 */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => {
      const safe = terminalText(cell);
      return i === cells.length - 1 ? safe : safe.padEnd(widths[i] ?? 0);
    })
    .join("  ")
    .trimEnd();
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

/** A value from a diff, readable on one line; an instant of a date field (`isDate`) as formatTime writes it. */
export function formatValue(value: unknown, isDate = false): string {
  if (value === null || value === undefined) return "(none)";
  if (isDate && typeof value === "string" && !Number.isNaN(Date.parse(value))) return formatTime(new Date(value));
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.length > 0 ? value.join(", ") : "(none)";
  return JSON.stringify(value);
}
