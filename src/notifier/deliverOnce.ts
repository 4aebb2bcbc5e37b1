import { digestParts } from "../alerts/renderDigest.js";
import { renderAlert } from "../alerts/renderAlert.js";
import { alertsForNextMessage, type DigestRule } from "../alerts/digestRule.js";
import type { SlackMessage } from "../alerts/slackText.js";
import { backoffDelay } from "../lib/backoff.js";
import type { Clock } from "../lib/clock.js";
import type { Pause } from "../lib/makePause.js";
import type { Logger } from "../lib/logger.js";
import { claimAlerts, readyAlerts, type ClaimedAlert } from "../storage/claimAlerts.js";
import type { Db } from "../storage/db.js";
import { markDelivered, markFailed, markRetry, release } from "../storage/settleAlerts.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { AlertSender } from "./alertSender.js";
import type { RateLimitStreak } from "./rateLimitStreak.js";
import { untilStored } from "./untilStored.js";

export interface DeliverDeps {
  db: Db;
  /** The shared "Slack said wait" pause. */
  pause: Pause;
  /** The shared count of 429s in a row, for a 429 without Retry-After. */
  rateLimits: RateLimitStreak;
  sender: AlertSender;
  clock: Clock;
  logger: Logger;
  digestThreshold: number;
  /** Slack's pace: one message per this interval. */
  sendIntervalMs: number;
  retryBackoffMs: number;
  /** How long a claimed alert stays hidden from other notifiers: longer than a send can take. */
  leaseMs: number;
  metrics: Pick<Metrics, "alertsSettled" | "alertsAmbiguous">;
}

/** Alerts in one digest at most: the claim's size, whatever number of messages their digest takes. */
export const MAX_DIGEST = 300;
const MAX_BACKOFF_MS = 15 * 60_000;
/** The first pause for a 429 without Retry-After: Slack's documented pace of one message a second. */
const RATE_LIMIT_BACKOFF_MS = 1_000;

/** What one tick did: `sent` counts the alerts in the message Slack took (0 unless delivered). */
export type DeliverResult = { sent: number; outcome: "idle" | "paused" | "delivered" | "rate-limited" | "retry" | "ambiguous" | "failed" };

/**
 * One notifier tick: sends one message (a single alert, or one part of a digest when many are ready) and records
 * Slack's answer for the alerts in that message only. Rows are marked delivered only after a 2xx. A digest too big
 * for one message sends its first part; the rest are released at once and make the next tick's message, so Slack
 * still gets one message per tick, and an answer to one part never settles another's alerts.
 */
export async function deliverOnce(deps: DeliverDeps): Promise<DeliverResult> {
  if ((await deps.pause.remainingMs()) > 0) return { sent: 0, outcome: "paused" };
  const now = deps.clock();
  const rule: DigestRule = {
    digestThreshold: deps.digestThreshold,
    maxDigest: MAX_DIGEST,
    // Sent one by one, the second of two ready alerts waits a whole interval more; past half an interval of
    // waiting already, that would take the oldest past its reader's patience (BENCHMARKS.md, row 5).
    backlogAfterMs: deps.sendIntervalMs / 2,
  };
  const { ready, oldestCreatedAt } = await readyAlerts(deps.db, now, deps.digestThreshold + 1);
  if (ready === 0 || !oldestCreatedAt) return { sent: 0, outcome: "idle" };
  const limit = alertsForNextMessage(ready, now.getTime() - oldestCreatedAt.getTime(), rule);
  const claimed = await claimAlerts(deps.db, now, new Date(now.getTime() + deps.leaseMs), limit);
  if (claimed.length === 0) return { sent: 0, outcome: "idle" };

  const { message, carried, rest } = nextMessage(claimed, now);
  await release(deps.db, rest.map((a) => a.id), now);
  const outcome = await deps.sender.send(message);
  const done = deps.clock();
  const ids = carried.map((a) => a.id);
  deps.metrics.alertsSettled(carried.map((a) => a.content.kind), outcome.kind);

  switch (outcome.kind) {
    case "delivered":
      // Slack has it now: keep trying to record that through a Postgres outage, or the alert would go out again.
      await untilStored(() => markDelivered(deps.db, ids, done), deps.logger);
      await endStreak(deps);
      deps.logger.info({ alerts: ids.length, kinds: [...new Set(carried.map((a) => a.content.kind))], following: rest.length }, "alert delivered");
      return { sent: ids.length, outcome: "delivered" };
    case "rate-limited": {
      const streak = await deps.rateLimits.hit();
      const pauseMs = outcome.retryAfterMs ?? backoffDelay(streak, RATE_LIMIT_BACKOFF_MS, MAX_BACKOFF_MS);
      await deps.pause.extend(pauseMs);
      await release(deps.db, ids, done);
      deps.logger.warn({ retryAfterMs: outcome.retryAfterMs, pauseMs, inARow: streak }, "Slack answered 429: the notifier pauses");
      return { sent: 0, outcome: "rate-limited" };
    }
    case "retry":
    case "ambiguous": {
      // Either way the alert is sent again: losing it is worse than a duplicate. The ambiguous ones are counted,
      // since that retry may show the message twice (README, "Delivery guarantees").
      if (outcome.kind === "ambiguous") deps.metrics.alertsAmbiguous();
      const attempts = Math.max(...carried.map((a) => a.attempts)) + 1;
      const delay = backoffDelay(attempts, deps.retryBackoffMs, MAX_BACKOFF_MS);
      await markRetry(deps.db, ids, outcome.error, new Date(done.getTime() + delay));
      await endStreak(deps);
      deps.logger.warn(
        { alerts: ids.length, error: outcome.error, retryInMs: delay, maybePosted: outcome.kind === "ambiguous" },
        outcome.kind === "ambiguous" ? "Slack did not answer after the request was sent; will send again, which may post it twice" : "alert delivery failed; will retry",
      );
      return { sent: 0, outcome: outcome.kind };
    }
    case "permanent":
      await markFailed(deps.db, ids, outcome.error, done);
      await endStreak(deps);
      deps.logger.error({ alerts: ids.length, error: outcome.error }, "Slack refused the alert; marked failed (see: invite-monitor alerts)");
      return { sent: 0, outcome: "failed" };
  }
}

/** The message for the claimed alerts, which of them it carries, and the rest, which wait for the next tick. */
function nextMessage(claimed: readonly ClaimedAlert[], now: Date): { message: SlackMessage; carried: ClaimedAlert[]; rest: ClaimedAlert[] } {
  if (claimed.length === 1) return { message: renderAlert(claimed[0]!.content, now), carried: [...claimed], rest: [] };
  const [first] = digestParts(claimed.map((a) => a.content));
  const inFirst = new Set(first!.alerts);
  return { message: first!.message, carried: claimed.filter((_, i) => inFirst.has(i)), rest: claimed.filter((_, i) => !inFirst.has(i)) };
}

/** Any answer but a 429 ends a run of 429s. Best effort: failing here costs at most a longer pause next time. */
async function endStreak(deps: Pick<DeliverDeps, "rateLimits" | "logger">): Promise<void> {
  await deps.rateLimits.clear().catch((error: unknown) => deps.logger.warn({ error: String(error) }, "could not reset the count of 429s in a row"));
}
