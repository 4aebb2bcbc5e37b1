import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { credentialsAlert } from "../alerts/decideAlerts.js";
import type { CloudflareAuth } from "../cloudflare/cloudflareAuth.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { insertAlerts } from "../storage/alertRows.js";
import type { Sql } from "../storage/sqlPool.js";

/** Something wrong for every request, not for one invite: polling pauses until a probe passes again. */
export interface Incident {
  kind: "credentials" | "route";
  /** When the probe that opened it answered (ISO); the incident's identity in its alerts' dedup keys. */
  since: string;
  message: string;
}

/**
 * What the guard shares through Redis is about one way of reaching Cloudflare: this base URL with these
 * credentials. A replica with a mistyped URL must not take another replica's 200s as proof that its own 404s are
 * about the invites, nor open or close that replica's incidents. So every key carries this fingerprint (a hash:
 * it reveals nothing of the token).
 */
export function cloudflareIdentity(baseUrl: string, auth: CloudflareAuth): string {
  const credential = auth.kind === "token" ? `token:${auth.token}` : `key:${auth.email}:${auth.key}`;
  return createHash("sha256").update(`${baseUrl}\0${credential}`).digest("hex").slice(0, 16);
}

export const incidentKey = (prefix: string, identity: string) => `${prefix}:cf-incident:${identity}`;

/** The open incident of this identity, read by any process (the HTTP server's /readyz runs in every role). */
export async function readIncident(redis: Redis, prefix: string, identity: string): Promise<Incident | null> {
  const value = await redis.get(incidentKey(prefix, identity));
  return value ? (JSON.parse(value) as Incident) : null;
}

export interface IncidentDeps {
  redis: Redis;
  prefix: string;
  identity: string;
  sql: Sql;
  clock: Clock;
  logger: Logger;
}

/**
 * Opens an incident, or turns a routing incident into a credentials one (once the URL answers, a rejection is the
 * next thing wrong). The 🔑 alert goes in first: if that fails no marker is set, and the next probe tries again;
 * its dedup key (the probe's time, shared by every process that read that verdict) makes the retry harmless. A
 * credentials incident is never turned into a routing one: its 🔓 would then never come.
 */
export async function openIncident(deps: IncidentDeps, opened: Incident): Promise<void> {
  const key = incidentKey(deps.prefix, deps.identity);
  const existing = await readIncident(deps.redis, deps.prefix, deps.identity);
  if (existing && (existing.kind === opened.kind || existing.kind === "credentials")) return;
  if (opened.kind === "credentials") {
    await insertAlerts(deps.sql, [credentialsAlert("credentials_rejected", opened.since, opened.message, deps.clock())], deps.clock());
  }
  // SET ... GET: of several processes opening the same incident, only the one that changed the marker logs it.
  const previous = await deps.redis.set(key, JSON.stringify(opened), "GET");
  if ((previous ? (JSON.parse(previous) as Incident).kind : null) !== opened.kind) {
    deps.logger.error({ incident: opened.kind, since: opened.since }, opened.message);
  }
}

/** Closes an incident. The 🔓 alert goes in before the marker is cleared, so a failed insert leaves it to close again. */
export async function closeIncident(deps: IncidentDeps, open: Incident): Promise<void> {
  const now = deps.clock();
  if (open.kind === "credentials") {
    await insertAlerts(deps.sql, [credentialsAlert("credentials_restored", open.since, `Polling resumed; credentials were rejected since ${open.since}.`, now)], now);
  }
  if ((await deps.redis.eval(COMPARE_AND_DELETE, 1, incidentKey(deps.prefix, deps.identity), JSON.stringify(open))) === 1) {
    deps.logger.info({ incident: open.kind, since: open.since }, open.kind === "credentials" ? "Cloudflare accepts the credentials again; polling resumed" : "Cloudflare routes our requests again; polling resumed");
  }
}

/**
 * Versions before incidents were keyed by identity kept one marker per prefix; an incident open across the upgrade
 * is carried over (as a credentials incident of this identity), so it still gets its 🔓 when the probe passes.
 */
export async function adoptLegacyIncident(deps: IncidentDeps): Promise<void> {
  const legacy = await deps.redis.getdel(`${deps.prefix}:auth-rejected`);
  if (!legacy) return;
  const { since, message } = JSON.parse(legacy) as { since: string; message: string };
  await deps.redis.set(incidentKey(deps.prefix, deps.identity), JSON.stringify({ kind: "credentials", since, message } satisfies Incident), "NX");
}

/** Deletes the key only if it still holds what we read (a lock we own, an incident nobody replaced). */
export const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
