import { RateLimitError } from "bullmq";
import type { Redis } from "ioredis";
import { credentialsAlert } from "../alerts/decideAlerts.js";
import type { CloudflareClient, ListOutcome, ProbeOutcome } from "../cloudflare/cloudflareClient.js";
import { probeVerdict, type ProbeResult } from "../cloudflare/probeVerdict.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../metrics/createMetrics.js";
import { insertAlerts } from "../storage/alertRows.js";
import type { Sql } from "../storage/sqlPool.js";

/** Something wrong for every request, not for one invite: polling pauses until a probe passes again. */
export interface Incident {
  kind: "credentials" | "route";
  /** When the probe that opened it answered (ISO); the incident's identity in its alerts' dedup keys. */
  since: string;
  message: string;
}

export interface GuardDeps {
  redis: Redis;
  prefix: string;
  cloudflare: CloudflareClient;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  /** How long polling pauses per failed probe, and how long a probe's verdict is trusted. */
  authRetryMs: number;
  /** A 404 needs a normal answer no older than this to be believed about the invite alone. */
  failureBackoffMs: number;
  /** Holds every worker of every process off for this long; also how a probe pays for its request. */
  pauseAll(ms: number): Promise<void>;
  /** Our own gap between requests: the price of one probe. */
  spacingMs: number;
  /** Reads the quota headers of an answer; throws RateLimitError (after pausing) on a 429. */
  throttle(outcome: ProbeOutcome | ListOutcome): Promise<void>;
  metrics: Pick<Metrics, "rateLimitPause">;
}

export interface CloudflareGuard {
  /** Before a request: while an incident is open its probe runs again (once per authRetryMs); throws RateLimitError while it fails. */
  beforeRequest(): Promise<void>;
  /** A normal answer came back: the credentials and the URL work. */
  noteHealthy(now: Date): Promise<void>;
  /**
   * One invite answered 401/403. Resolves with the probe's result when the fault is the invite's alone ("ok") or
   * cannot be judged ("inconclusive"); throws RateLimitError, after opening the incident and pausing everyone, when
   * the credentials or the URL are at fault.
   */
  judgeRejection(): Promise<"ok" | "inconclusive">;
  /** One invite answered 404: the latest normal answer, as evidence; throws RateLimitError when every request 404s. */
  judgeNotFound(now: Date): Promise<Date | null>;
  /** The open incident, for /readyz (read at most once a second). */
  incident(): Promise<Incident | null>;
  /**
   * At a worker's start: probes an open incident again at once, with this process's settings (they may be the fix:
   * a corrected CLOUDFLARE_BASE_URL or token). True when that closed it, so its pause can be lifted.
   */
  recheck(): Promise<boolean>;
}

/** An open incident is re-read from Redis at most this often: not a round trip on every poll. */
const INCIDENT_CACHE_MS = 1_000;

/**
 * Judges the credentials and the base URL with probes, so one odd invite never stops the others: only a failed
 * probe pauses everyone. Verdicts, incidents and the last healthy answer live in Redis, shared by every process;
 * one probe runs at a time and each probe pays for its request by holding the queue off for one request's gap.
 */
