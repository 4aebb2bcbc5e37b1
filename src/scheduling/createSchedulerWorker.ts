import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../lib/logger.js";
import type { SweepResult } from "./runSweep.js";

export interface SchedulerWorkerDeps {
  queueName: string;
  redis: Redis;
  prefix: string;
  logger: Logger;
  sweepOnce(): Promise<SweepResult>;
  /** Deletes settled alerts past their retention; returns how many. */
  pruneOnce(): Promise<number>;
}

/** The scheduler role's worker: the sweep every SWEEP_INTERVAL, and the outbox's pruning every hour. */
export function createSchedulerWorker(deps: SchedulerWorkerDeps): Worker {
  return new Worker(
    deps.queueName,
    async (job: Job) => {
      if (job.name === PRUNE_JOB) {
        const pruned = await deps.pruneOnce();
        if (pruned > 0) deps.logger.info({ pruned }, "pruned delivered and failed alerts past ALERT_RETENTION");
        return { pruned };
      }
      const result = await deps.sweepOnce();
      if (result.queued > 0) deps.logger.debug({ queued: result.queued }, "sweep queued due invites");
      return result;
    },
    { connection: deps.redis, prefix: deps.prefix, concurrency: 1 },
  );
}

/** The pruning's job name and schedule, on the sweep queue (a Job Scheduler: one schedule however many replicas). */
export const PRUNE_JOB = "prune";
export const PRUNE_EVERY_MS = 60 * 60_000;
