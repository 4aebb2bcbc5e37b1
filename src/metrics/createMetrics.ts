import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Clock } from "../lib/clock.js";
import type { Queues } from "../scheduling/queues.js";
import type { Db } from "../storage/db.js";

/** What the running parts report as they work; the gauges read Postgres and Redis when scraped. */
export interface Metrics {
  readonly registry: Registry;
  pollFinished(outcome: string, seconds: number): void;
  alertsSettled(kinds: readonly string[], outcome: string): void;
  /** A Slack send that reached Slack but got no answer (timeout, reset): it is sent again and may show twice. */
  alertsAmbiguous(): void;
  rateLimitPause(reason: "429" | "ratelimit_header" | "credentials"): void;
  cloudflareRemaining(remaining: number): void;
  /** A job failed on our own side (Postgres or Redis unreachable): its work is retried or queued again. */
  jobFailed(queue: string): void;
}

/** One registry per monitor (not prom-client's global one), so several monitors in one process never collide. */
export function createMetrics(deps: { db: Db; queues: Queues; clock: Clock }): Metrics {
  const registry = new Registry();
  const polls = new Counter({ name: "invite_monitor_polls_total", help: "Polls of Cloudflare by outcome", labelNames: ["outcome"], registers: [registry] });
  const pollSeconds = new Histogram({
    name: "invite_monitor_poll_duration_seconds",
    help: "Time from asking Cloudflare to having recorded the answer",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const alerts = new Counter({ name: "invite_monitor_alerts_total", help: "Alerts by kind and delivery outcome", labelNames: ["kind", "outcome"], registers: [registry] });
  const ambiguous = new Counter({
    name: "invite_monitor_alerts_ambiguous_total",
    help: "Slack sends that got no answer after the request was written (timeout, reset): sent again, so possibly shown twice",
    registers: [registry],
  });
  const pauses = new Counter({ name: "invite_monitor_rate_limit_pauses_total", help: "Times every poll worker was paused, by reason", labelNames: ["reason"], registers: [registry] });
  const jobFailures = new Counter({
    name: "invite_monitor_job_failures_total",
    help: "Jobs that failed on our own infrastructure (Postgres or Redis unreachable), by queue; the work is retried",
    labelNames: ["queue"],
    registers: [registry],
  });
  const remaining = new Gauge({ name: "invite_monitor_cloudflare_remaining_requests", help: "The remaining quota in Cloudflare's last Ratelimit header", registers: [registry] });

  new Gauge({
    name: "invite_monitor_invites",
    help: "Tracked invites by effective status (unchecked: not observed yet)",
    labelNames: ["effective_status"],
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await deps.db.trackedInvite.groupBy({ by: ["effectiveStatus"], _count: { _all: true } });
      for (const group of groups) this.set({ effective_status: group.effectiveStatus ?? "unchecked" }, group._count._all);
    },
  });
  new Gauge({
    name: "invite_monitor_queue_jobs",
    help: "Jobs in each queue by state",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of [deps.queues.poll, deps.queues.sweep, deps.queues.notify]) {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
        for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
      }
    },
  });
  new Gauge({
    name: "invite_monitor_oldest_overdue_seconds",
    help: "How long the most overdue active invite has waited past its check time (0 when none is overdue)",
    registers: [registry],
    async collect() {
      const now = deps.clock();
      const oldest = await deps.db.trackedInvite.findFirst({
        where: { active: true, nextCheckAt: { lte: now } },
        orderBy: { nextCheckAt: "asc" },
        select: { nextCheckAt: true },
      });
      this.set(oldest ? (now.getTime() - oldest.nextCheckAt.getTime()) / 1000 : 0);
    },
  });
  new Gauge({
    name: "invite_monitor_alerts_pending",
    help: "Alerts in the outbox by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await deps.db.alert.groupBy({ by: ["status"], _count: { _all: true } });
      for (const group of groups) this.set({ status: group.status }, group._count._all);
    },
  });

  return {
    registry,
    pollFinished(outcome, seconds) {
      polls.inc({ outcome });
      pollSeconds.observe(seconds);
    },
    alertsSettled(kinds, outcome) {
      for (const kind of kinds) alerts.inc({ kind, outcome });
    },
    alertsAmbiguous() {
      ambiguous.inc();
    },
    rateLimitPause(reason) {
      pauses.inc({ reason });
    },
    cloudflareRemaining(value) {
      remaining.set(value);
    },
    jobFailed(queue) {
      jobFailures.inc({ queue });
    },
  };
}
