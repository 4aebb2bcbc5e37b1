import { describe, expect, it } from "vitest";
import { nextSweepWait } from "../../src/scheduling/nextSweepWait.js";

const base = { nextDueInMs: null, sweepIntervalMs: 5_000, idleCheckMs: 60_000 };

describe("nextSweepWait: the sweep sleeps until the next invite is due", () => {
  it.each([
    { why: "queued some: one interval", input: { result: { queued: 10 }, nextDueInMs: 0 }, wait: 5_000 },
    { why: "queue still full: one interval", input: { result: { queued: 0, skipped: true } }, wait: 5_000 },
    { why: "nothing tracked: the idle check", input: { result: { queued: 0 } }, wait: 60_000 },
    { why: "next due in 20 s: 20 s", input: { result: { queued: 0 }, nextDueInMs: 20_000 }, wait: 20_000 },
    { why: "next due in 1 s: not sooner than one interval", input: { result: { queued: 0 }, nextDueInMs: 1_000 }, wait: 5_000 },
    { why: "next due already (a clock behind): one interval", input: { result: { queued: 0 }, nextDueInMs: -3_000 }, wait: 5_000 },
    { why: "next due in a day: the idle check", input: { result: { queued: 0 }, nextDueInMs: 86_400_000 }, wait: 60_000 },
    { why: "an interval longer than the idle check wins", input: { result: { queued: 0 }, sweepIntervalMs: 300_000 }, wait: 300_000 },
  ] as const)("$why", ({ input, wait }) => {
    expect(nextSweepWait({ ...base, ...input })).toBe(wait);
  });
});
