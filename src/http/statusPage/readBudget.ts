import type { Redis } from "ioredis";
import type { Monitor } from "../../daemon/createMonitor.js";
import { formatDuration } from "../../lib/duration.js";

/** What the status page needs of the running monitor: its budget, pause, queue, gauges and incident. Read only. */
export type MonitorView = Pick<Monitor, "rate" | "pollPause" | "queues" | "metrics" | "cloudflareIncident" | "schedule">;

/** The budget as the page shows it. A part that could not be read (Redis down) is null, not a guess. */
export interface BudgetReading {
  /** The share of Cloudflare's limit this monitor may spend, in requests per minute, across all its processes. */
  sharePerMinute: number;
  /** "25% of 1200 requests per 5m". */
  shareText: string;
  /** Poll jobs that finished in the last minute, in every process (the poll queue's completed set). */
  spentLastMinute: number | null;
  /** This process's polls since it started, by outcome. */
  processPolls: Array<{ outcome: string; count: number }>;
  /** This process's reads of the invite list (CLOUDFLARE_LIST) since it started, by outcome: requests too. */
  processListCalls: Array<{ outcome: string; count: number }>;
  /** Each item of the last Ratelimit header this process read: its remaining quota. Empty before the first. */
  remaining: Array<{ quota: string; remaining: number }>;
  /** How long every poll worker is still paused (429, failed probe, low quota); 0 when none. */
  pausedMs: number | null;
  incident: { kind: string; since: string; message: string } | null;
  queue: Record<string, number> | null;
  schedule: { oldestOverdueMs: number; behind: boolean; at: Date } | null;
}

/** A reading that has not answered in this long is shown as unknown: a hung Redis must not hang the page. */
const READ_TIMEOUT_MS = 2_000;

export async function readBudget(
  monitor: MonitorView,
  redis: Redis,
  budget: { rateLimit: number; rateWindowMs: number; budgetShare: number },
  now: Date,
): Promise<BudgetReading> {
  const poll = monitor.queues.poll;
  const [spent, pausedMs, incident, queue, processPolls, remaining, listCalls] = await Promise.all([
    // BullMQ scores its completed set by each job's finishing time, in epoch ms.
    bounded(redis.zcount(poll.toKey("completed"), now.getTime() - 60_000, now.getTime())),
    bounded(monitor.pollPause.remainingMs()),
    bounded(monitor.cloudflareIncident()),
    bounded(poll.getJobCounts("waiting", "prioritized", "active", "delayed")),
    metricValues(monitor, "invite_monitor_polls_total", "outcome"),
    metricValues(monitor, "invite_monitor_cloudflare_remaining_requests", "quota"),
    metricValues(monitor, "invite_monitor_list_calls_total", "outcome"),
  ]);
  return {
    sharePerMinute: monitor.rate * 60,
    shareText: `${Math.round(budget.budgetShare * 1000) / 10}% of ${budget.rateLimit} requests per ${formatDuration(budget.rateWindowMs)}`,
    spentLastMinute: spent,
    processPolls: processPolls.map(({ label, value }) => ({ outcome: label, count: value })),
    processListCalls: listCalls.map(({ label, value }) => ({ outcome: label, count: value })),
    remaining: remaining.map(({ label, value }) => ({ quota: label, remaining: value })),
    pausedMs,
    incident: incident ?? null,
    queue,
    schedule: monitor.schedule(),
  };
}

async function bounded<T>(promise: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS)))]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** One metric's samples from this process's registry, by one label; none when it has no reading yet. */
async function metricValues(monitor: MonitorView, name: string, label: string): Promise<Array<{ label: string; value: number }>> {
  const metric = monitor.metrics.registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = await metric.get();
  return values.map((v) => ({ label: String(v.labels[label] ?? ""), value: v.value })).sort((a, b) => a.label.localeCompare(b.label));
}
