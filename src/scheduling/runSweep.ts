import type { Queue } from "bullmq";
import type { Db } from "../storage/db.js";
import { selectDueInvites } from "../storage/selectDueInvites.js";
import { pollJobId, type PollJobData } from "./queues.js";

export interface SweepResult {
  /** Due invites handed to the queue (ids already queued are kept once by BullMQ). */
  queued: number;
}

/**
 * One scheduler tick: the most overdue active invites, as many as the budget allows, become poll jobs in one
 * bulk add. Postgres stays the truth: if Redis loses the jobs, the invites are still due and come back here.
 */
export async function runSweep(deps: { db: Db; pollQueue: Queue<PollJobData>; now: Date; batchSize: number }): Promise<SweepResult> {
  const due = await selectDueInvites(deps.db, deps.now, deps.batchSize);
  if (due.length === 0) return { queued: 0 };
  await deps.pollQueue.addBulk(
    due.map((invite) => {
      const dueAt = invite.nextCheckAt.getTime();
      return { name: "poll", data: { inviteId: invite.id, dueAt }, opts: { jobId: pollJobId(invite.id, dueAt) } };
    }),
  );
  return { queued: due.length };
}
