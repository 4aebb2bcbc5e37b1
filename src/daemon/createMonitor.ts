import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type pg from "pg";
import { createCloudflareClient, type CloudflareClient } from "../cloudflare/cloudflareClient.js";
import { configSecrets, requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import type { ScheduleSettings } from "../invites/planObservation.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { makePause } from "../lib/makePause.js";
import { makeRedactor } from "../lib/redact.js";
import { makeAuthState } from "../polling/authState.js";
import { makePollInvite, type PollResult } from "../polling/pollInvite.js";
import { limiterFor, requestsPerSecond, sweepBatchSize } from "../scheduling/budget.js";
import { createQueues, type PollJobData } from "../scheduling/queues.js";
import { runSweep, type SweepResult } from "../scheduling/runSweep.js";
import type { Db } from "../storage/db.js";
import { recordObservations, type ObservationToRecord } from "../storage/recordObservations.js";
import { createSqlPool } from "../storage/sqlPool.js";
import { groupCommit } from "../lib/groupCommit.js";
import { createMetrics, type Metrics } from "../metrics/createMetrics.js";
import { createNotifier } from "../notifier/createNotifier.js";
import type { DeliverResult } from "../notifier/deliverOnce.js";

export interface MonitorDeps {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
  clock: Clock;
  /** In [0, 1): the jitter source. */
  random?: () => number;
  /** Replaces the got-based client; only the simulator-free benchmarks use this. */
  cloudflare?: CloudflareClient;
}

/** How often the schedules are rewritten even without a reconnect (a flushed Redis keeps its connections). */
const SCHEDULE_REWRITE_MS = 30_000;
/** The poll jobs' lock: how soon a poll held by a killed worker process is handed to another. */
const POLL_LOCK_MS = 10_000;
/** At most this many observations per write statement: bounds the rows one statement locks and its JSON parameter. */
const RECORD_BATCH_MAX = 64;
/**
 * One write in flight: the next batch fills while it waits on Postgres. Measured (BENCHMARKS.md, row 1): two or
 * four in flight made smaller batches and 7-16 % fewer polls a second.
 */
const RECORD_WRITES_IN_FLIGHT = 1;

export type Role = "scheduler" | "worker" | "notifier";
export const ROLES: readonly Role[] = ["scheduler", "worker", "notifier"];

export interface Monitor {
  /** One scheduler tick, now: what the Job Scheduler runs every SWEEP_INTERVAL. */
  sweepOnce(): Promise<SweepResult>;
  /** One notifier tick, now: sends at most one message (an alert or a digest). */
  notifyOnce(): Promise<DeliverResult>;
  /** Starts the long-running roles. */
  start(roles: readonly Role[]): Promise<void>;
  /** Resolves once no poll job is waiting, delayed or running (for runOnce-style callers and tests). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes the queues. Runs once; later calls wait for it. */
  stop(): Promise<void>;
  readonly queues: ReturnType<typeof createQueues>;
  readonly metrics: Metrics;
}

/** Wires the scheduler and the poll workers onto Postgres, Redis and Cloudflare. The caller owns db and redis. */
export function createMonitor(deps: MonitorDeps): Monitor {
  const { config, db, redis, logger, clock } = deps;
  const prefix = config.queuePrefix;
  const queues = createQueues(redis, prefix);
  const metrics = createMetrics({ db, queues, clock });
  const rate = requestsPerSecond(config.cloudflare);
  const limiter = limiterFor(rate);
  const batchSize = sweepBatchSize(rate, config.polling.sweepIntervalMs);
  const schedule: ScheduleSettings = {
    intervalMs: config.polling.intervalMs,
    jitter: config.polling.jitter,
    failureBackoffMs: config.polling.failureBackoffMs,
    expiryThresholdsMs: config.polling.expiryThresholdsMs,
    random: deps.random ?? Math.random,
  };
  const workers: Worker[] = [];
  let stopping: Promise<void> | null = null;
  let startedRoles: readonly Role[] = [];
  let rewriteTimer: NodeJS.Timeout | undefined;

  // Poll workers of this process share one writer: concurrent polls commit together, on a pool of their own.
  let sqlPool: pg.Pool | null = null;
  const writerSql = () =>
    (sqlPool ??= createSqlPool(config.databaseUrl, RECORD_WRITES_IN_FLIGHT, (error) => logger.warn({ error: error.message }, "an idle Postgres connection dropped")));
  const record = groupCommit((items: ObservationToRecord[]) => recordObservations(writerSql(), items, schedule), {
    maxBatch: RECORD_BATCH_MAX,
    maxConcurrent: RECORD_WRITES_IN_FLIGHT,
  });
  const sweepOnce = () => runSweep({ db, pollQueue: queues.poll, now: clock(), batchSize });

  const { notifyOnce, makeWorker: makeNotifyWorker } = createNotifier({ config, db, redis, logger, clock, metrics, queueName: queues.notify.name });

  // The explicit pause (429, rejected credentials, low quota) is also kept under its own key: BullMQ's limiter key
  // also counts ordinary jobs, so its TTL cannot tell "paused" from "one job this window".
  const pollPause = makePause(redis, `${prefix}:poll-paused`);
  async function pauseAll(ms: number): Promise<void> {
    await pollPause.extend(ms);
    if ((await queues.poll.getRateLimitTtl(limiter.max)) < ms) await queues.poll.rateLimit(ms);
  }

  function makePollWorker(): Worker<PollJobData, PollResult> {
    const cloudflare =
      deps.cloudflare ??
      createCloudflareClient({
        baseUrl: config.cloudflare.baseUrl,
        auth: requireCloudflareAuth(config),
        timeoutMs: config.cloudflare.timeoutMs,
        redact: makeRedactor(configSecrets(config)),
        now: clock,
      });
    const processor = makePollInvite({
      db,
      cloudflare,
      record,
      clock,
      logger,
      authState: makeAuthState(redis, prefix),
      pauseAll,
      pausedFor: () => pollPause.remainingMs(),
      spacingMs: 1000 / rate,
      authRetryMs: config.cloudflare.authRetryMs,
      metrics,
    });
    return new Worker<PollJobData, PollResult>(queues.poll.name, processor, {
      // Shared with the queues; BullMQ duplicates it for the blocking connection it owns.
      connection: redis,
      prefix,
      concurrency: config.polling.concurrency,
      // A poll held by a killed worker goes back to the queue when its lock lapses and the stalled check runs:
      // 10 s each instead of BullMQ's 30 s (live workers renew the lock every 5 s, however long a poll takes).
      lockDuration: POLL_LOCK_MS,
      stalledInterval: POLL_LOCK_MS,
    });
  }

  function makeSweepWorker(): Worker {
    return new Worker(
      queues.sweep.name,
      async (_job: Job) => {
        const result = await sweepOnce();
        if (result.queued > 0) logger.debug({ queued: result.queued }, "sweep queued due invites");
        return result;
      },
      { connection: redis, prefix, concurrency: 1 },
    );
  }

  /** Writes the limits and Job Schedulers the started roles rely on. Safe to repeat: every write is an upsert. */
  async function ensureSchedules(): Promise<void> {
    // Every process writes the same limiter: the budget is global to the queue, not per worker.
    await queues.poll.setGlobalRateLimit(limiter.max, limiter.duration);
    if (startedRoles.includes("scheduler")) {
      // A Job Scheduler is keyed by id: every replica upserting "sweep" shares one schedule.
      await queues.sweep.upsertJobScheduler("sweep", { every: config.polling.sweepIntervalMs }, { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
    if (startedRoles.includes("notifier")) {
      // One tick at a time across every notifier process, one tick per interval: Slack's one message a second.
      await queues.notify.setGlobalConcurrency(1);
      await queues.notify.upsertJobScheduler("notify", { every: config.slack.sendIntervalMs }, { name: "notify", opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
  }

  function onReady(): void {
    ensureSchedules().catch((error: unknown) => logger.warn({ error: String(error) }, "could not rewrite the schedules after a Redis reconnect"));
  }

  return {
    queues,
    metrics,
    sweepOnce,
    notifyOnce,
    async start(roles) {
      startedRoles = roles;
      await ensureSchedules();
      if (roles.includes("scheduler")) workers.push(makeSweepWorker());
      if (roles.includes("worker")) workers.push(makePollWorker());
      if (roles.includes("notifier")) workers.push(makeNotifyWorker());
      for (const worker of workers) {
        worker.on("failed", (job, error) => {
          metrics.jobFailed(worker.name);
          logger.error({ jobId: job?.id, error: error.message }, "job failed");
        });
        worker.on("error", (error) => logger.error({ error: error.message }, "worker error"));
      }
      // A Redis that restarted empty has lost the schedules and limits: write them again on every reconnect,
      // and now and then in case it was flushed without dropping the connection.
      redis.on("ready", onReady);
      rewriteTimer = setInterval(() => void ensureSchedules().catch(() => {}), SCHEDULE_REWRITE_MS);
      rewriteTimer.unref();
    },
    async drain({ timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queues.poll.getJobCounts("waiting", "active", "delayed", "prioritized");
        if (Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`poll queue did not drain within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(rewriteTimer);
        redis.off("ready", onReady);
        // Workers first (in-flight jobs finish), then the queues; db and redis belong to the caller.
        await Promise.all(workers.map((worker) => worker.close()));
        await queues.close();
        await sqlPool?.end();
      })();
      return stopping;
    },
  };
}
