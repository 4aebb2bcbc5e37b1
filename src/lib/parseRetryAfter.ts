import { parseHttpDate } from "./httpDate.js";

/** A retry-after beyond this is treated as this: a broken header must not silence the monitor for years. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Parses `retry-after` (RFC 9110 §10.2.3) as delay-seconds or as an HTTP-date in any of its three forms (see
 * parseHttpDate). Returns milliseconds from `now`, capped at MAX_RETRY_AFTER_MS, 0 for a date already past, or
 * null when absent or unreadable. Only the first of several values counts.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  // RFC 9110 allows whole seconds only; a fraction is read as meant rather than dropped.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
  const date = parseHttpDate(text, now);
  return date === null ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date.getTime() - now.getTime()));
}
