import pLimit from "p-limit";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { confirmationBurst } from "../scheduling/confirmationBurst.js";
import type { PauseReason } from "./cloudflareGuard.js";
import type { SpendLedger } from "./spendLedger.js";

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

/** Sends confirming GETs now; returns the invites it confirmed (recorded) and those left to the sweep. */
export type ConfirmNow = (candidates: readonly ToConfirm[]) => Promise<{ confirmed: ToConfirm[]; left: ToConfirm[] }>;

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
    if (candidates.length === 0 || !deps.ledger.coversWindow) return { confirmed: [], left: [...candidates] };
    const now = deps.clock().getTime();
    const running = await Promise.all(candidates.map((c) => (c.nextCheckAt.getTime() <= now ? deps.pollRunning(c.id, c.nextCheckAt) : false)));
    const free = candidates.filter((_, i) => !running[i]);
    const { spent, inFlight } = await deps.ledger.read();
    const count = confirmationBurst({
      wanted: free.length,
      windowShare: deps.windowShare,
      spentInWindow: spent,
      inFlight,
      ledgerCoversWindow: true,
      maxBurst: Math.floor(deps.maxHoldMs / deps.spacingMs),
    });
    const burst = free.slice(0, count);
    const left = free.slice(count);
    if (burst.length === 0) return { confirmed: [], left };
    await deps.pauseAll(burst.length * deps.spacingMs, "payment");
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
    return { confirmed, left: [...left, ...burst.filter((_, i) => !sent[i])] };
  };
}
