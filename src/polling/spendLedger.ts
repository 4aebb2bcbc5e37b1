import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { KEEP_COMPLETED_SECONDS } from "../scheduling/queues.js";

export interface SpendLedger {
  /** False when BullMQ keeps finished polls for less than one window: the ledger cannot see all of it. */
  coversWindow: boolean;
  /** Requests spent in the window that ends now, in every process, and the polls under way that are not in it yet (read by the list job). */
  read(): Promise<{ spent: number; inFlight: number }>;
  /** Notes requests made outside the poll queue's jobs (the list's pages, its confirmations, probes). Best effort: never throws. */
  note(requests: number): Promise<void>;
}

/**
 * What the monitor spent of Cloudflare's window, across its processes, without a write per poll: the poll jobs that
 * finished in it (BullMQ keeps them an hour, scored by finishing time) plus what the list job noted here. It runs on
 * the wall clock because BullMQ's scores do.
 */
export function makeSpendLedger(redis: Redis, queue: Queue, key: string, windowMs: number): SpendLedger {
  return {
    coversWindow: windowMs <= KEEP_COMPLETED_SECONDS * 1000,
    async read() {
      const from = Date.now() - windowMs;
      const [completed, noted, active] = await Promise.all([
        redis.zcount(queue.toKey("completed"), from, "+inf"),
        redis.zrangebyscore(key, from, "+inf"),
        redis.llen(queue.toKey("active")),
      ]);
      // The list job that asks is active itself, and its own requests are noted apart.
      return { spent: completed + noted.reduce((sum, member) => sum + Number(member.split(":")[1] ?? 0), 0), inFlight: Math.max(0, active - 1) };
    },
    async note(requests) {
      if (requests <= 0) return;
      const now = Date.now();
      // A Redis failure here must not skip what follows a request (its quota, its 429): the ledger only undercounts.
      await redis.multi().zadd(key, now, `${randomUUID()}:${requests}`).zremrangebyscore(key, "-inf", now - windowMs).pexpire(key, windowMs).exec().catch(() => {});
    },
  };
}
