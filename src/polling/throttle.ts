import { RateLimitError } from "bullmq";
import type { FetchOutcome, ListOutcome, ProbeOutcome } from "../cloudflare/cloudflareClient.js";
import { pauseAfter429 } from "../cloudflare/pauseAfter429.js";
import { slowdownFromRateLimit } from "../cloudflare/rateLimitHeaders.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../metrics/createMetrics.js";

export interface ThrottleDeps {
  pauseAll(ms: number, reason: "budget"): Promise<void>;
  /** Our own gap between requests, to judge whether Cloudflare's remaining quota calls for slowing down. */
  spacingMs: number;
  metrics: Pick<Metrics, "rateLimitPause" | "cloudflareRemaining">;
  logger: Logger;
}

/**
 * Reads the quota of every Cloudflare answer, polls and probes alike, so the budget is one budget: a 429 pauses
 * every worker of every process (and puts the job back untouched by throwing RateLimitError); a quota running low
 * slows everyone down before a 429 can come.
 */
export function makeThrottle(deps: ThrottleDeps): (answer: FetchOutcome | ListOutcome | ProbeOutcome) => Promise<void> {
  return async (answer) => {
    if (answer.rateLimit) deps.metrics.cloudflareRemaining(answer.rateLimit);
    if (answer.kind === "rate-limited") {
      const pause = pauseAfter429(answer.retryAfterMs, answer.rateLimit);
      await deps.pauseAll(pause, "budget");
      deps.metrics.rateLimitPause("429");
      deps.logger.warn({ pauseMs: pause }, "Cloudflare answered 429: every worker pauses");
      throw new RateLimitError();
    }
    const slowdown = slowdownFromRateLimit(answer.rateLimit, deps.spacingMs);
    if (slowdown > 0) {
      await deps.pauseAll(slowdown, "budget");
      deps.metrics.rateLimitPause("ratelimit_header");
      deps.logger.info({ remaining: answer.rateLimit?.remaining, pauseMs: slowdown }, "Cloudflare quota is running low: slowing down");
    }
  };
}
