import { channelForDigest } from "../alerts/appDigestRule.js";
import { digestParts } from "../alerts/renderDigest.js";
import { backoffDelay } from "../lib/backoff.js";
import { claimFresh, freshByChannel, readCardCandidates } from "../storage/cardCandidates.js";
import { digested, messageSent } from "../storage/settleCardSteps.js";
import { markFailed, markRetry, release } from "../storage/settleAlerts.js";
import { endStreak, paceInterval, type AppDeliverDeps, type StepResult } from "./appDelivery.js";
import { chooseStep } from "./chooseStep.js";
import { MAX_DIGEST, type DeliverResult } from "./deliverOnce.js";
import { postPace } from "./planCardStep.js";
import { runCardStep, stepOf } from "./runCardStep.js";
import { untilStored } from "./untilStored.js";

export type { AppDeliverDeps } from "./appDelivery.js";

/** Candidates read per step: enough to find one for every open pace. */
const CANDIDATES = 50;
/** A bound on one tick's work, whatever the paces allow. */
const MAX_STEPS_PER_TICK = 20;
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * One notifier tick in the Slack app mode: for about one SLACK_SEND_INTERVAL, sends the next steps whose paces are
 * open (a digest for a burst, then each invite's card, posted or edited, and each alert's reply in its thread),
 * waiting within the tick for a pace that opens before it ends. `sent` counts the alerts fully delivered.
 */
export async function deliverAppOnce(deps: AppDeliverDeps): Promise<DeliverResult> {
  const deadline = performance.now() + deps.sendIntervalMs;
  let sent = 0;
  let outcome: DeliverResult["outcome"] = "idle";
  for (let i = 0; i < MAX_STEPS_PER_TICK; i++) {
    const step = await nextStep(deps);
    if (step.kind === "idle") break;
    if (step.kind === "skipped") continue;
    if (step.kind === "wait") {
      const left = deadline - performance.now();
      if (step.waitMs > left) {
        if (outcome === "idle") outcome = "paused";
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, step.waitMs));
      continue;
    }
    sent += step.sent;
    outcome = step.outcome;
    if (performance.now() >= deadline) break;
  }
  return { sent, outcome };
}

async function nextStep(deps: AppDeliverDeps): Promise<StepResult> {
  const now = deps.clock();
  const burst = channelForDigest(await freshByChannel(deps.db, now, deps.defaultChannel), deps.digestThreshold);
  if (burst) return digestStep(deps, burst);
  const candidates = (await readCardCandidates(deps.db, now, deps.defaultChannel, CANDIDATES)).map((c) => ({ c, step: stepOf(c) }));
  const paced = candidates.flatMap(({ c, step }) => (step.kind === "done" ? [{ id: c.id, pace: "" }] : [{ id: c.id, pace: step.pace }]));
  const closed = await deps.pacer.closedForMs(paced.map((p) => p.pace).filter(Boolean));
  const choice = chooseStep(paced, closed);
  if (choice.kind === "none") return { kind: "idle" };
  if (choice.kind === "wait") return { kind: "wait", waitMs: choice.waitMs };
  return runCardStep(deps, choice.step.id);
}

/**
 * A burst in one channel: one digest message names the fresh alerts (the first part, when Block Kit needs
 * several), sent once. Invite alerts stay pending for their card and reply; operations alerts, which have no
 * card, are delivered by it. A digest that fails is not sent again: the cards and replies that follow carry
 * every alert anyway, so a lost answer cannot duplicate it.
 */
async function digestStep(deps: AppDeliverDeps, channel: string): Promise<StepResult> {
  const { db, pacer } = deps;
  const pace = postPace(channel);
  const closedFor = (await pacer.closedForMs([pace])).get(pace) ?? 0;
  if (closedFor > 0) return { kind: "wait", waitMs: closedFor };
  const now = deps.clock();
  const claimed = await claimFresh(db, now, new Date(now.getTime() + deps.leaseMs), channel, deps.defaultChannel, MAX_DIGEST);
  const ids = claimed.map((a) => a.id);
  // Another notifier took some: no longer a burst here, they go one by one.
  if (claimed.length <= deps.digestThreshold) {
    await release(db, ids, now);
    return claimed.length === 0 ? { kind: "skipped" } : { kind: "idle" };
  }
  const [first] = digestParts(claimed.map((a) => a.content));
  const inFirst = new Set(first!.alerts);
  const carried = claimed.filter((_, i) => inFirst.has(i));
  await release(db, claimed.filter((_, i) => !inFirst.has(i)).map((a) => a.id), now);
  const interval = paceInterval(pace, deps.sendIntervalMs);
  if (!(await pacer.take(pace, deps.timeoutMs + interval))) {
    await release(db, carried.map((a) => a.id), now);
    return { kind: "skipped" };
  }
  const result = await deps.api.postMessage({ channel, message: first!.message });
  const done = deps.clock();
  const carriedIds = carried.map((a) => a.id);
  const kinds = carried.map((a) => a.content.kind);
  let restMs = interval;
  try {
    if (result.kind === "ok") {
      const operations = carried.filter((a) => a.content.inviteId === null).map((a) => a.id);
      await untilStored(async () => {
        await messageSent(db, operations, result.ts, done);
        await digested(db, carriedIds.filter((id) => !operations.includes(id)), done);
      }, deps.logger);
      await endStreak(deps);
      deps.logger.info({ alerts: carried.length, channel }, "digest posted; the cards follow at Slack's pace");
      return { kind: "done", sent: operations.length, outcome: "delivered" };
    }
    if (result.kind === "rate-limited") {
      const streak = await deps.rateLimits.hit();
      restMs = Math.max(interval, result.retryAfterMs ?? backoffDelay(streak, 1_000, MAX_BACKOFF_MS));
      await release(db, carriedIds, done);
      deps.metrics.alertsSettled(kinds, "rate-limited");
      return { kind: "done", sent: 0, outcome: "rate-limited" };
    }
    await endStreak(deps);
    if (result.kind === "retry" || result.kind === "ambiguous") {
      if (result.kind === "ambiguous") deps.metrics.alertsAmbiguous();
      const delay = backoffDelay(1, deps.retryBackoffMs, MAX_BACKOFF_MS);
      await markRetry(db, carriedIds, result.error, new Date(done.getTime() + delay));
      deps.metrics.alertsSettled(kinds, result.kind);
      deps.logger.warn({ alerts: carried.length, error: result.error }, "digest failed; the cards follow without it");
      return { kind: "done", sent: 0, outcome: result.kind };
    }
    await markFailed(db, carriedIds, result.error, done);
    deps.metrics.alertsSettled(kinds, "permanent");
    deps.logger.error({ alerts: carried.length, error: result.error }, "Slack refused the digest; its alerts are marked failed (see: invite-monitor alerts)");
    return { kind: "done", sent: 0, outcome: "failed" };
  } finally {
    await pacer.rest(pace, restMs).catch(() => {});
  }
}
