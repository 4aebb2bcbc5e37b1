import { renderAlert } from "../alerts/renderAlert.js";
import { renderCard } from "../alerts/renderCard.js";
import { renderThreadReply } from "../alerts/renderThreadReply.js";
import { backoffDelay } from "../lib/backoff.js";
import { claimAlert, readCardCandidates, type CardCandidate } from "../storage/cardCandidates.js";
import { cardPosted, cardUpdated, forgetCard, messageSent } from "../storage/settleCardSteps.js";
import { markFailed, markRetry, release } from "../storage/settleAlerts.js";
import { endStreak, paceInterval, type AppDeliverDeps, type StepResult } from "./appDelivery.js";
import { planCardStep, type CardStep } from "./planCardStep.js";
import type { ApiOutcome } from "./slackApi.js";
import { untilStored } from "./untilStored.js";

const MAX_BACKOFF_MS = 15 * 60_000;
/** The first pause for a 429 without Retry-After: Slack's documented pace of one message a second. */
const RATE_LIMIT_BACKOFF_MS = 1_000;
/**
 * A card that vanishes again and again (Slack saying message_not_found for a card it just took) would make every
 * step post a new one: past this many calls for one alert, "the card is gone" fails the alert instead.
 */
const CARD_GONE_LIMIT = 10;

/** The planner's view of a candidate. */
export function stepOf(c: CardCandidate): CardStep {
  return planCardStep({ alertId: c.id, inviteId: c.inviteId, slackTs: c.slackTs, channel: c.channel, card: c.card });
}

/**
 * Claims one alert, plans its step again from what is stored now (another notifier may have just done one), sends
 * that one call, and settles it: claimed, sent and settled like any delivery of the outbox. Successes are recorded
 * through a Postgres outage (untilStored), since Slack has already acted on them.
 */
