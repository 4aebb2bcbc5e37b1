import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type pg from "pg";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../src/config/loadConfig.js";
import { createMonitor, type Monitor } from "../../src/daemon/createMonitor.js";
import { makeManualClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator, type CloudflareSimulator, type SimulatorOptions } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator, type SlackSimulator, type SlackSimulatorOptions } from "../../src/simulator/slackSimulator.js";
import { startSlackApiSimulator, type SlackApiSimulator, type SlackApiSimulatorOptions } from "../../src/simulator/slackApiSimulator.js";
import type { Db } from "../../src/storage/db.js";
import type { InviteFields } from "../../src/invites/inviteState.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { captureLogs, type CapturedLogs } from "./logCapture.js";
import { createTestDatabase, type TestDatabase } from "./testDatabase.js";

export const TOKEN = "test-token-7b2f1c9e0a4d4e5f8a1b2c3d4e5f6a7b";

export interface Harness {
  sim: CloudflareSimulator;
  /** Present when the harness was asked for Slack; alerts go to the log otherwise. */
  slack: SlackSimulator | null;
  /** Present when the harness was asked for the Slack app mode (`slackApp`). */
  slackApi: SlackApiSimulator | null;
  database: TestDatabase;
  db: Db;
  /** Plain pg on the same database, as the poll's hot path uses it (recordObservations). */
  sql: pg.Pool;
  redis: Redis;
  config: Config;
  logs: CapturedLogs;
  clock: ReturnType<typeof makeManualClock>;
  /** Registers invites as the CLI would, at the injected clock's time. */
  track(ids: readonly string[]): Promise<void>;
  /** Creates a monitor on the shared database and Redis: call it twice for two "processes". */
  monitor(overrides?: { random?: () => number }): Monitor;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Starts a Slack webhook simulator and points SLACK_WEBHOOK_URL at it. */
  slack?: SlackSimulatorOptions | true;
  /** Starts a Slack Web API simulator and selects the app mode: SLACK_BOT_TOKEN, SLACK_CHANNEL, SLACK_API_URL. */
  slackApp?: SlackApiSimulatorOptions | true;
  /** Where the injected clock starts. */
  now?: string;
}

/**
 * Everything a loop test needs, all real: a migrated Postgres database of its own, Redis under a queue prefix of
 * its own, and the Cloudflare simulator on 127.0.0.1 port 0. Only the clock is injected.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startCloudflareSimulator({ auth: { token: TOKEN }, ...options.simulator });
  const slack = options.slack ? await startSlackSimulator(options.slack === true ? {} : options.slack) : null;
  const slackApi = options.slackApp ? await startSlackApiSimulator(options.slackApp === true ? {} : options.slackApp) : null;
  const database = await createTestDatabase();
  const prefix = `imtest-${randomBytes(5).toString("hex")}`;
  const redisUrl = inject("redisUrl");
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    CLOUDFLARE_TIMEOUT: "2s",
    // Fast by default so tests never wait on the budget unless they mean to.
    CLOUDFLARE_RATE_LIMIT: "100000",
    CLOUDFLARE_RATE_WINDOW: "10s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    POLL_JITTER: "0",
    ...(slack ? { SLACK_WEBHOOK_URL: slack.webhookUrl } : {}),
    ...(slackApi ? { SLACK_BOT_TOKEN: slackApi.token, SLACK_CHANNEL: slackApi.channel, SLACK_API_URL: slackApi.apiUrl } : {}),
    ...options.env,
  });
  const logs = captureLogs([config.cloudflare.auth?.kind === "token" ? config.cloudflare.auth.token : undefined, options.env?.CLOUDFLARE_API_KEY, slack?.webhookUrl]);
  const clock = makeManualClock(options.now ?? "2026-11-28T12:00:00.000Z");
  const monitors: Monitor[] = [];
  const sql = database.sql;

  return {
    sim,
    slack,
    slackApi,
    database,
    db: database.db,
    sql,
    redis,
    config,
    logs,
    clock,
    async track(ids) {
      await trackInvites(database.db, ids.map((id) => ({ id, label: null, source: "test" })), clock());
    },
    monitor(overrides = {}) {
      const monitor = createMonitor({ config, db: database.db, sql, redis, logger: logs.logger, clock, random: overrides.random ?? (() => 0) });
      monitors.push(monitor);
      return monitor;
    },
    async close() {
      for (const monitor of monitors.reverse()) await monitor.stop();
      await sim.close();
      await slack?.close();
      await slackApi?.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await database.drop();
    },
  };
}

/** An Invite object as Cloudflare serves it. */
export function inviteFixture(id: string, fields: Record<string, unknown> = {}): { id: string } & Record<string, unknown> {
  return {
    id,
    invited_member_id: null,
    organization_id: "5a7805061c76ada191ed06f989cc3dac",
    organization_name: "Example Org",
    invited_by: "admin@example.com",
    invited_member_email: "new.member@example.com",
    invited_on: "2026-11-27T12:00:00Z",
    expires_on: "2026-12-04T12:00:00Z",
    organization_is_enforcing_twofactor: false,
    roles: ["Account Administrator"],
    status: "pending",
    ...fields,
  };
}

/**
 * inviteFixture for tests that run on the real clock (spawned daemons): invited a day ago, expiring in 30 days, so
 * no expiry mark is crossed and nothing expires whatever the date the suite runs on.
 */
export function liveInviteFixture(id: string, fields: Record<string, unknown> = {}): { id: string } & Record<string, unknown> {
  const now = Date.now();
  return inviteFixture(id, { invited_on: new Date(now - 86_400_000).toISOString(), expires_on: new Date(now + 30 * 86_400_000).toISOString(), ...fields });
}

/** The parsed fields of inviteFixture, as an observation carries them. */
export function inviteFields(status: string, fields: Partial<InviteFields> = {}): InviteFields {
  return {
    apiStatus: status,
    expiresOn: new Date("2026-12-04T12:00:00Z"),
    invitedMemberId: null,
    invitedMemberEmail: "new.member@example.com",
    organizationId: "5a7805061c76ada191ed06f989cc3dac",
    organizationName: "Example Org",
    invitedBy: "admin@example.com",
    invitedOn: new Date("2026-11-27T12:00:00Z"),
    roles: ["Account Administrator"],
    twoFactorEnforced: false,
    ...fields,
  };
}

/** A deterministic valid invite id: "00..0n" padded to 32 hex characters. */
export function inviteId(n: number): string {
  return n.toString(16).padStart(32, "0");
}
