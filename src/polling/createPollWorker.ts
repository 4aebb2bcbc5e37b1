import { Worker, type Job, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { CloudflareClient } from "../cloudflare/cloudflareClient.js";
import { requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import type { PlanSettings } from "../observations/planObservation.js";
import type { Clock } from "../lib/clock.js";
import { groupCommit } from "../lib/groupCommit.js";
import type { Logger } from "../lib/logger.js";
import type { Pause } from "../lib/makePause.js";
import type { Metrics } from "../metrics/createMetrics.js";
import { LIST_JOB, pollJobId, type PollJobData } from "../scheduling/queues.js";
import { deferInvite } from "../storage/deferInvite.js";
import type { Sql } from "../storage/sqlPool.js";
import { cloudflareClientFor } from "./cloudflareClientFor.js";
import { makeCloudflareGuard, type CloudflareGuard, type PauseReason } from "./cloudflareGuard.js";
import { cloudflareIdentity } from "./incidents.js";
import { makeObserveList, type ListResult } from "./observeList.js";
import { makeConfirmNow } from "./confirmNow.js";
import { makePollOne, type PollResult } from "./pollInvite.js";
import { makeSpendLedger } from "./spendLedger.js";
import { recordObservations, type ObservationToRecord } from "./recordObservations.js";
import { makeThrottle } from "./throttle.js";

export interface PollWorkerDeps {
  config: Config;
  sql: Sql;
  /** Shared with the queues; BullMQ duplicates it for the blocking connection it owns. */
  redis: Redis;
  queue: Queue<PollJobData>;
  /** The shared poll pause, and the requests per second the budget grants. */
  pause: Pause;
  /** Marks the part of the pause the budget asked for (a 429, low quota), which a recheck must not lift. */
  budgetPause: Pause;
  rate: number;
  /** The global limiter of the poll queue (see scheduling/budget.ts). */
  limiter: { max: number; duration: number };
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  /** In [0, 1): the jitter source. */
  random: () => number;
  /** Replaces the got-based client; only the simulator-free benchmarks use this. */
  cloudflare?: CloudflareClient;
}

/** The poll jobs' lock: how soon a poll held by a killed worker process is handed to another. */
const POLL_LOCK_MS = 10_000;
/** At most this many observations per write statement: bounds the rows one statement touches and its JSON parameter. */
const RECORD_BATCH_MAX = 64;
/**
 * One write in flight: the next batch fills while it waits on Postgres. Measured (BENCHMARKS.md, row 1): two or
 * four in flight made smaller batches and 7-16 % fewer polls a second.
 */
const RECORD_WRITES_IN_FLIGHT = 1;
/** The states of a queued poll that has not started (BullMQ's getJobState). */
const WAITING_STATES: ReadonlySet<string> = new Set(["waiting", "delayed", "prioritized"]);

/** Builds this process's poll worker: the Cloudflare client, the guard, the batched writer and the BullMQ Worker. */
export function createPollWorker(deps: PollWorkerDeps): { worker: Worker<PollJobData, PollResult | ListResult>; guard: CloudflareGuard; observeList: () => Promise<ListResult> } {
  const { config, sql, redis, queue, logger, clock, metrics } = deps;
  const spacingMs = 1000 / deps.rate;

  // The explicit pause (429, a failed probe, low quota) has its own key: BullMQ's limiter key also counts ordinary
  // jobs, so its TTL cannot tell "paused" from "one job this window". A budget pause is also marked apart, so that
  // lifting an incident's pause (recheck) never lifts a 429's.
  async function pauseAll(ms: number, reason: PauseReason): Promise<void> {
    // Redis takes whole milliseconds; a probe's price (one request's gap) is often a fraction of one.
    const whole = Math.max(1, Math.ceil(ms));
    await deps.pause.extend(whole);
    if (reason === "budget") await deps.budgetPause.extend(whole);
    if ((await queue.getRateLimitTtl(deps.limiter.max)) < whole) await queue.rateLimit(whole);
  }

  const identity = cloudflareIdentity(config.cloudflare.baseUrl, requireCloudflareAuth(config));
  const cloudflare = deps.cloudflare ?? cloudflareClientFor(config, clock);
  const throttle = makeThrottle({ pauseAll, spacingMs, metrics, logger });
  const ledger = makeSpendLedger(redis, queue, `${config.queuePrefix}:list-spend:${identity}`, config.cloudflare.rateWindowMs);
  const noteSpent = (requests: number) => ledger.note(requests);
  const guard = makeCloudflareGuard({
    redis,
    prefix: config.queuePrefix,
    identity,
    timeoutMs: config.cloudflare.timeoutMs,
    budgetPausedFor: () => deps.budgetPause.remainingMs(),
    cloudflare,
    sql,
    clock,
    logger,
    baseUrl: config.cloudflare.baseUrl,
    authRetryMs: config.cloudflare.authRetryMs,
    failureBackoffMs: config.polling.failureBackoffMs,
    pauseAll,
    noteSpent,
    spacingMs,
    throttle,
    metrics,
  });
  const settings: PlanSettings = {
    intervalMs: config.polling.intervalMs,
    jitter: config.polling.jitter,
    failureBackoffMs: config.polling.failureBackoffMs,
    expiryThresholdsMs: config.polling.expiryThresholdsMs,
    random: deps.random,
  };
  // The polls of this process share one writer: concurrent polls commit together.
  const record = groupCommit((items: ObservationToRecord[]) => recordObservations(sql, items, settings), {
    maxBatch: RECORD_BATCH_MAX,
    maxConcurrent: RECORD_WRITES_IN_FLIGHT,
    key: (item) => item.inviteId,
  });
  const pollOne = makePollOne({
    cloudflare,
    guard,
    record,
    defer: (inviteId, until, error, now) => deferInvite(sql, inviteId, until, error, now),
    throttle,
    pause: deps.pause,
    clock,
    logger,
    intervalMs: config.polling.intervalMs,
    metrics,
  });
  const processor = (job: Job<PollJobData>) => pollOne(job.data.inviteId, deps.pause);
  // Only a poll that still waits is removed: a finished one stays, for the ledger and for its id's deduplication.
  async function dropWaitingPoll(inviteId: string, dueAt: Date): Promise<void> {
    const id = pollJobId(inviteId, dueAt.getTime());
    if (WAITING_STATES.has(await queue.getJobState(id))) await queue.remove(id);
  }
  const confirmNow = makeConfirmNow({
    ledger,
    windowShare: (deps.rate * config.cloudflare.rateWindowMs) / 1000,
    spacingMs,
    // The list after next may wait for the hold, no more: the lists keep observing everything else.
    maxHoldMs: 2 * config.cloudflare.listIntervalMs,
    pauseAll,
    pollOne: (inviteId) => pollOne(inviteId, deps.budgetPause),
    pollRunning: async (inviteId, dueAt) => (await queue.getJobState(pollJobId(inviteId, dueAt.getTime()))) === "active",
    dropWaitingPoll,
    concurrency: config.polling.concurrency,
    clock,
    logger,
  });
  const observeList = makeObserveList({
    cloudflare,
    guard,
    throttle,
    pause: deps.pause,
    pauseAll,
    spacingMs,
    sql,
    redis,
    listedKey: `${config.queuePrefix}:listed-ids:${identity}`,
    settings,
    trackDiscovered: config.cloudflare.trackDiscovered,
    clock,
    logger,
    metrics,
    dropQueuedPoll: dropWaitingPoll,
    confirmNow,
    noteSpent,
  });
  // The list runs on the poll queue, so it takes its turn in the same global limiter as every poll.
  const worker = new Worker<PollJobData, PollResult | ListResult>(queue.name, (job) => (job.name === LIST_JOB ? observeList() : processor(job)), {
    connection: redis,
    prefix: config.queuePrefix,
    concurrency: config.polling.concurrency,
    // A poll held by a killed worker goes back to the queue when its lock lapses and the stalled check runs:
    // 10 s each instead of BullMQ's 30 s (live workers renew the lock every 5 s, however long a poll takes).
    lockDuration: POLL_LOCK_MS,
    stalledInterval: POLL_LOCK_MS,
  });
  return { worker, guard, observeList };
}
