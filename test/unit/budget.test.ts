import { describe, expect, it } from "vitest";
import { limiterFor, requestsPerSecond, sweepBatchSize } from "../../src/scheduling/budget.js";

describe("requestsPerSecond", () => {
  it.each([
    { rateLimit: 1200, rateWindowMs: 300_000, budgetShare: 0.25, expected: 1 },
    { rateLimit: 1200, rateWindowMs: 300_000, budgetShare: 1, expected: 4 },
    { rateLimit: 1200, rateWindowMs: 300_000, budgetShare: 0.5, expected: 2 },
    { rateLimit: 60, rateWindowMs: 60_000, budgetShare: 0.1, expected: 0.1 },
    { rateLimit: 100, rateWindowMs: 1_000, budgetShare: 1, expected: 100 },
  ])("$rateLimit per $rateWindowMs ms at share $budgetShare -> $expected/s", (budget) => {
    expect(requestsPerSecond(budget)).toBeCloseTo(budget.expected, 10);
  });
});

describe("limiterFor", () => {
  it.each([
    { rate: 10, expected: { max: 1, duration: 100 } },
    { rate: 1, expected: { max: 1, duration: 1_000 } },
    { rate: 0.1, expected: { max: 1, duration: 10_000 } },
    { rate: 3, expected: { max: 1, duration: 334 } },
    { rate: 20, expected: { max: 1, duration: 50 } },
    { rate: 30, expected: { max: 2, duration: 67 } },
    { rate: 100, expected: { max: 5, duration: 50 } },
    { rate: 1_000, expected: { max: 50, duration: 50 } },
  ])("rate $rate/s -> $expected", ({ rate, expected }) => {
    expect(limiterFor(rate)).toEqual(expected);
  });

  it.each([0.01, 0.25, 1, 3, 7, 19, 20, 21, 33, 64, 99, 150, 400, 1_000, 5_000])(
    "rate %s/s: never faster than the budget, windows of at least 50 ms, whole numbers",
    (rate) => {
      const { max, duration } = limiterFor(rate);
      expect(Number.isInteger(max) && Number.isInteger(duration)).toBe(true);
      expect(max).toBeGreaterThanOrEqual(1);
      expect(duration).toBeGreaterThanOrEqual(50);
      expect((max * 1000) / duration).toBeLessThanOrEqual(rate * (1 + 1e-9));
      // ... and not wastefully slower: at least half the budget is usable.
      expect((max * 1000) / duration).toBeGreaterThanOrEqual(rate / 2);
    },
  );

  it("below 20/s one request per window (no bursts)", () => {
    for (const rate of [0.5, 1, 2, 5, 10, 19.9]) expect(limiterFor(rate).max).toBe(1);
  });
});

describe("sweepBatchSize", () => {
  it.each([
    { rate: 1, sweepIntervalMs: 5_000, expected: 10 },
    { rate: 4, sweepIntervalMs: 5_000, expected: 40 },
    { rate: 0.1, sweepIntervalMs: 5_000, expected: 1 },
    { rate: 0.3, sweepIntervalMs: 5_000, expected: 3 },
    { rate: 0.001, sweepIntervalMs: 100, expected: 1 },
    { rate: 0, sweepIntervalMs: 5_000, expected: 1 },
    { rate: 1_000, sweepIntervalMs: 5_000, expected: 10_000 },
    { rate: 1_000_000, sweepIntervalMs: 60_000, expected: 10_000 },
  ])("rate $rate/s, sweep every $sweepIntervalMs ms -> $expected", ({ rate, sweepIntervalMs, expected }) => {
    expect(sweepBatchSize(rate, sweepIntervalMs)).toBe(expected);
  });
});
