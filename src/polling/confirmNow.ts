import pLimit from "p-limit";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { confirmationBurst } from "../scheduling/confirmationBurst.js";
import type { PauseReason } from "./cloudflareGuard.js";
import type { SpendLedger } from "./spendLedger.js";

/** Redis calls in flight for the per-invite bookkeeping of one list cycle (its queued polls, running or waiting). */
export const REDIS_CALLS_IN_FLIGHT = 32;

/** An invite the list asks about, with the next check it had (the due time of a poll the sweep may have queued). */
export interface ToConfirm {
  id: string;
  nextCheckAt: Date;
}

export interface ConfirmDeps {
  ledger: SpendLedger;
  /** The share of Cloudflare's window, in requests. */
  windowShare: number;
  spacingMs: number;
  /** The longest the workers may be held for one burst (the list after next must not wait longer). */
  maxHoldMs: number;
  pauseAll(ms: number, reason: PauseReason): Promise<void>;
  /** The poll the job makes, here honouring only the budget's pause (a 429, low quota). */
  pollOne(inviteId: string): Promise<unknown>;
  /** Whether the sweep's poll of this invite for this due time is running now. */
  pollRunning(inviteId: string, dueAt: Date): Promise<boolean>;
  /** Removes the sweep's poll of this invite for this due time if it is still waiting. */
  dropWaitingPoll(inviteId: string, dueAt: Date): Promise<void>;
  concurrency: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Sends confirming GETs now; returns the invites it confirmed (recorded), those left to the sweep, and those whose
 * own poll was running (asked about by it, perhaps before the change: the next list asks again).
 */
export type ConfirmNow = (candidates: readonly ToConfirm[]) => Promise<{ confirmed: ToConfirm[]; left: ToConfirm[]; running: ToConfirm[] }>;

/**
 * The list job's confirmations (invites that dropped out of the list, unclear entries), sent at once out of what the
 * window has left, and paid for: every worker is held for as many gaps as they cost, before any is sent, so the pace
 * over any window stays the share's (confirmationBurst). Each goes through the same poll as a job, so a 404 is judged
 * the same way and a 429 pauses everyone; one that fails to be sent or recorded is left to the sweep. An invite whose
 * own poll is running is left alone, and a poll of it still waiting in the queue is removed once it is confirmed:
 * one GET per invite.
 */
export function makeConfirmNow(deps: ConfirmDeps): ConfirmNow {
  return async (candidates) => {
    if (candidates.length === 0) return { confirmed: [], left: [], running: [] };
    // A ledger shorter than the window borrows nothing (confirmationBurst), so it need not be read.
    const { spent, inFlight } = deps.ledger.coversWindow ? await deps.ledger.read() : { spent: 0, inFlight: 0 };
    const count = confirmationBurst({
      wanted: candidates.length,
      windowShare: deps.windowShare,
      spentInWindow: spent,
      inFlight,
      ledgerCoversWindow: deps.ledger.coversWindow,
      maxBurst: Math.floor(deps.maxHoldMs / deps.spacingMs),
    });
    // Held first: a poll that starts after this cannot be one of these invites' (it would wait), so the check of
    // which are running holds until the burst is sent. A running one found now only makes the hold a little long.
    if (count > 0) await deps.pauseAll(count * deps.spacingMs, "payment");
    const now = deps.clock().getTime();
    // Bounded: a list that suddenly shows nothing makes every invite a candidate.
    const redisCalls = pLimit(REDIS_CALLS_IN_FLIGHT);
    const isRunning = await Promise.all(candidates.map((c) => (c.nextCheckAt.getTime() <= now ? redisCalls(() => deps.pollRunning(c.id, c.nextCheckAt)) : false)));
    const running = candidates.filter((_, i) => isRunning[i]);
    const free = candidates.filter((_, i) => !isRunning[i]);
    const burst = free.slice(0, count);
    const left = free.slice(count);
    if (burst.length === 0) return { confirmed: [], left, running };
    await deps.ledger.note(burst.length);
    const limit = pLimit(deps.concurrency);
    const sent = await Promise.all(
      burst.map((c) =>
        limit(async () => {
          try {
            await deps.pollOne(c.id);
            return true;
          } catch (error) {
            deps.logger.debug({ inviteId: c.id, error: String(error) }, "a confirmation was not made now: the sweep will ask");
            return false;
          }
        }),
      ),
    );
    const confirmed = burst.filter((_, i) => sent[i]);
    await Promise.all(confirmed.map((c) => deps.dropWaitingPoll(c.id, c.nextCheckAt).catch(() => {})));
    return { confirmed, left: [...left, ...burst.filter((_, i) => !sent[i])], running };
  };
}
