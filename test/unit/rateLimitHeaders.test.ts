import { describe, expect, it } from "vitest";
import { parseRateLimitHeader, slowdownFromRateLimit } from "../../src/cloudflare/rateLimitHeaders.js";
import { parseRetryAfter } from "../../src/lib/parseRetryAfter.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");

describe("parseRateLimitHeader", () => {
  it.each([
    { header: '"default";r=50;t=30', expected: { remaining: 50, resetSeconds: 30 } },
    { header: '"default";r=0;t=300', expected: { remaining: 0, resetSeconds: 300 } },
    { header: '"default";t=30;r=50', expected: { remaining: 50, resetSeconds: 30 } },
    { header: '"default"; r=1199; t=1', expected: { remaining: 1199, resetSeconds: 1 } },
    { header: ['"default";r=7;t=9', '"other";r=1;t=1'], expected: { remaining: 7, resetSeconds: 9 } },
  ])("$header -> $expected", ({ header, expected }) => {
    expect(parseRateLimitHeader(header)).toEqual(expected);
  });

  it.each([
    { name: "absent", header: undefined },
    { name: "empty", header: "" },
    { name: "empty array", header: [] },
    { name: "garbage", header: "lots of requests left" },
    { name: "remaining only", header: '"default";r=50' },
    { name: "reset only", header: '"default";t=30' },
    { name: "non-numeric values", header: '"default";r=many;t=soon' },
    { name: "negative values", header: '"default";r=-1;t=-5' },
    { name: "lookalike keys", header: '"default";err=5;at=3' },
  ])("$name -> null", ({ header }) => {
    expect(parseRateLimitHeader(header)).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  it.each([
    { header: "0", expected: 0 },
    { header: "30", expected: 30_000 },
    { header: " 120 ", expected: 120_000 },
    { header: "1.5", expected: 1_500 },
    { header: ["5", "60"], expected: 5_000 },
    { header: "Sat, 01 Mar 2025 12:00:45 GMT", expected: 45_000 },
    { header: "Sat, 01 Mar 2025 13:00:00 GMT", expected: 3_600_000 },
    { header: "Sat, 01 Mar 2025 11:59:00 GMT", expected: 0 },
    { header: "99999999", expected: 3_600_000 },
    { header: "Sat, 01 Mar 2031 11:59:00 GMT", expected: 3_600_000 },
  ])("$header -> $expected ms", ({ header, expected }) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  it.each([
    { name: "absent", header: undefined },
    { name: "empty", header: "" },
    { name: "blank", header: "   " },
    { name: "a word", header: "soon" },
    { name: "number with junk", header: "30s" },
    { name: "a negative number", header: "-5" },
    { name: "junk that Date.parse would accept", header: "foo 2030" },
    { name: "a word and a number", header: "abc 1" },
  ])("$name -> null", ({ header }) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });
});

describe("slowdownFromRateLimit", () => {
  it.each([
    { name: "no header", state: null, spacing: 1_000, expected: 0 },
    { name: "r=0 waits the full reset", state: { remaining: 0, resetSeconds: 30 }, spacing: 1_000, expected: 30_000 },
    { name: "r=0, t=0", state: { remaining: 0, resetSeconds: 0 }, spacing: 1_000, expected: 0 },
    { name: "plenty left", state: { remaining: 1_000, resetSeconds: 30 }, spacing: 1_000, expected: 0 },
    { name: "exactly our pace", state: { remaining: 30, resetSeconds: 30 }, spacing: 1_000, expected: 0 },
    { name: "little left", state: { remaining: 5, resetSeconds: 30 }, spacing: 1_000, expected: 6_000 },
    { name: "one left", state: { remaining: 1, resetSeconds: 30 }, spacing: 1_000, expected: 30_000 },
    { name: "rounded up", state: { remaining: 7, resetSeconds: 10 }, spacing: 100, expected: Math.ceil(10_000 / 7) },
    { name: "slightly slower than our pace", state: { remaining: 29, resetSeconds: 30 }, spacing: 1_000, expected: Math.ceil(30_000 / 29) },
  ])("$name -> $expected ms", ({ state, spacing, expected }) => {
    expect(slowdownFromRateLimit(state, spacing)).toBe(expected);
  });

  it("never asks for more than the reset", () => {
    for (let remaining = 0; remaining <= 50; remaining += 1) {
      expect(slowdownFromRateLimit({ remaining, resetSeconds: 60 }, 250)).toBeLessThanOrEqual(60_000);
    }
  });
});
