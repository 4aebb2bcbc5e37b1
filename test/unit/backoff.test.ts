import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/lib/backoff.js";

describe("backoffDelay", () => {
  it.each([
    // failures, base, cap, expected
    [0, 30_000, 900_000, 0],
    [1, 30_000, 900_000, 30_000],
    [2, 30_000, 900_000, 60_000],
    [3, 30_000, 900_000, 120_000],
    [5, 30_000, 900_000, 480_000],
    [6, 30_000, 900_000, 900_000],
    [1_000, 30_000, 900_000, 900_000],
    [1, 5_000, 2_000, 2_000],
    [40, 1, Number.MAX_SAFE_INTEGER, 2 ** 30],
  ])("after %i failures with base %i and cap %i waits %i ms", (failures, base, cap, expected) => {
    expect(backoffDelay(failures, base, cap)).toBe(expected);
  });

  it("never returns Infinity or NaN, however many failures", () => {
    expect(Number.isFinite(backoffDelay(Number.MAX_SAFE_INTEGER, 1_000, Infinity))).toBe(true);
  });
});
