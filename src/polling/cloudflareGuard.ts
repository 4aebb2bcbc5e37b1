import { RateLimitError } from "bullmq";
import type { Redis } from "ioredis";
import type { CloudflareClient, ListOutcome, ProbeOutcome } from "../cloudflare/cloudflareClient.js";
import { probeVerdict, type ProbeResult } from "../cloudflare/probeVerdict.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { Sql } from "../storage/sqlPool.js";
import { adoptLegacyIncident, closeIncident, COMPARE_AND_DELETE, openIncident, readIncident, type Incident, type IncidentDeps } from "./incidents.js";

/** Why every worker is held off: an incident's pause, a probe paying for its request, or the budget (a 429, low quota). */
export type PauseReason = "incident" | "payment" | "budget";

export interface GuardDeps {
  redis: Redis;
  prefix: string;
  /** This process's way of reaching Cloudflare (base URL and credential): see cloudflareIdentity. */
  identity: string;
  cloudflare: CloudflareClient;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  /** How long polling pauses per failed probe, and how long a probe's verdict is trusted. */
  authRetryMs: number;
  /** A 404 needs a normal answer no older than this to be believed about the invite alone. */
  failureBackoffMs: number;
  /** CLOUDFLARE_TIMEOUT: the longest a probe can take, and so how long its lock is held. */
  timeoutMs: number;
  /** Holds every worker of every process off for this long; also how a probe pays for its request. */
  pauseAll(ms: number, reason: PauseReason): Promise<void>;
  /**
   * How long a budget pause (a 429, low quota) still lasts: no probe is sent during one. Not the whole pause: a
   * probe's own payment, or the incident it is judging, must not stop the probe that follows.
   */
  budgetPausedFor(): Promise<number>;
  /** Notes a probe in the spend ledger (spendLedger.ts): probes are not poll jobs, yet Cloudflare counts them. */
  noteSpent(requests: number): Promise<void>;
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
 * probe pauses everyone. Verdicts, incidents and the last healthy answer live in Redis, shared by every process with
 * the same identity; one probe runs at a time, none during a pause, and each pays for its request by holding the
 * queue off for one request's gap.
 */
export function makeCloudflareGuard(deps: GuardDeps): CloudflareGuard {
  const { redis, prefix, identity } = deps;
  const keys = {
    healthy: `${prefix}:cf-healthy-at:${identity}`,
    verdict: (kind: ProbeKind) => `${prefix}:cf-verdict:${identity}:${kind}`,
    lock: (kind: ProbeKind) => `${prefix}:cf-probe-lock:${identity}:${kind}`,
  };
  const incidents: IncidentDeps = { redis, prefix, identity, sql: deps.sql, clock: deps.clock, logger: deps.logger };
  // A probe is over within its request timeout; a lock left by a killed process must not hold the others longer.
  const lockMs = deps.timeoutMs + 5_000;
  let cached: { at: number; incident: Incident | null } = { at: -Infinity, incident: null };
  let healthyWritten = -Infinity;
  let healthyHere: number | null = null;

  async function incident(): Promise<Incident | null> {
    if (performance.now() - cached.at < INCIDENT_CACHE_MS) return cached.incident;
    cached = { at: performance.now(), incident: await readIncident(redis, prefix, identity) };
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
    // During a pause nothing reaches Cloudflare, a probe included: the job comes back when the pause is over.
    if ((await deps.budgetPausedFor()) > 0) throw new RateLimitError();
    const token = `${process.pid}-${Math.random()}`;
    if ((await redis.set(keys.lock(kind), token, "PX", lockMs, "NX")) !== "OK") return waitForVerdict(kind);
    try {
      const outcome = kind === "credentials" ? await deps.cloudflare.verifyCredentials() : await deps.cloudflare.listInvites();
      await deps.pauseAll(deps.spacingMs, "payment");
      await deps.noteSpent(1);
      await deps.throttle(outcome);
      const verdict: Verdict = { ...probeVerdict(outcome, kind), at: deps.clock().toISOString() };
      if (verdict.result === "ok" && kind === "route") await noteHealthy(deps.clock());
      if (verdict.result !== "inconclusive") await redis.set(keys.verdict(kind), JSON.stringify(verdict), "PX", verdictTtl(kind));
      return verdict;
    } finally {
      await redis.eval(COMPARE_AND_DELETE, 1, keys.lock(kind), token).catch(() => {});
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

  async function waitForVerdict(kind: ProbeKind): Promise<Verdict> {
    const deadline = performance.now() + lockMs;
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const verdict = await readVerdict(kind);
      if (verdict) return verdict;
      if ((await redis.exists(keys.lock(kind))) === 0) break;
    }
    return (await readVerdict(kind)) ?? { result: "inconclusive", message: "another process's probe gave no verdict", at: deps.clock().toISOString() };
  }

  /**
   * What a failed route probe means. A 401/403 from the list is not proof of bad credentials (a token may lack the
   * list's permission, or the answer be a blip): only the credentials probe decides that.
   */
  async function routeVerdict(): Promise<Verdict> {
    const verdict = await probe("route");
    if (verdict.result !== "credentials") return verdict;
    const credentials = await probe("credentials");
    return credentials.result === "credentials" ? credentials : { ...verdict, result: credentials.result === "ok" ? "ok" : "inconclusive" };
  }

  /** Opens the incident a failed verdict calls for, pauses everyone, and puts this job back untouched. */
  async function halt(verdict: Verdict): Promise<never> {
    const kind = verdict.result === "route" ? "route" : "credentials";
    const retry = `Polling is paused and retried every ${Math.round(deps.authRetryMs / 1000)}s.`;
    const message =
      kind === "route"
        ? `Cloudflare answers 404 even to GET /user/invites: check CLOUDFLARE_BASE_URL (${deps.baseUrl}). ${retry} ${verdict.message}`
        : `Cloudflare rejected the credentials. ${retry} ${verdict.message}`;
    await openIncident(incidents, { kind, since: verdict.at, message });
    cached = { at: -Infinity, incident: null };
    await deps.pauseAll(deps.authRetryMs, "incident");
    deps.metrics.rateLimitPause(kind);
    throw new RateLimitError();
  }

  /** The verdict of the probe that judges an open incident: `ok` closes it, a failure keeps (or changes) it. */
  async function judgeIncident(open: Incident): Promise<Verdict> {
    return open.kind === "credentials" ? probe("credentials") : routeVerdict();
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
      await adoptLegacyIncident(incidents);
      const open = await readIncident(redis, prefix, identity);
      if (!open) return false;
      // The verdict another process reached with its own settings says nothing about ours.
      await redis.del(keys.verdict("credentials"), keys.verdict("route"));
      if ((await judgeIncident(open)).result !== "ok") return false;
      await closeIncident(incidents, open);
      cached = { at: -Infinity, incident: null };
      return true;
    },
    async beforeRequest() {
      const open = await incident();
      if (!open) return;
      const verdict = await judgeIncident(open);
      if (verdict.result === "ok") {
        await closeIncident(incidents, open);
        cached = { at: performance.now(), incident: null };
        return;
      }
      if (verdict.result !== "inconclusive") return halt(verdict);
      // The probe could not tell: stay paused rather than spend the budget on doubtful answers.
      await deps.pauseAll(deps.authRetryMs, "incident");
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
      const verdict = await routeVerdict();
      if (verdict.result === "route" || verdict.result === "credentials") return halt(verdict);
      return lastHealthyAt();
    },
  };
}

type ProbeKind = "credentials" | "route";
type Verdict = { result: ProbeResult; message: string; at: string };

// Keeps the latest of several processes' clocks: a slow writer must not move the healthy mark back.
const SET_MAX = `local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 1`;
