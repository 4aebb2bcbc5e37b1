import { describe, expect, it } from "vitest";
import { relativeTime } from "../../src/alerts/relativeTime.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("relativeTime", () => {
  it.each([
    { diff: 0, expected: "just now" },
    { diff: 499, expected: "just now" },
    { diff: 30 * S, expected: "in 30 seconds" },
    { diff: S, expected: "in 1 second" },
    { diff: M - 1, expected: "in 1 minute" },
    { diff: -(45 * S), expected: "45 seconds ago" },
    { diff: M, expected: "in 1 minute" },
    { diff: -M, expected: "1 minute ago" },
    { diff: 89 * S, expected: "in 1 minute" },
    { diff: 90 * S, expected: "in 2 minutes" },
    { diff: 45 * M, expected: "in 45 minutes" },
    { diff: -45 * M, expected: "45 minutes ago" },
    { diff: H, expected: "in 1 hour" },
    { diff: -H, expected: "1 hour ago" },
    { diff: 2 * H, expected: "in 2 hours" },
    { diff: -2 * H, expected: "2 hours ago" },
    { diff: 90 * M, expected: "in 2 hours" },
    { diff: 24 * H, expected: "in 24 hours" },
    { diff: 23 * H + 10 * M, expected: "in 23 hours" },
    { diff: -D, expected: "24 hours ago" },
    { diff: 47 * H, expected: "in 47 hours" },
    { diff: 48 * H - 1, expected: "in 2 days" },
    { diff: 60 * M - 20_000, expected: "in 1 hour" },
    { diff: 48 * H, expected: "in 2 days" },
    { diff: -48 * H, expected: "2 days ago" },
    { diff: 72 * H, expected: "in 3 days" },
    { diff: 60 * H, expected: "in 3 days" },
    { diff: 7 * D, expected: "in 7 days" },
    { diff: -10 * D, expected: "10 days ago" },
    { diff: 365 * D, expected: "in 365 days" },
  ])("now $diff ms -> $expected", ({ diff, expected }) => {
    expect(relativeTime(new Date(NOW.getTime() + diff), NOW)).toBe(expected);
  });

  it("depends only on the difference, not on the wall clock", () => {
    const later = new Date("2031-07-15T03:04:05.000Z");
    expect(relativeTime(new Date(later.getTime() + 5 * H), later)).toBe("in 5 hours");
  });
});
