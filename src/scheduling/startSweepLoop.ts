import type { Redis } from "ioredis";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { startWakeableLoop, type WakeableLoop } from "../lib/wakeableLoop.js";
import { nextInviteDue } from "../storage/nextDue.js";
import type { Sql } from "../storage/sqlPool.js";
import { nextSweepWait } from "./nextSweepWait.js";
import type { SweepResult } from "./runSweep.js";

export interface SweepLoopDeps {
  sql: Sql;
  redis: Redis;
  prefix: string;
  logger: Logger;
  clock: Clock;
  sweepIntervalMs: number;
  sweepOnce(): Promise<SweepResult>;
  /** Deletes settled alerts past their retention; returns how many. */
  pruneOnce(): Promise<number>;
}

/** The outbox's pruning: once an hour for the whole deployment, by whichever scheduler takes the hour's lease. */
export const PRUNE_EVERY_MS = 60 * 60_000;
/** The longest the sweep sleeps without a wake-up: what a missed notification can delay a new invite's first poll by. */
export const SWEEP_IDLE_CHECK_MS = 60_000;

/**
 * The scheduler role: sweeps every SWEEP_INTERVAL while invites are due, and sleeps until the next one is when none
 * is, or until `wake()` (an invite was tracked or made due). Every scheduler process runs its own loop; a second
 * one costs a second sweep, never a second poll, since the poll jobs' ids are the same.
 */
export function startSweepLoop(deps: SweepLoopDeps): WakeableLoop {
  const tick = async () => {
    const result = await deps.sweepOnce();
    if (result.queued > 0) deps.logger.debug({ queued: result.queued }, "sweep queued due invites");
    if ((await deps.redis.set(`${deps.prefix}:prune-lease`, "1", "PX", PRUNE_EVERY_MS, "NX")) === "OK") {
      const pruned = await deps.pruneOnce();
      if (pruned > 0) deps.logger.info({ pruned }, "pruned delivered and failed alerts past ALERT_RETENTION");
    }
    const busy = result.queued > 0 || result.skipped === true;
    const due = busy ? null : await nextInviteDue(deps.sql);
    return nextSweepWait({
      result,
      nextDueInMs: due ? due.getTime() - deps.clock().getTime() : null,
      sweepIntervalMs: deps.sweepIntervalMs,
      idleCheckMs: SWEEP_IDLE_CHECK_MS,
    });
  };
  return startWakeableLoop({ name: "sweep", tick, logger: deps.logger, errorWaitMs: deps.sweepIntervalMs });
}
