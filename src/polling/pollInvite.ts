import { RateLimitError, type Job } from "bullmq";
import type { CloudflareClient, FetchOutcome } from "../cloudflare/cloudflareClient.js";
import { pauseAfter429 } from "../cloudflare/pauseAfter429.js";
import { slowdownFromRateLimit } from "../cloudflare/rateLimitHeaders.js";
import type { Observation } from "../invites/planObservation.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { PollJobData } from "../scheduling/queues.js";
import type { Db } from "../storage/db.js";
import { insertAlerts } from "../storage/insertAlerts.js";
import type { ObservationToRecord, RecordResult } from "../storage/recordObservations.js";
import { credentialsAlert } from "../alerts/decideAlerts.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { AuthState } from "./authState.js";

export interface PollDeps {
  db: Db;
  /** Records one observation (see recordObservations); the daemon batches concurrent calls into one write. */
  record(item: ObservationToRecord): Promise<RecordResult>;
  cloudflare: CloudflareClient;
  clock: Clock;
  logger: Logger;
  authState: AuthState;
  /** Holds every worker of every process off the poll queue for this long (longer pauses win). */
  pauseAll(ms: number): Promise<void>;
  /** How long the shared pause still lasts (0 when none). */
  pausedFor(): Promise<number>;
  /** Our own gap between requests, to judge whether Cloudflare's remaining quota calls for slowing down. */
  spacingMs: number;
  authRetryMs: number;
  metrics: Pick<Metrics, "pollFinished" | "rateLimitPause" | "cloudflareRemaining">;
}

export type PollResult = { outcome: string; snapshot: boolean };

/**
 * The poll job: ask Cloudflare about one invite and record what it said. A rate limit or rejected credentials
 * put the job back in the queue untouched (BullMQ's RateLimitError) after pausing everyone, so no job is lost
 * and no invite is marked failed for a problem that is not its own.
 */
export function makePollInvite(deps: PollDeps): (job: Job<PollJobData>) => Promise<PollResult> {
  const log = deps.logger;
  return async (job) => {
    const { inviteId } = job.data;
    // A worker may have taken this job just before another worker's 429 paused everyone: check the pause
    // before spending a request, so nothing reaches Cloudflare during a block.
    if ((await deps.pausedFor()) > 0) throw new RateLimitError();
    const started = performance.now();
    const outcome = await deps.cloudflare.getInvite(inviteId);
    const finished = () => deps.metrics.pollFinished(outcome.kind, (performance.now() - started) / 1000);
    if (outcome.kind !== "unauthorized" && outcome.rateLimit) deps.metrics.cloudflareRemaining(outcome.rateLimit.remaining);

    if (outcome.kind === "rate-limited") {
      const pause = pauseAfter429(outcome.retryAfterMs, outcome.rateLimit);
      await deps.pauseAll(pause);
      deps.metrics.rateLimitPause("429");
      finished();
      log.warn({ inviteId, pauseMs: pause }, "Cloudflare answered 429: every worker pauses");
      throw new RateLimitError();
    }
    if (outcome.kind === "unauthorized") {
      const now = deps.clock();
      if (await deps.authState.markRejected(outcome.message, now)) {
        await insertAlerts(deps.db, [credentialsAlert("credentials_rejected", now.toISOString(), `${outcome.message}. Polling is paused and retried every ${Math.round(deps.authRetryMs / 1000)}s.`, now)], now);
        log.error(
          { status: outcome.status, retryInMs: deps.authRetryMs },
          `Cloudflare rejected the credentials; polling is paused and retried every ${Math.round(deps.authRetryMs / 1000)}s. ${outcome.message}`,
        );
      }
      await deps.pauseAll(deps.authRetryMs);
      deps.metrics.rateLimitPause("credentials");
      finished();
      throw new RateLimitError();
    }

    const incident = await deps.authState.markAccepted();
    if (incident) {
      const now = deps.clock();
      await insertAlerts(deps.db, [credentialsAlert("credentials_restored", incident.since, `Polling resumed; credentials were rejected since ${incident.since}.`, now)], now);
      log.info("Cloudflare accepts the credentials again; polling resumed");
    }
    const slowdown = slowdownFromRateLimit(outcome.rateLimit, deps.spacingMs);
    if (slowdown > 0) {
      await deps.pauseAll(slowdown);
      deps.metrics.rateLimitPause("ratelimit_header");
      log.info({ remaining: outcome.rateLimit?.remaining, pauseMs: slowdown }, "Cloudflare quota is running low: slowing down");
    }

    const now = deps.clock();
    let result;
    try {
      result = await deps.record({ inviteId, observation: toObservation(outcome), now });
    } catch (error) {
      // Postgres refused this answer's data (a value no column can hold): record that as the poll's failure,
      // so the invite shows the problem and backs off instead of failing the job on every sweep.
      if (!isDataError(error)) throw error;
      const message = `the answer could not be stored (${describeDataError(error)})`;
      result = await deps.record({ inviteId, observation: { kind: "failure", error: message }, now });
      log.warn({ inviteId, error: message }, "poll failed");
    }
    finished();
    if (result.kind === "write" && result.snapshot) {
      log.info({ inviteId, status: result.snapshot.effectiveStatus, changes: result.changes, first: result.snapshot.first, alerts: result.alerts?.map((a) => a.kind) }, "invite changed");
    }
    if (outcome.kind === "failure") log.warn({ inviteId, error: outcome.message }, "poll failed");
    else log.debug({ inviteId, outcome: outcome.kind, result: result.kind }, "polled");
    return { outcome: outcome.kind, snapshot: result.kind === "write" && result.snapshot !== null };
  };
}

function toObservation(outcome: Exclude<FetchOutcome, { kind: "rate-limited" | "unauthorized" }>): Observation {
  switch (outcome.kind) {
    case "invite":
      return { kind: "invite", fields: outcome.fields, payload: outcome.payload };
    case "gone":
      return { kind: "gone" };
    case "failure":
      return { kind: "failure", error: outcome.message };
  }
}

/** Errors about the data itself (SQLSTATE class 22, or a value too deep to serialize), not about the database. */
function isDataError(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const text = `${(error as { code?: unknown }).code ?? ""} ${JSON.stringify((error as { meta?: unknown }).meta ?? "")} ${error instanceof Error ? error.message : ""}`;
  return /\b22[0-9A-Z]{3}\b/.test(text);
}

function describeDataError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").slice(0, 200);
}
