import { describe, expect, it } from "vitest";
import { readRateLimit, slowdownFromRateLimit } from "../../src/cloudflare/rateLimitHeaders.js";
import { MAX_RETRY_AFTER_MS } from "../../src/lib/parseRetryAfter.js";

type Header = string | string[] | undefined;

describe("readRateLimit: the most restrictive readable Ratelimit item", () => {
  it.each<{ name: string; header: Header; remaining: number; resetSeconds: number }>([
    { name: "one item", header: '"default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "an exhausted quota", header: '"default";r=0;t=300', remaining: 0, resetSeconds: 300 },
    { name: "parameters in any order", header: '"default";t=30;r=50', remaining: 50, resetSeconds: 30 },
    { name: "spaces after the semicolons", header: '"default"; r=1199; t=1', remaining: 1199, resetSeconds: 1 },
    { name: "a token for a name", header: "default;r=5;t=10", remaining: 5, resetSeconds: 10 },
    { name: "an unknown parameter", header: '"default";r=50;t=30;pk=:cHJvamVjdA==:', remaining: 50, resetSeconds: 30 },
    { name: "r=0;t=0 is kept as sent", header: '"default";r=0;t=0', remaining: 0, resetSeconds: 0 },
    // Every item counts, and the most restrictive wins.
    { name: "an exhausted second item wins", header: '"default";r=500;t=200, "burst";r=0;t=5', remaining: 0, resetSeconds: 5 },
    { name: "the slower pace wins", header: '"a";r=100;t=10, "b";r=10;t=60', remaining: 10, resetSeconds: 60 },
    { name: "the first item when it is the slower", header: '"a";r=10;t=60, "b";r=100;t=10', remaining: 10, resetSeconds: 60 },
    { name: "two exhausted: the longer reset", header: '"a";r=0;t=5, "b";r=0;t=60, "c";r=0;t=9', remaining: 0, resetSeconds: 60 },
    { name: "two field lines are one list", header: ['"default";r=50;t=30', '"burst";r=2;t=30'], remaining: 2, resetSeconds: 30 },
    { name: "two field lines, the first slower", header: ['"default";r=7;t=9', '"other";r=1;t=1'], remaining: 7, resetSeconds: 9 },
    // An unreadable item is ignored, not guessed; the others still count.
    { name: "a decimal r", header: '"burst";r=1.5;t=5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a negative r", header: '"burst";r=-1;t=5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a string r", header: '"burst";r="5";t=5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a boolean r", header: '"burst";r;t=5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a missing t", header: '"burst";r=0, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a missing r", header: '"burst";t=5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a decimal t", header: '"burst";r=0;t=0.5, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "an inner list", header: '("a" "b");r=0;t=9, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
    { name: "a number for a name", header: '5;r=0;t=9, "default";r=50;t=30', remaining: 50, resetSeconds: 30 },
  ])("$name: $header -> r=$remaining, t=$resetSeconds", ({ header, remaining, resetSeconds }) => {
    expect(readRateLimit(header, undefined)).toMatchObject({ remaining, resetSeconds });
  });

  it.each<{ name: string; header: Header; policy?: Header }>([
    { name: "absent", header: undefined },
    { name: "empty", header: "" },
    { name: "empty array", header: [] },
    { name: "garbage", header: "lots of requests left" },
    { name: "remaining only", header: '"default";r=50' },
    { name: "reset only", header: '"default";t=30' },
    { name: "non-numeric values", header: '"default";r=many;t=soon' },
    { name: "negative values", header: '"default";r=-1;t=-5' },
    { name: "lookalike keys", header: '"default";err=5;at=3' },
    { name: "the only item is unreadable", header: '"burst";r=1.5;t=5' },
    { name: "every item is unreadable", header: '"a";r=1.5;t=5, "b";r=2;t="9"' },
    // RFC 9651: a field that does not parse is ignored as a whole, readable items included.
    { name: "a trailing comma", header: '"default";r=50;t=30,' },
    { name: "trailing junk", header: '"default";r=50;t=30 junk' },
    { name: "an upper-case key", header: '"default";R=50;r=50;t=30' },
    { name: "an integer over 15 digits", header: '"default";r=1234567890123456;t=30' },
    { name: "one bad line of two", header: ['"default";r=50;t=30', "r=5;t=;"] },
    { name: "a policy alone", header: undefined, policy: '"burst";q=100;w=60' },
  ])("$name -> null", ({ header, policy }) => {
    expect(readRateLimit(header, policy)).toBeNull();
  });

  it("keeps every readable item and policy, with its name, in header order", () => {
    const state = readRateLimit('"default";r=500;t=200, "burst";r=1.5;t=1, "burst";r=0;t=5', ['"default";q=1200;w=300', '"burst";q=100;w=60, "x";q=1']);
    expect(state).toEqual({
      remaining: 0,
      resetSeconds: 5,
      items: [
        { name: "default", remaining: 500, resetSeconds: 200 },
        { name: "burst", remaining: 0, resetSeconds: 5 },
      ],
      policies: [
        { name: "default", quota: 1200, windowSeconds: 300 },
        { name: "burst", quota: 100, windowSeconds: 60 },
      ],
    });
  });

  it.each<{ name: string; policy: Header; expected: unknown[] }>([
    { name: "absent", policy: undefined, expected: [] },
    { name: "one", policy: '"burst";q=100;w=60', expected: [{ name: "burst", quota: 100, windowSeconds: 60 }] },
    { name: "an unreadable one is ignored", policy: '"a";q=1.5;w=60, "b";q=10;w=-1, "c";w=60, "d";q=10;w=60', expected: [{ name: "d", quota: 10, windowSeconds: 60 }] },
    { name: "a policy that does not parse", policy: '"burst";q=100;w=60,,', expected: [] },
  ])("Ratelimit-Policy $name -> $expected", ({ policy, expected }) => {
    expect(readRateLimit('"default";r=50;t=30', policy)?.policies).toEqual(expected);
  });
});

describe("slowdownFromRateLimit", () => {
  it.each<{ name: string; header: Header; policy?: Header; spacing: number; expected: number }>([
    { name: "no header", header: undefined, spacing: 1_000, expected: 0 },
    { name: "r=0 waits the full reset", header: '"default";r=0;t=30', spacing: 1_000, expected: 30_000 },
    { name: "r=0, t=0: the quota is gone, so at least a second", header: '"default";r=0;t=0', spacing: 1_000, expected: 1_000 },
    { name: "r=0, t=0, even under our own spacing", header: '"default";r=0;t=0', spacing: 5_000, expected: 1_000 },
    { name: "r=5, t=0: the window resets now", header: '"default";r=5;t=0', spacing: 1_000, expected: 0 },
    { name: "plenty left", header: '"default";r=1000;t=30', spacing: 1_000, expected: 0 },
    { name: "exactly our pace", header: '"default";r=30;t=30', spacing: 1_000, expected: 0 },
    { name: "little left", header: '"default";r=5;t=30', spacing: 1_000, expected: 6_000 },
    { name: "one left", header: '"default";r=1;t=30', spacing: 1_000, expected: 30_000 },
    { name: "rounded up", header: '"default";r=7;t=10', spacing: 100, expected: Math.ceil(10_000 / 7) },
    { name: "slightly slower than our pace", header: '"default";r=29;t=30', spacing: 1_000, expected: Math.ceil(30_000 / 29) },
    { name: "a reset beyond the cap", header: '"default";r=0;t=86400', spacing: 1_000, expected: MAX_RETRY_AFTER_MS },
    // Every item counts.
    { name: "an exhausted burst quota beside a roomy default", header: '"default";r=500;t=200, "burst";r=0;t=5', spacing: 1_000, expected: 5_000 },
    { name: "a tight second item", header: '"default";r=1000;t=30, "burst";r=2;t=10', spacing: 1_000, expected: 5_000 },
    { name: "an unreadable tight item is not guessed", header: '"burst";r=1.5;t=30, "default";r=1000;t=30', spacing: 1_000, expected: 0 },
    // The most restrictive policy caps the pace.
    { name: "a policy slower than our spacing", header: '"default";r=1000;t=30', policy: '"burst";q=100;w=60', spacing: 250, expected: 600 },
    { name: "a policy faster than our spacing", header: '"default";r=1000;t=30', policy: '"burst";q=100;w=60', spacing: 1_000, expected: 0 },
    { name: "a policy exactly at our spacing", header: '"default";r=1000;t=30', policy: '"default";q=1200;w=300', spacing: 250, expected: 0 },
    { name: "the slowest of several policies", header: '"default";r=1000;t=30', policy: '"default";q=1200;w=300, "burst";q=10;w=60', spacing: 1_000, expected: 6_000 },
    { name: "a policy of no requests waits its window", header: '"default";r=1000;t=30', policy: '"burst";q=0;w=60', spacing: 1_000, expected: 60_000 },
    { name: "a policy slower than the remaining quota", header: '"default";r=5;t=30', policy: '"burst";q=1;w=10', spacing: 1_000, expected: 10_000 },
    { name: "an exhausted quota and a slower policy", header: '"default";r=0;t=5', policy: '"burst";q=1;w=10', spacing: 1_000, expected: 10_000 },
    { name: "an exhausted quota and a policy under our spacing", header: '"default";r=0;t=1', policy: '"burst";q=1;w=2', spacing: 3_000, expected: 1_000 },
    { name: "a policy window beyond the cap", header: '"default";r=1000;t=30', policy: '"burst";q=0;w=999999999', spacing: 1_000, expected: MAX_RETRY_AFTER_MS },
    { name: "an unreadable policy is ignored", header: '"default";r=1000;t=30', policy: '"burst";q=1.5;w=60', spacing: 1_000, expected: 0 },
  ])("$name -> $expected ms", ({ header, policy, spacing, expected }) => {
    expect(slowdownFromRateLimit(readRateLimit(header, policy), spacing)).toBe(expected);
  });

  it("never asks for more than the reset", () => {
    for (let remaining = 0; remaining <= 50; remaining += 1) {
      expect(slowdownFromRateLimit(readRateLimit(`"default";r=${remaining};t=60`, undefined), 250)).toBeLessThanOrEqual(60_000);
    }
  });
});
