import { RateLimitError, UnrecoverableError } from "bullmq";
import type { CloudflareClient, FetchOutcome } from "../cloudflare/cloudflareClient.js";
import { isDocumentedStatus } from "../invites/effectiveStatus.js";
import type { Observation } from "../observations/planObservation.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Pause } from "../lib/makePause.js";
import type { Metrics } from "../metrics/createMetrics.js";
import { describeStorageError, isRefusedWrite } from "../storage/storageErrors.js";
import type { CloudflareGuard } from "./cloudflareGuard.js";
import type { ObservationToRecord, RecordResult } from "./recordObservations.js";

export interface PollDeps {
  cloudflare: CloudflareClient;
  guard: CloudflareGuard;
  /** Records one observation (see recordObservations); concurrent calls are batched into one write. */
  record(item: ObservationToRecord): Promise<RecordResult>;
  /** The last resort when even a failure cannot be recorded: moves the invite's check on, nothing else. */
  defer(inviteId: string, until: Date, error: string, now: Date): Promise<void>;
  /** Reads the quota of an answer; throws RateLimitError (after pausing everyone) on a 429. */
  throttle(answer: FetchOutcome): Promise<void>;
  /** The shared pause every worker of every process honours. */
  pause: Pause;
  clock: Clock;
  logger: Logger;
  /** How long a deferred invite waits (POLL_INTERVAL). */
  intervalMs: number;
  metrics: Pick<Metrics, "pollFinished" | "observed">;
}

export type PollResult = { outcome: string; snapshot: boolean };

/**
 * The poll job, the whole story of one check: ask Cloudflare about the invite, judge an answer that may be about
 * everyone rather than this invite (a 401/403 or a 404: the guard's probes decide), then record what it means.
 * A problem of everyone's (a 429, bad credentials, a URL nothing answers) pauses every worker and puts the job back
 * untouched (BullMQ's RateLimitError): nothing is lost, and no invite is blamed for it. Every other outcome moves
 * the invite's next check, so no invite can be left due and starve the others.
 *
 * Given the pause to honour: the poll job honours every pause; a confirmation the list job has already paid for
 * (confirmNow.ts) honours only the budget's, since the pause it paid is its own.
 */
export function makePollOne(deps: PollDeps): (inviteId: string, pause: Pick<Pause, "remainingMs">) => Promise<PollResult> {
  const log = deps.logger;
  return async (inviteId, pause) => {
    await deps.guard.beforeRequest();
    // A worker may have taken this job just before another worker's 429 paused everyone: check the pause
    // last thing before spending a request, so nothing reaches Cloudflare during a block.
    if ((await pause.remainingMs()) > 0) throw new RateLimitError();
    const started = performance.now();
    const outcome = await deps.cloudflare.getInvite(inviteId);
    const now = deps.clock();
    try {
      await deps.throttle(outcome);
      const observation = await observe(outcome, now);
      const result = await recordOrDefer({ inviteId, observation, now });
      report(inviteId, outcome, result);
      return { outcome: outcome.kind, snapshot: result.kind === "write" && result.snapshot !== null };
    } finally {
      deps.metrics.pollFinished(outcome.kind, (performance.now() - started) / 1000);
    }
  };

  async function observe(outcome: FetchOutcome, now: Date): Promise<Observation> {
    switch (outcome.kind) {
      case "invite":
        await deps.guard.noteHealthy(now);
        deps.metrics.observed("get", 1);
        return { kind: "invite", fields: outcome.fields, payload: outcome.payload };
      case "not-found":
        return { kind: "not-found", error: outcome.message, lastHealthyAt: await deps.guard.judgeNotFound(now) };
      case "rejected": {
        const verdict = await deps.guard.judgeRejection();
        const why = verdict === "ok" ? "the credentials pass Cloudflare's check: only this invite is refused" : "the credentials could not be checked";
        return { kind: "failure", error: `${outcome.message} (${why})` };
      }
      case "failure":
      case "rate-limited":
        return { kind: "failure", error: outcome.kind === "failure" ? outcome.message : "rate limited" };
    }
  }

  /** A write Postgres refuses becomes this poll's recorded failure; if even that is refused, the check is deferred. */
  async function recordOrDefer(item: ObservationToRecord): Promise<RecordResult> {
    try {
      return await deps.record(item);
    } catch (error) {
      // Postgres unreachable or busy: the job fails and is retried, and the invite stays due for the next sweep.
      if (!isRefusedWrite(error)) throw error;
      const message = `the answer could not be stored (${describeStorageError(error)})`;
      log.warn({ inviteId: item.inviteId, error: message }, "poll failed");
      try {
        return await deps.record({ ...item, observation: { kind: "failure", error: message } });
      } catch (second) {
        if (!isRefusedWrite(second)) throw second;
        await deps.defer(item.inviteId, new Date(item.now.getTime() + deps.intervalMs), message, item.now);
        throw new UnrecoverableError(`${message}; recording the failure was refused too (${describeStorageError(second)})`);
      }
    }
  }

  function report(inviteId: string, outcome: FetchOutcome, result: RecordResult): void {
    if (result.kind === "write" && result.snapshot) {
      log.info({ inviteId, status: result.snapshot.effectiveStatus, changes: result.changes, first: result.snapshot.first, alerts: result.alerts.map((a) => a.kind) }, "invite changed");
      // Logged when the status first appears (a snapshot is written only on a change), not at every poll.
      const apiStatus = result.snapshot.apiStatus;
      if (!isDocumentedStatus(apiStatus) && (result.snapshot.first || result.changes.some((c) => c.field === "apiStatus"))) {
        log.warn({ inviteId, apiStatus }, "Cloudflare reported a status it does not document; recorded as it came");
      }
    }
    if (result.kind === "write" && result.next.lastError !== null) log.warn({ inviteId, error: result.next.lastError }, "poll failed");
    else log.debug({ inviteId, outcome: outcome.kind, result: result.kind }, "polled");
  }
}
