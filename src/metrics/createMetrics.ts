import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RateLimitState } from "../cloudflare/rateLimitHeaders.js";
import type { MonitorCounts } from "../storage/monitorCounts.js";

/** Queue name → job state → count. */
export type QueueCounts = Record<string, Record<string, number>>;

/** What the running parts report as they work, and the background readings the gauges show. */
export interface Metrics {
  readonly registry: Registry;
  pollFinished(outcome: string, seconds: number): void;
  alertsSettled(kinds: readonly string[], outcome: string): void;
  /** A Slack send that reached Slack but got no answer (timeout, reset): it is sent again and may show twice. */
  alertsAmbiguous(): void;
  rateLimitPause(reason: "429" | "ratelimit_header" | "credentials" | "route"): void;
  /** The quota of every readable item of Cloudflare's latest Ratelimit header. */
  cloudflareRemaining(state: RateLimitState): void;
  /** A job failed on our own side (Postgres or Redis unreachable): its work is retried or queued again. */
  jobFailed(queue: string): void;
  /** One list cycle ended: "listed", or "failed" (the invites are then polled one by one). */
  listFinished(outcome: "listed" | "failed"): void;
  /** Invites observed (a 200 for them), and through which endpoint. */
  observed(via: "list" | "get", count: number): void;
  /** How invites are observed: "list" with the list call working, "fallback" while it fails, "off" when disabled. */
  listMode(mode: "list" | "fallback" | "off"): void;
  /** A background reading of Postgres (see gaugeRefresher.ts), at `at`. */
  postgresRead(counts: MonitorCounts, at: Date): void;
  /** A background reading of the queues. */
  queuesRead(counts: QueueCounts): void;
}

/** Item names come from Cloudflare; a few are kept, the rest reported together, so a server cannot grow our series. */
const MAX_QUOTA_NAMES = 8;

/**
 * One registry per monitor (not prom-client's global one), so several monitors in one process never collide. A scrape
 * reads only memory: the gauges hold the last background reading, so /metrics answers (stale, with its timestamp)
 * while Postgres or Redis is down, and a gauge that has no reading yet has no sample rather than a misleading 0.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const polls = counter("invite_monitor_polls_total", "Polls of Cloudflare by outcome", ["outcome"]);
  const pollSeconds = new Histogram({
    name: "invite_monitor_poll_duration_seconds",
    help: "Time from asking Cloudflare to having recorded the answer",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const alerts = counter("invite_monitor_alerts_total", "Alerts by kind and delivery outcome", ["kind", "outcome"]);
  const ambiguous = counter("invite_monitor_alerts_ambiguous_total", "Slack sends that got no answer after the request was written (timeout, reset): sent again, so possibly shown twice");
  const pauses = counter("invite_monitor_rate_limit_pauses_total", "Times every poll worker was paused, by reason", ["reason"]);
  const listCalls = counter("invite_monitor_list_calls_total", "List cycles (GET /user/invites, every page) by outcome", ["outcome"]);
  const observations = counter("invite_monitor_observations_total", "Invites observed from a 200, by the endpoint that answered: list or get", ["via"]);
  const jobFailures = counter("invite_monitor_job_failures_total", "Jobs that failed on our own infrastructure (Postgres or Redis unreachable), by queue; the work is retried", ["queue"]);

  // Registered at their first reading: until then they are absent, not zero.
  const lazy = (name: string, help: string, labelNames: string[] = []) => {
    const gauge = new Gauge({ name, help, labelNames, registers: [] });
    let registered = false;
    return () => {
      if (!registered) registry.registerMetric(gauge);
      registered = true;
      return gauge;
    };
  };
  const remaining = lazy("invite_monitor_cloudflare_remaining_requests", "The remaining quota of each item of Cloudflare's last Ratelimit header", ["quota"]);
  const invites = lazy("invite_monitor_invites", "Tracked invites by effective status (unchecked: not observed yet)", ["effective_status"]);
  const outbox = lazy("invite_monitor_alerts_pending", "Alerts in the outbox by status", ["status"]);
  const overdue = lazy("invite_monitor_oldest_overdue_seconds", "How long the most overdue active invite has waited past its check time (0 when none is overdue)");
  const readAt = lazy("invite_monitor_postgres_read_timestamp_seconds", "When the invite and alert gauges were last read from Postgres (they go stale while it is down)");
  const queueJobs = lazy("invite_monitor_queue_jobs", "Jobs in each queue by state", ["queue", "state"]);
  const mode = lazy("invite_monitor_list_mode", "1 for how invites are observed now: list, fallback (the list fails: one GET per invite) or off", ["mode"]);
  const quotaNames = new Set<string>();

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
    cloudflareRemaining(state) {
      for (const item of state.items) {
        if (quotaNames.size < MAX_QUOTA_NAMES) quotaNames.add(item.name);
        remaining().set({ quota: quotaNames.has(item.name) ? item.name : "other" }, item.remaining);
      }
    },
    jobFailed(queue) {
      jobFailures.inc({ queue });
    },
    listFinished(outcome) {
      listCalls.inc({ outcome });
      const gauge = mode();
      for (const m of ["list", "fallback", "off"]) gauge.set({ mode: m }, (outcome === "listed" ? "list" : "fallback") === m ? 1 : 0);
    },
    observed(via, count) {
      if (count > 0) observations.inc({ via }, count);
    },
    listMode(value) {
      const gauge = mode();
      for (const m of ["list", "fallback", "off"]) gauge.set({ mode: m }, m === value ? 1 : 0);
    },
    postgresRead(counts, at) {
      const byStatus = invites();
      byStatus.reset();
      for (const [status, n] of Object.entries(counts.invites)) byStatus.set({ effective_status: status }, n);
      const byAlert = outbox();
      byAlert.reset();
      for (const [status, n] of Object.entries(counts.alerts)) byAlert.set({ status }, n);
      overdue().set(counts.oldestOverdueMs / 1000);
      readAt().set(at.getTime() / 1000);
    },
    queuesRead(counts) {
      const gauge = queueJobs();
      gauge.reset();
      for (const [queue, states] of Object.entries(counts)) for (const [state, n] of Object.entries(states)) gauge.set({ queue, state }, n);
    },
  };
}
