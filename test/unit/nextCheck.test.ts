import { describe, expect, it } from "vitest";
import type { EffectiveStatus } from "../../src/invites/inviteState.js";
import { nextCheckAt, nextExpiryMark, type NextCheckInput } from "../../src/invites/nextCheck.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2025-03-01T12:00:00.000Z");
const THRESHOLDS = [72 * HOUR, 24 * HOUR, 1 * HOUR] as const;

function input(overrides: Partial<NextCheckInput> = {}): NextCheckInput {
  return {
    now: NOW,
    effectiveStatus: "pending",
    expiresOn: null,
    consecutiveFailures: 0,
    intervalMs: 15 * MINUTE,
    jitter: 0.1,
    failureBackoffMs: 30_000,
    expiryThresholdsMs: THRESHOLDS,
    random: () => 0,
    ...overrides,
  };
}

/** Milliseconds from NOW to the planned check; fails the test when there is none. */
function delayOf(overrides: Partial<NextCheckInput>): number {
  const next = nextCheckAt(input(overrides));
  expect(next).not.toBeNull();
  return (next as Date).getTime() - NOW.getTime();
}

const inFromNow = (ms: number) => new Date(NOW.getTime() + ms);

describe("nextCheckAt: final statuses", () => {
  it.each<EffectiveStatus>(["accepted", "rejected", "expired", "gone"])("%s is never polled again", (status) => {
    expect(nextCheckAt(input({ effectiveStatus: status, expiresOn: inFromNow(30 * MINUTE) }))).toBeNull();
  });

  it.each<EffectiveStatus>(["pending", "unknown"])("%s keeps being polled", (status) => {
    expect(nextCheckAt(input({ effectiveStatus: status }))).toBeInstanceOf(Date);
  });
});

describe("nextCheckAt: interval with jitter", () => {
  it.each([
    { random: 0, jitter: 0.1, expected: 15 * MINUTE },
    { random: 0.5, jitter: 0.1, expected: 15 * MINUTE * 0.95 },
    { random: 0.999999, jitter: 0.1, expected: Math.round(15 * MINUTE * (1 - 0.1 * 0.999999)) },
    { random: 0.5, jitter: 0, expected: 15 * MINUTE },
    { random: 0.5, jitter: 0.5, expected: 15 * MINUTE * 0.75 },
  ])("random=$random jitter=$jitter -> $expected ms", ({ random, jitter, expected }) => {
    expect(delayOf({ random: () => random, jitter })).toBe(expected);
  });

  it.each([0, 0.1, 0.25, 0.5, 0.75, 0.9999])("never later than the interval, never earlier than interval*(1-jitter) (random=%s)", (r) => {
    const delay = delayOf({ random: () => r, jitter: 0.2 });
    expect(delay).toBeLessThanOrEqual(15 * MINUTE);
    expect(delay).toBeGreaterThanOrEqual(15 * MINUTE * 0.8);
  });

  it.each([
    { note: "expires_on before the interval ends: checked at expires_on", expiresIn: 10 * MINUTE, expected: 10 * MINUTE },
    { note: "a warning mark before the interval ends is not a reason to look", expiresIn: HOUR + 5 * MINUTE, expected: 15 * MINUTE },
    { note: "expires_on already past: the interval", expiresIn: -MINUTE, expected: 15 * MINUTE },
  ])("an unknown status: $note", ({ expiresIn, expected }) => {
    expect(delayOf({ effectiveStatus: "unknown", expiresOn: inFromNow(expiresIn) })).toBe(expected);
  });

  it("is always at least 1 ms in the future", () => {
    expect(delayOf({ intervalMs: 0 })).toBe(1);
  });
});

describe("nextCheckAt: failure backoff", () => {
  it.each([
    { failures: 1, expected: 30_000 },
    { failures: 2, expected: 60_000 },
    { failures: 3, expected: 120_000 },
    { failures: 4, expected: 240_000 },
    { failures: 5, expected: 480_000 },
    { failures: 6, expected: 15 * MINUTE }, // 960s would overshoot: capped by the interval
    { failures: 50, expected: 15 * MINUTE },
    { failures: 10_000, expected: 15 * MINUTE },
  ])("after $failures failure(s) -> $expected ms", ({ failures, expected }) => {
    expect(delayOf({ consecutiveFailures: failures })).toBe(expected);
  });

  it("the cap is the jittered interval, so the backoff never exceeds it either", () => {
    expect(delayOf({ consecutiveFailures: 20, random: () => 0.5 })).toBe(15 * MINUTE * 0.95);
  });

  it("an expiry mark that comes sooner than the backoff still wins", () => {
    expect(delayOf({ consecutiveFailures: 5, expiresOn: inFromNow(HOUR + 10_000) })).toBe(10_000);
  });
});

