import { describe, expect, it } from "vitest";
import { nextTickWait } from "../../src/notifier/nextTickWait.js";

const base = { nextDueInMs: null, pausedForMs: 0, sendIntervalMs: 1_000, idleCheckMs: 60_000 };

describe("nextTickWait: the notifier sleeps while there is nothing to send", () => {
  it.each([
    { why: "sent: at once (the shared turn paces Slack)", input: { outcome: "delivered" }, wait: 0 },
    { why: "a retry was recorded: at once", input: { outcome: "retry", nextDueInMs: 5_000 }, wait: 0 },
    { why: "ambiguous: at once", input: { outcome: "ambiguous" }, wait: 0 },
    { why: "refused for good: at once", input: { outcome: "failed" }, wait: 0 },
    { why: "429: at once (the next tick finds the pause)", input: { outcome: "rate-limited" }, wait: 0 },
    { why: "empty outbox: the idle check", input: { outcome: "idle" }, wait: 60_000 },
    { why: "a retry due in 7 s: 7 s", input: { outcome: "idle", nextDueInMs: 7_000 }, wait: 7_000 },
    { why: "a lease ends in 1 ms: 1 ms", input: { outcome: "idle", nextDueInMs: 1 }, wait: 1 },
    { why: "due in an hour: the idle check", input: { outcome: "idle", nextDueInMs: 3_600_000 }, wait: 60_000 },
    { why: "due now but another notifier holds it: one interval", input: { outcome: "idle", nextDueInMs: 0 }, wait: 1_000 },
    { why: "overdue (a clock behind): one interval", input: { outcome: "idle", nextDueInMs: -5_000 }, wait: 1_000 },
    { why: "paused for 30 s: 30 s", input: { outcome: "paused", pausedForMs: 30_000 }, wait: 30_000 },
    { why: "paused for 15 min: the idle check", input: { outcome: "paused", pausedForMs: 900_000 }, wait: 60_000 },
    { why: "app paces closed (no pause): one interval", input: { outcome: "paused" }, wait: 1_000 },
    { why: "an interval longer than the idle check wins", input: { outcome: "idle", sendIntervalMs: 120_000 }, wait: 120_000 },
  ] as const)("$why", ({ input, wait }) => {
    expect(nextTickWait({ ...base, ...input })).toBe(wait);
  });
});
