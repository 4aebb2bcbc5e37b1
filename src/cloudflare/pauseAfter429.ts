import { MAX_RETRY_AFTER_MS } from "../lib/parseRetryAfter.js";
import type { RateLimitState } from "./rateLimitHeaders.js";

/**
 * How long Cloudflare blocks every API call once the limit is exceeded: "the next 5 minutes"
 * (/work/shared/CLOUDFLARE.md, "Rate limits", from Cloudflare's "Rate limits" page).
 */
export const CLOUDFLARE_BLOCK_MS = 5 * 60_000;

/**
 * How long every worker pauses after a 429. `retryAfterMs` (parseRetryAfter) is Cloudflare's own answer and wins
 * when present. Without it the 429 most likely means the block has begun, so the pause is the longer of the
 * block and the reset of the most restrictive `Ratelimit` item: resuming at a `t` of a few seconds would only
 * spend requests on more 429s. Never above MAX_RETRY_AFTER_MS.
 */
export function pauseAfter429(retryAfterMs: number | null, state: Pick<RateLimitState, "resetSeconds"> | null): number {
  if (retryAfterMs !== null) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfterMs));
  const resetMs = state ? state.resetSeconds * 1000 : 0;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(CLOUDFLARE_BLOCK_MS, resetMs));
}
