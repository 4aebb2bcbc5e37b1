const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The accepted form, for error messages. */
export const DURATION_FORM = 'a duration such as "900", "30s", "15m", "72h" or "1d" (a bare number means seconds)';

/**
 * Parses "15m", "72h", "30s", "250ms", "1d", or a bare number of seconds. Returns milliseconds, or null when
 * malformed or too large to be an exact whole number of milliseconds (past Number.MAX_SAFE_INTEGER, about 285,000
 * years), so callers never receive Infinity or a value that no longer compares and adds exactly.
 */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2]?.toLowerCase() ?? "s") as keyof typeof UNIT_MS;
  const ms = Math.round(Number(match[1]) * UNIT_MS[unit]);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Formats milliseconds as people write them: 259200000 -> "72h", 900000 -> "15m"; days only from a week up. */
export function formatDuration(ms: number): string {
  if (ms >= 7 * UNIT_MS.d && ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  for (const unit of ["h", "m", "s"] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