describe("nextCheckAt: pending invite with expires_on", () => {
  it("expiring in 30 minutes with a 15m interval: next check within 15m", () => {
    const delay = delayOf({ expiresOn: inFromNow(30 * MINUTE) });
    expect(delay).toBeLessThanOrEqual(15 * MINUTE);
  });

  it.each([
    { expiresIn: 10 * MINUTE, note: "interval would overshoot" },
    { expiresIn: 14 * MINUTE + 59_999, note: "1 ms before the interval" },
    { expiresIn: 1, note: "expiry 1 ms away" },
  ])("checks at exactly expires_on when $note", ({ expiresIn }) => {
    const expiresOn = inFromNow(expiresIn);
    expect(nextCheckAt(input({ expiresOn }))).toEqual(expiresOn);
  });

  it.each([0, 0.5, 0.9999])("a 20-minute invite: one interval check, then exactly expires_on (random=%s)", (r) => {
    const expiresOn = inFromNow(20 * MINUTE);
    const first = nextCheckAt(input({ expiresOn, random: () => r })) as Date;
    expect(first.getTime()).toBeLessThanOrEqual(NOW.getTime() + 15 * MINUTE);
    expect(nextCheckAt(input({ now: first, expiresOn, random: () => r }))).toEqual(expiresOn);
  });

  it("expiring in 90 minutes: next check exactly at the 1h mark", () => {
    const expiresOn = inFromNow(90 * MINUTE);
    expect(nextCheckAt(input({ expiresOn, intervalMs: HOUR }))).toEqual(new Date(expiresOn.getTime() - HOUR));
  });

  it.each([
    { expiresIn: 72 * HOUR + 5 * MINUTE, mark: "72h", expectedDelay: 5 * MINUTE },
    { expiresIn: 24 * HOUR + 1 * MINUTE, mark: "24h", expectedDelay: 1 * MINUTE },
    { expiresIn: 1 * HOUR + 7 * MINUTE, mark: "1h", expectedDelay: 7 * MINUTE },
  ])("checks at the $mark mark when it comes before the interval", ({ expiresIn, expectedDelay }) => {
    expect(delayOf({ expiresOn: inFromNow(expiresIn) })).toBe(expectedDelay);
  });

  it.each([
    { expiresIn: 10 * 24 * HOUR, note: "far from any mark" },
    { expiresIn: 72 * HOUR + 20 * MINUTE, note: "72h mark after the interval" },
  ])("keeps the plain interval when $note", ({ expiresIn }) => {
    expect(delayOf({ expiresOn: inFromNow(expiresIn) })).toBe(15 * MINUTE);
  });

  it("standing exactly on a mark plans the next mark, not the current instant", () => {
    const expiresOn = inFromNow(HOUR);
    expect(nextCheckAt(input({ expiresOn, intervalMs: 2 * HOUR }))).toEqual(expiresOn);
  });

  it("after expires_on no mark is left: the interval applies", () => {
    expect(delayOf({ expiresOn: inFromNow(-MINUTE) })).toBe(15 * MINUTE);
  });
});

describe("nextExpiryMark", () => {
  const expiresOn = new Date("2025-03-10T00:00:00.000Z");
  const at = (msBeforeExpiry: number) => expiresOn.getTime() - msBeforeExpiry;

  it.each([
    { now: at(100 * HOUR), expected: at(72 * HOUR) },
    { now: at(72 * HOUR), expected: at(24 * HOUR) },
    { now: at(72 * HOUR) - 1, expected: at(72 * HOUR) },
    { now: at(30 * HOUR), expected: at(24 * HOUR) },
    { now: at(2 * HOUR), expected: at(1 * HOUR) },
    { now: at(30 * MINUTE), expected: expiresOn.getTime() },
    { now: at(1), expected: expiresOn.getTime() },
    { now: expiresOn.getTime(), expected: null },
    { now: at(-HOUR), expected: null },
  ])("now=$now -> $expected", ({ now, expected }) => {
    expect(nextExpiryMark(expiresOn, THRESHOLDS, now)).toBe(expected);
  });

  it("does not depend on the thresholds' order", () => {
    expect(nextExpiryMark(expiresOn, [1 * HOUR, 72 * HOUR, 24 * HOUR], at(30 * HOUR))).toBe(at(24 * HOUR));
  });

  it("with no thresholds, expires_on itself is still a mark", () => {
    expect(nextExpiryMark(expiresOn, [], at(5 * HOUR))).toBe(expiresOn.getTime());
  });
});
