import type { Queue } from "bullmq";
import type { Sql } from "../storage/sqlPool.js";
import { selectDueInvites } from "../storage/selectDueInvites.js";
import { pollJobId, type PollJobData } from "./queues.js";

export interface SweepResult {
  /** Due invites handed to the queue (ids already queued are kept once by BullMQ). */
  queued: number;
  /** True when the queue still held half a batch or more, so this sweep left it alone. */
  skipped?: boolean;
}

/**
 * One scheduler tick: the most overdue active invites, as many as the budget allows, become poll jobs in one
 * bulk add. Postgres stays the truth: if Redis loses the jobs, the invites are still due and come back here.
 * Invites stay due until polled, so a sweep also finds the ones already queued; while the queue holds half a
 * batch or more it is skipped, rather than re-sending thousands of duplicate jobs to Redis every tick.
 */
export async function runSweep(deps: { sql: Sql; pollQueue: Queue<PollJobData>; now: Date; batchSize: number }): Promise<SweepResult> {
  const waiting = await deps.pollQueue.getJobCountByTypes("wait", "prioritized");
  if (waiting >= Math.max(1, deps.batchSize / 2)) return { queued: 0, skipped: true };
  const due = await selectDueInvites(deps.sql, deps.now, deps.batchSize);
  if (due.length === 0) return { queued: 0 };
  await deps.pollQueue.addBulk(
    due.map((invite) => {
      const dueAt = invite.nextCheckAt.getTime();
      return { name: "poll", data: { inviteId: invite.id, dueAt }, opts: { jobId: pollJobId(invite.id, dueAt) } };
    }),
  );
  return { queued: due.length };
}
