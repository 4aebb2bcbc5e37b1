import { describe, expect, it } from "vitest";
import { CLOUDFLARE_BLOCK_MS, pauseAfter429 } from "../../src/cloudflare/pauseAfter429.js";
import { readRateLimit } from "../../src/cloudflare/rateLimitHeaders.js";
import { MAX_RETRY_AFTER_MS } from "../../src/lib/parseRetryAfter.js";

describe("pauseAfter429", () => {
  it.each<{ name: string; retryAfterMs: number | null; ratelimit?: string; expected: number }>([
    { name: "retry-after alone", retryAfterMs: 30_000, expected: 30_000 },
    { name: "retry-after wins over a longer reset", retryAfterMs: 30_000, ratelimit: '"default";r=0;t=600', expected: 30_000 },
    { name: "retry-after wins over a shorter reset", retryAfterMs: 30_000, ratelimit: '"default";r=0;t=5', expected: 30_000 },
    { name: "retry-after 0", retryAfterMs: 0, ratelimit: '"default";r=0;t=60', expected: 0 },
    { name: "retry-after beyond the cap", retryAfterMs: 10 * MAX_RETRY_AFTER_MS, expected: MAX_RETRY_AFTER_MS },
    // Without retry-after: the longer of the most restrictive reset and Cloudflare's 5-minute block.
    { name: "nothing at all: the block", retryAfterMs: null, expected: CLOUDFLARE_BLOCK_MS },
    { name: "a reset shorter than the block", retryAfterMs: null, ratelimit: '"default";r=0;t=30', expected: 300_000 },
    { name: "r=0;t=0", retryAfterMs: null, ratelimit: '"default";r=0;t=0', expected: 300_000 },
    { name: "a reset longer than the block", retryAfterMs: null, ratelimit: '"default";r=0;t=600', expected: 600_000 },
    { name: "the most restrictive item's reset", retryAfterMs: null, ratelimit: '"default";r=900;t=1200, "burst";r=0;t=420', expected: 420_000 },
    { name: "a reset beyond the cap", retryAfterMs: null, ratelimit: '"default";r=0;t=7200', expected: MAX_RETRY_AFTER_MS },
  ])("$name -> $expected ms", ({ retryAfterMs, ratelimit, expected }) => {
    expect(pauseAfter429(retryAfterMs, readRateLimit(ratelimit, undefined))).toBe(expected);
  });
});
