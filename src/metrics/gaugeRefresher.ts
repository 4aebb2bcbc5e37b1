import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Queues } from "../scheduling/queues.js";
import { scheduleIsBehind } from "../scheduling/scheduleIsBehind.js";
import type { Sql } from "../storage/sqlPool.js";
import { readMonitorCounts } from "../storage/monitorCounts.js";
import type { Metrics, QueueCounts } from "./createMetrics.js";

export interface GaugeRefresherDeps {
  metrics: Metrics;
  sql: Sql;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  pollIntervalMs: number;
  sweepIntervalMs: number;
}

/** The schedule as last read: how late the most overdue invite is, and whether that means polling has stalled. */
export interface ScheduleReading {
  oldestOverdueMs: number;
  behind: boolean;
  at: Date;
}

export interface GaugeRefresher {
  /** Reads Postgres and the queues once, now; a source that is down keeps its last reading. */
  refreshOnce(): Promise<void>;
  /** Refreshes every `intervalMs` until stop(), starting now. */
  start(intervalMs: number): void;
  stop(): void;
  /** The latest reading of the schedule; null before the first. */
  schedule(): ScheduleReading | null;
}

/**
 * Reads what the gauges show in the background, so a scrape costs nothing and never waits on Postgres. It also
 * watches the schedule: when the most overdue invite falls too far behind it logs one warning (and one line when
 * it has caught up), and /readyz reports it.
 */
export function makeGaugeRefresher(deps: GaugeRefresherDeps): GaugeRefresher {
  let latest: ScheduleReading | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  async function readPostgres(): Promise<void> {
    const at = deps.clock();
    const counts = await readMonitorCounts(deps.sql, at);
    deps.metrics.postgresRead(counts, at);
    const behind = scheduleIsBehind(counts.oldestOverdueMs, deps.pollIntervalMs, deps.sweepIntervalMs);
    if (behind && !latest?.behind) {
      deps.logger.warn({ oldestOverdueSeconds: Math.round(counts.oldestOverdueMs / 1000) }, "polling is behind: the most overdue invite waits longer than 2 × POLL_INTERVAL + SWEEP_INTERVAL");
    } else if (!behind && latest?.behind) {
      deps.logger.info("polling has caught up with the schedule");
    }
    latest = { oldestOverdueMs: counts.oldestOverdueMs, behind, at };
  }

  async function readQueues(): Promise<void> {
    const counts: QueueCounts = {};
    // The sweep and the notifier run as loops, not jobs: the poll queue is the only one with work in it.
    for (const queue of [deps.queues.poll]) {
      counts[queue.name] = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
    }
    deps.metrics.queuesRead(counts);
  }

  async function refreshOnce(): Promise<void> {
    // A source that is down keeps its last reading; its timestamp gauge shows how old that is.
    await Promise.all([readPostgres().catch(() => {}), readQueues().catch(() => {})]);
  }

  return {
    refreshOnce,
    start(intervalMs) {
      const tick = () => {
        running ??= refreshOnce().finally(() => (running = null));
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    schedule: () => latest,
  };
}
