import pLimit from "p-limit";
import type { Logger } from "../lib/logger.js";
import { confirmationBurst } from "../scheduling/confirmationBurst.js";
import type { PauseReason } from "./cloudflareGuard.js";
import type { SpendLedger } from "./spendLedger.js";

export interface ConfirmDeps {
  ledger: SpendLedger;
  /** The share of Cloudflare's window, in requests. */
  windowShare: number;
  spacingMs: number;
  pauseAll(ms: number, reason: PauseReason): Promise<void>;
  /** The poll the job makes, here honouring only the budget's pause (a 429, low quota). */
  pollOne(inviteId: string): Promise<unknown>;
  concurrency: number;
  logger: Logger;
}

/** Sends confirming GETs now; returns the ids it sent (recorded) and those it did not, for the sweep. */
export type ConfirmNow = (inviteIds: readonly string[]) => Promise<{ confirmed: string[]; left: string[] }>;

/**
 * The list job's confirmations (invites that dropped out of the list, unclear entries), sent at once out of what the
 * window has left, and paid for: every worker is held for as many gaps as they cost, before any is sent, so the pace
 * over any window stays the share's (confirmationBurst). Each goes through the same poll as a job, so a 404 is judged
 * the same way and a 429 pauses everyone; one that fails to be sent or recorded is left to the sweep.
 */
export function makeConfirmNow(deps: ConfirmDeps): ConfirmNow {
  return async (inviteIds) => {
    if (inviteIds.length === 0 || !deps.ledger.coversWindow) return { confirmed: [], left: [...inviteIds] };
    const { spent, inFlight } = await deps.ledger.read();
    const count = confirmationBurst({ wanted: inviteIds.length, windowShare: deps.windowShare, spentInWindow: spent, inFlight, ledgerCoversWindow: true });
    const now = inviteIds.slice(0, count);
    const left = inviteIds.slice(count);
    if (now.length === 0) return { confirmed: [], left };
    await deps.pauseAll(now.length * deps.spacingMs, "payment");
    await deps.ledger.note(now.length);
    const limit = pLimit(deps.concurrency);
    const outcomes = await Promise.all(now.map((id) => limit(async () => {
      try {
        await deps.pollOne(id);
        return { id, ok: true };
      } catch (error) {
        deps.logger.debug({ inviteId: id, error: String(error) }, "a confirmation was not made now: the sweep will ask");
        return { id, ok: false };
      }
    })));
    return { confirmed: outcomes.filter((o) => o.ok).map((o) => o.id), left: [...left, ...outcomes.filter((o) => !o.ok).map((o) => o.id)] };
  };
}
