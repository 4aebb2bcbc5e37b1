import type { SweepResult } from "./runSweep.js";

export interface SweepWaitInput {
  result: SweepResult;
  /** ms until the earliest active invite is due; null when none is tracked. */
  nextDueInMs: number | null;
  sweepIntervalMs: number;
  /** The longest sleep: a missed wake-up (a newly tracked invite while the LISTEN connection was down) costs at most this. */
  idleCheckMs: number;
}

/**
 * How long the sweep sleeps, unless a newly tracked (or newly due) invite wakes it. While there is work it runs
 * every SWEEP_INTERVAL, as before; with nothing due it sleeps until the next invite is, but never sooner than one
 * interval (invites come due all the time at scale, and a sweep per due invite would cost more than it saves).
 */
export function nextSweepWait(input: SweepWaitInput): number {
  const { result, nextDueInMs, sweepIntervalMs, idleCheckMs } = input;
  const cap = Math.max(idleCheckMs, sweepIntervalMs);
  if (result.queued > 0 || result.skipped) return sweepIntervalMs;
  if (nextDueInMs === null) return cap;
  return Math.min(Math.max(nextDueInMs, sweepIntervalMs), cap);
}
