import { describe, expect, it } from "vitest";
import { scheduleIsBehind } from "../../src/scheduling/scheduleIsBehind.js";

const MINUTE = 60_000;

describe("scheduleIsBehind: overdue longer than 2 × POLL_INTERVAL + SWEEP_INTERVAL", () => {
  it.each([
    { overdue: 0, poll: 15 * MINUTE, sweep: 5_000, behind: false },
    { overdue: 5 * MINUTE, poll: 15 * MINUTE, sweep: 5_000, behind: false },
    { overdue: 30 * MINUTE + 5_000, poll: 15 * MINUTE, sweep: 5_000, behind: false },
    { overdue: 30 * MINUTE + 5_001, poll: 15 * MINUTE, sweep: 5_000, behind: true },
    { overdue: 3 * 3_600_000, poll: 15 * MINUTE, sweep: 5_000, behind: true },
    { overdue: 2_101, poll: 1_000, sweep: 100, behind: true },
  ])("$overdue ms overdue, interval $poll, sweep $sweep -> behind: $behind", ({ overdue, poll, sweep, behind }) => {
    expect(scheduleIsBehind(overdue, poll, sweep)).toBe(behind);
  });
});
