import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { CloudflareClient } from "../cloudflare/cloudflareClient.js";
import type { Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { makePause, type Pause } from "../lib/makePause.js";
import { createMetrics, type Metrics } from "../metrics/createMetrics.js";
import { makeGaugeRefresher, type ScheduleReading } from "../metrics/gaugeRefresher.js";
import { createNotifier } from "../notifier/createNotifier.js";
import type { DeliverResult } from "../notifier/deliverOnce.js";
import { cloudflareIdentity, readIncident, type Incident } from "../polling/incidents.js";
import { createPollWorker } from "../polling/createPollWorker.js";
import type { ListResult } from "../polling/observeList.js";
import { limiterFor, requestsPerSecond, sweepBatchSize } from "../scheduling/budget.js";
import { createQueues, LIST_JOB } from "../scheduling/queues.js";
import { runSweep, type SweepResult } from "../scheduling/runSweep.js";
import { startSweepLoop } from "../scheduling/startSweepLoop.js";
import type { WakeableLoop } from "../lib/wakeableLoop.js";
import type { Db } from "../storage/db.js";
import { ALERT_CHANNEL, INVITE_CHANNEL, listenForWakes, type WakeChannel, type WakeListener } from "../storage/listenForWakes.js";
import { pruneAlerts } from "../storage/pruneAlerts.js";
import type { Sql } from "../storage/sqlPool.js";

export interface MonitorDeps {
  config: Config;
  /** Prisma, and plain pg for the poll's hot path: the same pool, owned by the caller. */
  db: Db;
  sql: Sql;
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

export type Role = "scheduler" | "worker" | "notifier";
export const ROLES: readonly Role[] = ["scheduler", "worker", "notifier"];

export interface Monitor {
  /** One sweep, now: what the scheduler role runs every SWEEP_INTERVAL while invites are due. */
  sweepOnce(): Promise<SweepResult>;
  /** One notifier tick, now: sends at most one message (an alert, or one part of a digest). */
  notifyOnce(): Promise<DeliverResult>;
  /** Deletes delivered and failed alerts older than ALERT_RETENTION, now (a scheduler does it every hour). */
  pruneOnce(): Promise<number>;
  /** Starts the long-running roles. */
  start(roles: readonly Role[]): Promise<void>;
  /** Resolves once no poll job is waiting, delayed or running (for runOnce-style callers and tests). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes the queues. Runs once; later calls wait for it. */
  stop(): Promise<void>;
  /** The open credentials or routing incident, shared by every process (for /readyz). */
  cloudflareIncident(): Promise<Incident | null>;
  /** One list cycle, now (the scheduler queues one every LIST_INTERVAL); needs the worker role started. */
  listOnce(): Promise<ListResult>;
  /** Reads the gauges' Postgres and queue figures now (start() does it every METRICS_REFRESH). */
  refreshGauges(): Promise<void>;
  /** How late the most overdue invite was at the last reading, and whether polling is behind; null before one. */
  schedule(): ScheduleReading | null;
  /** The requests per second the budget grants, across every process. */
  readonly rate: number;
  /** The pause every poll worker honours (429, failed probes, low quota). */
  readonly pollPause: Pause;
  readonly queues: ReturnType<typeof createQueues>;
  readonly metrics: Metrics;
}

/** Wires the scheduler, the poll workers and the notifier onto Postgres, Redis and Cloudflare. The caller owns db, sql and redis. */
export function createMonitor(deps: MonitorDeps): Monitor {
  const { config, db, redis, logger, clock } = deps;
  const prefix = config.queuePrefix;
  const queues = createQueues(redis, prefix, (queue, error) => logger.warn({ queue, error: error.message }, "queue error"));
  const metrics = createMetrics();
  const gauges = makeGaugeRefresher({ metrics, sql: deps.sql, queues, clock, logger, pollIntervalMs: config.polling.intervalMs, sweepIntervalMs: config.polling.sweepIntervalMs });
  const rate = requestsPerSecond(config.cloudflare);
  const limiter = limiterFor(rate);
  const batchSize = sweepBatchSize(rate, config.polling.sweepIntervalMs);
  const pollPause = makePause(redis, `${prefix}:poll-paused`);
  const budgetPause = makePause(redis, `${prefix}:poll-paused-for-budget`);
  const auth = config.cloudflare.auth;
  // Processes without credentials (a notifier alone) have no incident of their own to report.
  const identity = auth ? cloudflareIdentity(config.cloudflare.baseUrl, auth) : null;
  const workers: Worker[] = [];
  const loops: WakeableLoop[] = [];
  let listener: WakeListener | null = null;
  let stopping: Promise<void> | null = null;
  let startedRoles: readonly Role[] = [];
  let rewriteTimer: NodeJS.Timeout | undefined;
  let observeList: (() => Promise<ListResult>) | null = null;

  const sweepOnce = () => runSweep({ sql: deps.sql, pollQueue: queues.poll, now: clock(), batchSize });
  const pruneOnce = () => pruneAlerts(db, new Date(clock().getTime() - config.alerts.retentionMs));
  const notifier = createNotifier({ config, db, sql: deps.sql, redis, logger, clock, metrics });

  /** Writes the limits and Job Schedulers the started roles rely on. Safe to repeat: every write is an upsert. */
  async function ensureSchedules(): Promise<void> {
    // Every process writes the same limiter: the budget is global to the queue, not per worker.
    await queues.poll.setGlobalRateLimit(limiter.max, limiter.duration);
    if (startedRoles.includes("scheduler")) {
      // One list per LIST_INTERVAL for the whole deployment, however many schedulers run.
      if (config.cloudflare.list) {
        await queues.poll.upsertJobScheduler(LIST_JOB, { every: config.cloudflare.listIntervalMs }, { name: LIST_JOB, opts: { removeOnComplete: true, removeOnFail: 100, attempts: 1 } });
      } else {
        await queues.poll.removeJobScheduler(LIST_JOB);
      }
    }
  }

  /** Versions before the event-driven loops ticked through Job Schedulers; a Redis that still holds them is cleaned. */
  async function removeOldSchedules(): Promise<void> {
    if (startedRoles.includes("scheduler")) {
      await queues.sweep.removeJobScheduler("sweep");
      await queues.sweep.removeJobScheduler("prune");
    }
    if (startedRoles.includes("notifier")) await queues.notify.removeJobScheduler("notify");
  }

  function onReady(): void {
    ensureSchedules().catch((error: unknown) => logger.warn({ error: String(error) }, "could not rewrite the schedules after a Redis reconnect"));
  }

  function startWorker(worker: Worker): void {
    worker.on("failed", (job, error) => {
      metrics.jobFailed(worker.name);
      logger.error({ jobId: job?.id, error: error.message }, "job failed");
    });
    worker.on("error", (error) => logger.error({ error: error.message }, "worker error"));
    workers.push(worker);
  }

  return {
    queues,
    metrics,
    rate,
    pollPause,
    sweepOnce,
    pruneOnce,
    notifyOnce: notifier.notifyOnce,
    cloudflareIncident: async () => (identity ? readIncident(redis, prefix, identity) : null),
    refreshGauges: () => gauges.refreshOnce(),
    async listOnce() {
      if (!observeList) throw new Error("listOnce needs the worker role: start(['worker']) first");
      return observeList();
    },
    schedule: () => gauges.schedule(),
    async start(roles) {
      startedRoles = roles;
      await ensureSchedules();
      await removeOldSchedules();
      const wakers = new Map<WakeChannel, WakeableLoop>();
      if (roles.includes("scheduler")) {
        const sweep = startSweepLoop({ sql: deps.sql, redis, prefix, logger, clock, sweepIntervalMs: config.polling.sweepIntervalMs, sweepOnce, pruneOnce });
        loops.push(sweep);
        wakers.set(INVITE_CHANNEL, sweep);
      }
      if (roles.includes("worker")) {
        const poll = createPollWorker({ config, sql: deps.sql, redis, queue: queues.poll, pause: pollPause, budgetPause, rate, limiter, logger, clock, metrics, random: deps.random ?? Math.random, cloudflare: deps.cloudflare });
        startWorker(poll.worker);
        observeList = poll.observeList;
        if (!config.cloudflare.list) metrics.listMode("off");
        // A restart is often the fix (a corrected URL or token): judge an open incident now, not when its pause ends.
        // Its pause is lifted only when no 429 or low quota holds everyone off too.
        if ((await poll.guard.recheck().catch(() => false)) && (await budgetPause.remainingMs()) === 0) {
          await pollPause.clear();
          await queues.poll.removeRateLimitKey();
        }
      }
      if (roles.includes("notifier")) {
        const notify = notifier.startLoop();
        loops.push(notify);
        wakers.set(ALERT_CHANNEL, notify);
      }
      // The loops sleep while nothing is due; a committed alert or a newly tracked invite wakes them (Postgres NOTIFY).
      if (wakers.size > 0) listener = listenForWakes(config.databaseUrl, [...wakers.keys()], (channel) => wakers.get(channel)?.wake(), logger);
      // A Redis that restarted empty has lost the schedules and limits: write them again on every reconnect,
      // and now and then in case it was flushed without dropping the connection.
      redis.on("ready", onReady);
      rewriteTimer = setInterval(() => void ensureSchedules().catch(() => {}), SCHEDULE_REWRITE_MS);
      rewriteTimer.unref();
      gauges.start(config.http.metricsRefreshMs);
    },
    async drain({ timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queues.poll.getJobCounts("waiting", "active", "delayed", "prioritized");
        // The list's Job Scheduler always holds its next run, delayed: that is not work left to do.
        if (startedRoles.includes("scheduler") && config.cloudflare.list) counts.delayed = Math.max(0, (counts.delayed ?? 0) - 1);
        if (Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`poll queue did not drain within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(rewriteTimer);
        gauges.stop();
        redis.off("ready", onReady);
        // Loops and workers first (in-flight ticks and jobs finish), then the queues; db, sql and redis belong to the caller.
        await Promise.all([...loops.map((loop) => loop.stop()), ...workers.map((worker) => worker.close())]);
        await listener?.close();
        await queues.close();
      })();
      return stopping;
    },
  };
}
