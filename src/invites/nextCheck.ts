import { backoffDelay } from "../lib/backoff.js";
import { FINAL_STATUSES, type EffectiveStatus } from "./inviteState.js";

export interface NextCheckInput {
  now: Date;
  effectiveStatus: EffectiveStatus;
  expiresOn: Date | null;
  /** Failed polls in a row, 0 after a success. */
  consecutiveFailures: number;
  intervalMs: number;
  /** The next check comes up to this fraction of the interval early, so invites added together spread out. */
  jitter: number;
  /** The first retry delay after a failure; it doubles per failure, up to the interval. */
  failureBackoffMs: number;
  /** How long before expires_on a pending invite must be looked at (the alert marks), e.g. [72h, 24h, 1h]. */
  expiryThresholdsMs: readonly number[];
  /** A number in [0, 1); injected so tests are exact. */
  random: () => number;
}

/**
 * When to look at an invite next, or null to stop: final invites are never polled again.
 * A pending invite is also checked at each expiry mark (expires_on minus each threshold, and expires_on
 * itself), so every threshold and the expiry are seen the moment they pass, whatever the interval; an invite of
 * undocumented status is checked at expires_on itself.
 */
export function nextCheckAt(input: NextCheckInput): Date | null {
  if (FINAL_STATUSES.has(input.effectiveStatus)) return null;
  const now = input.now.getTime();

  let delay = input.intervalMs * (1 - input.jitter * input.random());
  if (input.consecutiveFailures > 0) delay = backoffDelay(input.consecutiveFailures, input.failureBackoffMs, delay);
  let next = now + Math.max(1, Math.round(delay));

  if (input.expiresOn) {
    // An undocumented status past expires_on counts as expired (effectiveStatus.ts): look at it then, so the expiry
    // is seen on time. Only a pending invite has warnings to give before that.
    const thresholds = input.effectiveStatus === "pending" ? input.expiryThresholdsMs : input.effectiveStatus === "unknown" ? [] : null;
    const mark = thresholds ? nextExpiryMark(input.expiresOn, thresholds, now) : null;
    if (mark !== null) next = Math.min(next, mark);
  }
  return new Date(next);
}

/** The earliest of expires_on minus each threshold, and expires_on itself, that is still after `now`. */
export function nextExpiryMark(expiresOn: Date, thresholdsMs: readonly number[], now: number): number | null {
  const expiry = expiresOn.getTime();
  const marks = [...thresholdsMs.map((t) => expiry - t), expiry].filter((m) => m > now);
  return marks.length > 0 ? Math.min(...marks) : null;
}
