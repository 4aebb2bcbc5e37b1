import { randomBytes } from "node:crypto";
import { QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config/loadConfig.js";
import { createMonitor } from "../daemon/createMonitor.js";
import type { Clock } from "../lib/clock.js";
import { formatDuration } from "../lib/duration.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { PollResult } from "../polling/pollInvite.js";
import { POLL_QUEUE } from "../scheduling/queues.js";
import type { Db } from "../storage/db.js";
import type { Sql } from "../storage/sqlPool.js";
import { vetOwnCredentials } from "./vetOwnCredentials.js";

export interface PollNowDeps {
  config: Config;
  db: Db;
  sql: Sql;
  redis: Redis;
  clock: Clock;
  logger: Logger;
  /** How long to wait for the poll, the budget's queue and any pause included. */
  timeoutMs: number;
}

export interface PollNowResult extends PollResult {
  /** No worker was connected, so this process ran one for the duration of the check. */
  ownWorker: boolean;
}

/**
 * Polls one invite now, the way every poll is made: a job on the poll queue, so it is paid for out of the shared
 * budget (the global limiter), honours any pause in force, and is recorded by the poll's own read → plan → write.
 * It goes to the front of the queue (LIFO) rather than behind a sweep's batch. When no worker is connected (the
 * daemon is down, or runs without the worker role), this process runs one through the monitor's normal wiring until
 * the job is done; any worker may take any poll, including others that are due meanwhile.
 */
export async function pollNow(deps: PollNowDeps, inviteId: string): Promise<PollNowResult> {
  const monitor = createMonitor({ config: deps.config, db: deps.db, sql: deps.sql, redis: deps.redis, logger: deps.logger, clock: deps.clock });
  const events = new QueueEvents(POLL_QUEUE, { connection: deps.redis, prefix: deps.config.queuePrefix });
  try {
    // Refused before anything is queued: a check that could only wait out a long pause would change nothing now.
    const paused = await monitor.pollPause.remainingMs();
    if (paused > deps.timeoutMs) {
      throw new InviteMonitorError(
        "SERVICE_UNAVAILABLE",
        `every poll worker is paused for another ${formatDuration(Math.ceil(paused / 1000) * 1000)} (Cloudflare asked us to wait, or the credentials or base URL were refused: see /readyz); nothing was queued, try again later`,
      );
    }
    const ownWorker = (await monitor.queues.poll.getWorkersCount()) === 0;
    if (ownWorker) {
      await vetOwnCredentials({ config: deps.config, clock: deps.clock, pollPause: monitor.pollPause, rate: monitor.rate });
      await monitor.start(["worker"]);
    }
    // Subscribed before the job exists, so its completion cannot be missed.
    await events.waitUntilReady();
    const job = await monitor.queues.poll.add(
      "poll",
      { inviteId, dueAt: deps.clock().getTime() },
      // Its own id: never merged with a sweep's job for the same invite, which may sit far back in the queue.
      { jobId: `check-${inviteId}-${randomBytes(6).toString("hex")}`, lifo: true },
    );
    // Our own timer rather than BullMQ's ttl: its timeout is told apart from a failed job by nothing but its message.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), deps.timeoutMs)));
    try {
      const finished = job.waitUntilFinished(events) as Promise<PollResult>;
      finished.catch(() => {});
      const result = await Promise.race([finished, timedOut]);
      if (result === "timeout") {
        throw new InviteMonitorError(
          "SERVICE_UNAVAILABLE",
          `no answer within ${formatDuration(deps.timeoutMs)} (the budget's queue, or a pause, held it); the check stays queued and is recorded when a worker runs it`,
        );
      }
      return { ...result, ownWorker };
    } catch (error) {
      if (error instanceof InviteMonitorError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new InviteMonitorError("SERVICE_UNAVAILABLE", `the poll did not complete: ${message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await events.close().catch(() => {});
    await monitor.stop();
  }
}