export function makeCloudflareGuard(deps: GuardDeps): CloudflareGuard {
  const { redis, prefix, logger } = deps;
  const keys = {
    incident: incidentKey(prefix),
    healthy: `${prefix}:cf-healthy-at`,
    verdict: (kind: ProbeKind) => `${prefix}:cf-verdict:${kind}`,
    lock: (kind: ProbeKind) => `${prefix}:cf-probe-lock:${kind}`,
  };
  let cached: { at: number; incident: Incident | null } = { at: -Infinity, incident: null };
  let healthyWritten = -Infinity;
  let healthyHere: number | null = null;

  async function incident(): Promise<Incident | null> {
    if (performance.now() - cached.at < INCIDENT_CACHE_MS) return cached.incident;
    cached = { at: performance.now(), incident: await readIncident(redis, prefix) };
    return cached.incident;
  }

  async function lastHealthyAt(): Promise<Date | null> {
    const shared = Number((await redis.get(keys.healthy)) ?? NaN);
    const latest = Math.max(Number.isFinite(shared) ? shared : -Infinity, healthyHere ?? -Infinity);
    return Number.isFinite(latest) ? new Date(latest) : null;
  }

  /** Runs the probe, or waits for the one another process is running; a verdict is reused for its lifetime. */
  async function probe(kind: ProbeKind): Promise<Verdict> {
    const known = await readVerdict(kind);
    if (known) return known;
    const token = `${process.pid}-${Math.random()}`;
    const lockMs = deps.authRetryMs + 30_000;
    if ((await redis.set(keys.lock(kind), token, "PX", lockMs, "NX")) !== "OK") return waitForVerdict(kind, lockMs);
    try {
      const outcome = kind === "credentials" ? await deps.cloudflare.verifyCredentials() : await deps.cloudflare.listInvites();
      await deps.pauseAll(deps.spacingMs);
      await deps.throttle(outcome);
      const verdict: Verdict = { ...probeVerdict(outcome), at: deps.clock().toISOString() };
      if (verdict.result === "ok" && kind === "route") await noteHealthy(deps.clock());
      if (verdict.result !== "inconclusive") await redis.set(keys.verdict(kind), JSON.stringify(verdict), "PX", verdictTtl(kind));
      return verdict;
    } finally {
      await redis.eval(RELEASE, 1, keys.lock(kind), token).catch(() => {});
    }
  }

  function verdictTtl(kind: ProbeKind): number {
    // A route probe's "ok" is also the healthy mark a 404 is judged by: trust it no longer than a 404 may wait.
    return kind === "route" ? Math.min(deps.authRetryMs, deps.failureBackoffMs) : deps.authRetryMs;
  }

  async function readVerdict(kind: ProbeKind): Promise<Verdict | null> {
    const value = await redis.get(keys.verdict(kind));
    return value ? (JSON.parse(value) as Verdict) : null;
  }

  async function waitForVerdict(kind: ProbeKind, timeoutMs: number): Promise<Verdict> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const verdict = await readVerdict(kind);
      if (verdict) return verdict;
      if ((await redis.exists(keys.lock(kind))) === 0) break;
    }
    return (await readVerdict(kind)) ?? { result: "inconclusive", message: "another process's probe gave no verdict", at: deps.clock().toISOString() };
  }

  /** The alert goes in first: if it fails, no marker is set, and the next probe tries again. Its key makes that idempotent. */
  async function openIncident(kind: Incident["kind"], verdict: Verdict): Promise<void> {
    const message =
      kind === "route"
        ? `Cloudflare answers 404 even to GET /user/invites: check CLOUDFLARE_BASE_URL (${deps.baseUrl}). Polling is paused and retried every ${Math.round(deps.authRetryMs / 1000)}s. ${verdict.message}`
        : `Cloudflare rejected the credentials; polling is paused and retried every ${Math.round(deps.authRetryMs / 1000)}s. ${verdict.message}`;
    // Read fresh, not from the cache: a second alert for an incident already open would be a false one.
    if ((await redis.exists(keys.incident)) === 1) return;
    if (kind === "credentials") {
      await insertAlerts(deps.sql, [credentialsAlert("credentials_rejected", verdict.at, message, deps.clock())], deps.clock());
    }
    const opened: Incident = { kind, since: verdict.at, message };
    if ((await redis.set(keys.incident, JSON.stringify(opened), "NX")) === "OK") logger.error({ incident: kind, since: verdict.at }, message);
    cached = { at: -Infinity, incident: null };
  }

  /** The restored alert goes in before the marker is cleared, so a failed insert leaves the incident to close again. */
  async function closeIncident(open: Incident): Promise<void> {
    const now = deps.clock();
    if (open.kind === "credentials") {
      await insertAlerts(deps.sql, [credentialsAlert("credentials_restored", open.since, `Polling resumed; credentials were rejected since ${open.since}.`, now)], now);
    }
    if ((await redis.eval(RELEASE, 1, keys.incident, JSON.stringify(open))) === 1) {
      logger.info({ incident: open.kind, since: open.since }, open.kind === "credentials" ? "Cloudflare accepts the credentials again; polling resumed" : "Cloudflare routes our requests again; polling resumed");
    }
    cached = { at: performance.now(), incident: null };
  }

  /** Opens the incident a failed verdict calls for, pauses everyone, and puts this job back untouched. */
  async function halt(verdict: Verdict): Promise<never> {
    const kind = verdict.result === "route" ? "route" : "credentials";
    await openIncident(kind, verdict);
    await deps.pauseAll(deps.authRetryMs);
    deps.metrics.rateLimitPause(kind);
    throw new RateLimitError();
  }

  async function noteHealthy(now: Date): Promise<void> {
    healthyHere = Math.max(healthyHere ?? -Infinity, now.getTime());
    // Shared at most once a second: every successful poll passes here.
    if (performance.now() - healthyWritten < 1_000) return;
    healthyWritten = performance.now();
    await redis.eval(SET_MAX, 1, keys.healthy, String(now.getTime()));
  }

  return {
    incident,
    noteHealthy,
    async recheck() {
      const open = await readIncident(redis, prefix);
      if (!open) return false;
      const kind: ProbeKind = open.kind === "credentials" ? "credentials" : "route";
      // The verdict another process reached with its own settings says nothing about ours.
      await redis.del(keys.verdict(kind));
      if ((await probe(kind)).result !== "ok") return false;
      await closeIncident(open);
      return true;
    },
    async beforeRequest() {
      const open = await incident();
      if (!open) return;
      const verdict = await probe(open.kind === "credentials" ? "credentials" : "route");
      if (verdict.result === "ok") return closeIncident(open);
      // Still failing, or the probe could not tell: stay paused rather than spend the budget on doubtful answers.
      await deps.pauseAll(deps.authRetryMs);
      deps.metrics.rateLimitPause(open.kind);
      throw new RateLimitError();
    },
    async judgeRejection() {
      const verdict = await probe("credentials");
      if (verdict.result === "ok" || verdict.result === "inconclusive") return verdict.result;
      return halt(verdict);
    },
    async judgeNotFound(now) {
      const healthy = await lastHealthyAt();
      if (healthy !== null && healthy.getTime() >= now.getTime() - deps.failureBackoffMs) return healthy;
      const verdict = await probe("route");
      if (verdict.result === "route" || verdict.result === "credentials") return halt(verdict);
      return lastHealthyAt();
    },
  };
}

/** The open incident, read by any process (the HTTP server's /readyz runs in every role). */
export async function readIncident(redis: Redis, prefix: string): Promise<Incident | null> {
  const value = await redis.get(incidentKey(prefix));
  return value ? (JSON.parse(value) as Incident) : null;
}

const incidentKey = (prefix: string) => `${prefix}:cf-incident`;

type ProbeKind = "credentials" | "route";
type Verdict = { result: ProbeResult; message: string; at: string };

// Deletes the key only if it still holds what we set (a lock we own, an incident nobody replaced).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// Keeps the latest of several processes' clocks: a slow writer must not move the healthy mark back.
const SET_MAX = `local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 1`;
