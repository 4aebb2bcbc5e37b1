import { MAX_RETRY_AFTER_MS } from "../lib/parseRetryAfter.js";

/** What Cloudflare's `Ratelimit` header says: `r` requests remain, and the window resets in `t` seconds. */
export interface RateLimitState {
  remaining: number;
  resetSeconds: number;
}

/** Parses `"default";r=50;t=30`. Returns null when the header is absent or unreadable. */
export function parseRateLimitHeader(value: string | string[] | undefined): RateLimitState | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  // At most 9 digits: a longer number is garbage, not a quota.
  const remaining = /(?:^|[;,\s])r=(\d{1,9})(?!\d)/.exec(text);
  const reset = /(?:^|[;,\s])t=(\d{1,9})(?!\d)/.exec(text);
  if (!remaining || !reset) return null;
  return { remaining: Number(remaining[1]), resetSeconds: Number(reset[1]) };
}

/**
 * How long every worker should hold off before the next request, so that the remaining quota lasts until
 * the window resets. Zero when we are comfortably inside it. `spacingMs` is our own gap between requests.
 */
export function slowdownFromRateLimit(state: RateLimitState | null, spacingMs: number): number {
  if (!state) return 0;
  const resetMs = Math.min(state.resetSeconds * 1000, MAX_RETRY_AFTER_MS);
  if (state.remaining <= 0) return resetMs;
  // Spread what is left over the rest of the window; only act when that is slower than our own pace.
  const needed = resetMs / state.remaining;
  return needed > spacingMs ? Math.ceil(needed) : 0;
}