export async function runCardStep(deps: AppDeliverDeps, alertId: number): Promise<StepResult> {
  const { db, pacer, logger } = deps;
  const now = deps.clock();
  if (!(await claimAlert(db, alertId, now, new Date(now.getTime() + deps.leaseMs)))) return { kind: "skipped" };
  const [c] = await readCardCandidates(db, now, deps.defaultChannel, 1, alertId);
  if (!c) {
    // No longer the oldest pending alert of its invite (one was retried by hand): the older one goes first.
    await release(db, [alertId], now);
    return { kind: "skipped" };
  }
  const step = stepOf(c);
  if (step.kind === "done") {
    await untilStored(() => messageSent(db, [c.id], c.slackTs ?? "", now), logger);
    return { kind: "done", sent: 1, outcome: "delivered" };
  }
  const interval = paceInterval(step.pace, deps.sendIntervalMs);
  if (!(await pacer.take(step.pace, deps.timeoutMs + interval))) {
    await release(db, [c.id], now);
    return { kind: "skipped" };
  }

  const result = await send(deps, c, step, now);
  const done = deps.clock();
  let restMs = interval;
  try {
    if (result.kind === "ok") {
      await settleSuccess(deps, c, step, result, done);
      await endStreak(deps);
      if (step.kind === "reply" || step.kind === "message") {
        deps.metrics.alertsSettled([c.kind], "delivered");
        logger.info({ alert: c.id, kind: c.kind, step: step.kind, channel: result.channel }, "alert delivered");
        return { kind: "done", sent: 1, outcome: "delivered" };
      }
      logger.debug({ alert: c.id, step: step.kind, channel: result.channel, ts: result.ts }, "card sent");
      return { kind: "done", sent: 0, outcome: "delivered" };
    }
    if (result.kind === "rate-limited") {
      const streak = await deps.rateLimits.hit();
      restMs = Math.max(interval, result.retryAfterMs ?? backoffDelay(streak, RATE_LIMIT_BACKOFF_MS, MAX_BACKOFF_MS));
      await release(db, [c.id], done);
      deps.metrics.alertsSettled([c.kind], "rate-limited");
      logger.warn({ pace: step.pace, retryAfterMs: result.retryAfterMs, pauseMs: restMs, inARow: streak }, "Slack answered 429: this method and channel wait");
      return { kind: "done", sent: 0, outcome: "rate-limited" };
    }
    await endStreak(deps);
    if (result.kind === "card-gone" && c.inviteId && c.card && (step.kind === "update-card" || step.kind === "reply") && c.attempts < CARD_GONE_LIMIT) {
      // Someone deleted the card: forget it, and the next step posts a new one with the invite's current state.
      await forgetCard(db, c.inviteId, c.card.ts);
      await markRetry(db, [c.id], result.error, done);
      deps.metrics.alertsSettled([c.kind], "retry");
      logger.warn({ alert: c.id, invite: c.inviteId, error: result.error }, "the invite's card is gone from Slack; posting a new one");
      return { kind: "done", sent: 0, outcome: "retry" };
    }
    // An edit sent twice shows once: only a post that may have been made is ambiguous.
    const kind = result.kind === "ambiguous" && step.kind === "update-card" ? "retry" : result.kind;
    if (kind === "retry" || kind === "ambiguous") {
      if (kind === "ambiguous") deps.metrics.alertsAmbiguous();
      const delay = backoffDelay(c.attempts + 1, deps.retryBackoffMs, MAX_BACKOFF_MS);
      await markRetry(db, [c.id], result.error, new Date(done.getTime() + delay));
      deps.metrics.alertsSettled([c.kind], kind);
      logger.warn({ alert: c.id, step: step.kind, error: result.error, retryInMs: delay, maybePosted: kind === "ambiguous" }, "Slack step failed; will retry");
      return { kind: "done", sent: 0, outcome: kind };
    }
    await markFailed(db, [c.id], result.error, done);
    deps.metrics.alertsSettled([c.kind], "permanent");
    logger.error({ alert: c.id, step: step.kind, error: result.error }, "Slack refused the alert; marked failed (see: invite-monitor alerts)");
    return { kind: "done", sent: 0, outcome: "failed" };
  } finally {
    await pacer.rest(step.pace, restMs).catch((error: unknown) => logger.warn({ error: String(error) }, "could not record Slack's pace"));
  }
}

/** The one Web API call of a step. The card always shows the invite's newest alert, whichever alert's step this is. */
async function send(deps: AppDeliverDeps, c: CardCandidate, step: Exclude<CardStep, { kind: "done" }>, now: Date): Promise<ApiOutcome<{ channel: string; ts: string }>> {
  const newest = c.newest ?? { id: c.id, content: c.content };
  switch (step.kind) {
    case "post-card":
      return deps.api.postMessage({ channel: step.channel, message: renderCard(newest.content, newest.id, now) });
    case "update-card":
      return deps.api.update({ channel: step.channel, ts: step.ts, message: renderCard(newest.content, newest.id, now) });
    case "reply":
      return deps.api.postMessage({ channel: step.channel, threadTs: step.threadTs, message: renderThreadReply(c.content) });
    case "message":
      return deps.api.postMessage({ channel: step.channel, message: renderAlert(c.content, now) });
  }
}

async function settleSuccess(deps: AppDeliverDeps, c: CardCandidate, step: CardStep, ok: { channel: string; ts: string }, now: Date): Promise<void> {
  const shownAlertId = c.newest?.id ?? c.id;
  const write =
    step.kind === "post-card"
      ? () => cardPosted(deps.db, c.id, { inviteId: c.inviteId!, channel: ok.channel, ts: ok.ts, shownAlertId }, now)
      : step.kind === "update-card"
        ? () => cardUpdated(deps.db, c.id, { inviteId: c.inviteId!, ts: step.ts, shownAlertId }, now)
        : () => messageSent(deps.db, [c.id], ok.ts, now);
  await untilStored(write, deps.logger);
}
