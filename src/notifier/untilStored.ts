import { backoffDelay } from "../lib/backoff.js";
import type { Logger } from "../lib/logger.js";
import { isRefusedWrite } from "../storage/storageErrors.js";

/** How long a 200 from Slack is held, trying to record it, before giving up (the alert may then be sent again). */
const SETTLE_PATIENCE_MS = 5 * 60_000;

/**
 * Records what Slack has already done, through a Postgres outage: giving up early would send it again. Used for
 * every success (a delivery, a card's ts), never for failures, which are simply retried. A write Postgres itself
 * refuses (a constraint, bad data) fails the same way every time, so it is thrown at once instead of holding the
 * notifier for the whole patience.
 */
export async function untilStored(write: () => Promise<unknown>, logger: Logger): Promise<void> {
  const deadline = performance.now() + SETTLE_PATIENCE_MS;
  for (let failures = 1; ; failures++) {
    try {
      await write();
      return;
    } catch (error) {
      if (isRefusedWrite(error) || performance.now() > deadline) throw error;
      const delay = backoffDelay(failures, 250, 5_000);
      logger.warn({ error: error instanceof Error ? error.message.split("\n")[0] : String(error), retryInMs: delay }, "could not record a delivered alert; retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
