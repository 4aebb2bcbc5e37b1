import type { DeliverResult } from "./deliverOnce.js";

export interface TickWaitInput {
  outcome: DeliverResult["outcome"];
  /** ms until the earliest pending alert is due (a retry, or a claim whose lease ends); null when none is pending. */
  nextDueInMs: number | null;
  /** ms the shared "Slack said wait" pause has left; 0 when there is none. */
  pausedForMs: number;
  sendIntervalMs: number;
  /** The longest sleep: a wake-up that was missed (the LISTEN connection was down) costs at most this. */
  idleCheckMs: number;
}

/**
 * How long the notifier sleeps after a tick, unless a new alert wakes it. After a send the next tick may run at
 * once: the shared turn keeps Slack's pace of one message per interval. With nothing to send it sleeps until the
 * next alert comes due, and with a pause until the pause ends, never longer than `idleCheckMs`.
 */
export function nextTickWait(input: TickWaitInput): number {
  const { outcome, nextDueInMs, pausedForMs, sendIntervalMs, idleCheckMs } = input;
  const cap = Math.max(idleCheckMs, sendIntervalMs);
  if (outcome === "paused") return Math.min(Math.max(pausedForMs, sendIntervalMs), cap);
  if (outcome !== "idle") return 0;
  if (nextDueInMs === null) return cap;
  // Due now, yet nothing was sent: another notifier holds it; look again after one interval.
  if (nextDueInMs <= 0) return sendIntervalMs;
  return Math.min(nextDueInMs, cap);
}
