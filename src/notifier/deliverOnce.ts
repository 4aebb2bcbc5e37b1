import { renderAlert } from "../alerts/renderAlert.js";
import { renderDigest } from "../alerts/renderDigest.js";
import { backoffDelay } from "../lib/backoff.js";
import type { Clock } from "../lib/clock.js";
import type { Pause } from "../lib/makePause.js";
import type { Logger } from "../lib/logger.js";
import { claimAlerts } from "../storage/claimAlerts.js";
import type { Db } from "../storage/db.js";
import { markDelivered, markFailed, markRetry, release } from "../storage/settleAlerts.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { AlertSender } from "./slackSender.js";

export interface DeliverDeps {
  db: Db;
  /** The shared "Slack said wait" pause. */
  pause: Pause;
  sender: AlertSender;
  clock: Clock;
  logger: Logger;
  digestThreshold: number;
  /** Slack's pace: one message per this interval. */
  sendIntervalMs: number;
  retryBackoffMs: number;
  /** How long a claimed alert stays hidden from other notifiers: longer than a send can take. */
  leaseMs: number;
  metrics: Pick<Metrics, "alertsSettled">;
}

/** Alerts in one digest at most: 300 lines always fit one Block Kit message. */
export const MAX_DIGEST = 300;
const MAX_BACKOFF_MS = 15 * 60_000;

export type DeliverResult = { sent: number; outcome: "idle" | "paused" | "delivered" | "rate-limited" | "retry" | "failed" };

/**
 * One notifier tick: sends one message (a single alert, or a digest when many are ready) and records Slack's
 * answer. Rows are marked delivered only after a 200.
 */
export async function deliverOnce(deps: DeliverDeps): Promise<DeliverResult> {
  if ((await deps.pause.remainingMs()) > 0) return { sent: 0, outcome: "paused" };
  const now = deps.clock();
  const claimed = await claimAlerts(deps.db, now, new Date(now.getTime() + deps.leaseMs), {
    digestThreshold: deps.digestThreshold,
    maxDigest: MAX_DIGEST,
    // Sent one by one, the second of two ready alerts waits a whole interval more; past half an interval of
    // waiting already, that would take the oldest past its reader's patience (BENCHMARKS.md, row 5).
    backlogAfterMs: deps.sendIntervalMs / 2,
  });
  if (claimed.length === 0) return { sent: 0, outcome: "idle" };

  const ids = claimed.map((a) => a.id);
  const messages = claimed.length === 1 ? [renderAlert(claimed[0]!.content, now)] : renderDigest(claimed.map((a) => a.content));
  let outcome: Awaited<ReturnType<AlertSender["send"]>> = { kind: "delivered" };
  for (const message of messages) {
    outcome = await deps.sender.send(message);
    if (outcome.kind !== "delivered") break;
  }
  const done = deps.clock();
  deps.metrics.alertsSettled(claimed.map((a) => a.content.kind), outcome.kind);

  switch (outcome.kind) {
    case "delivered":
      // Slack has it now: keep trying to record that through a Postgres outage, or the alert would go out again.
      await untilStored(() => markDelivered(deps.db, ids, done), deps.logger);
      deps.logger.info({ alerts: ids.length, kinds: [...new Set(claimed.map((a) => a.content.kind))] }, "alert delivered");
      return { sent: ids.length, outcome: "delivered" };
    case "rate-limited":
      await deps.pause.extend(outcome.retryAfterMs);
      await release(deps.db, ids, done);
      deps.logger.warn({ retryAfterMs: outcome.retryAfterMs }, "Slack answered 429: the notifier pauses");
      return { sent: 0, outcome: "rate-limited" };
    case "retry": {
      const attempts = Math.max(...claimed.map((a) => a.attempts)) + 1;
      const delay = backoffDelay(attempts, deps.retryBackoffMs, MAX_BACKOFF_MS);
      await markRetry(deps.db, ids, outcome.error, new Date(done.getTime() + delay));
      deps.logger.warn({ alerts: ids.length, error: outcome.error, retryInMs: delay }, "alert delivery failed; will retry");
      return { sent: 0, outcome: "retry" };
    }
    case "permanent":
      await markFailed(deps.db, ids, outcome.error, done);
      deps.logger.error({ alerts: ids.length, error: outcome.error }, "Slack refused the alert; marked failed (see: invite-monitor alerts)");
      return { sent: 0, outcome: "failed" };
  }
}

/** How long a 200 from Slack is held, trying to record it, before giving up (the alert may then be sent again). */
const SETTLE_PATIENCE_MS = 5 * 60_000;

async function untilStored(write: () => Promise<void>, logger: Logger): Promise<void> {
  const deadline = performance.now() + SETTLE_PATIENCE_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      logger.warn({ error: error instanceof Error ? error.message.split("\n")[0] : String(error), retryInMs: delay }, "could not record a delivered alert; retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
