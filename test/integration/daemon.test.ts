import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator, type SlackSimulator } from "../../src/simulator/slackSimulator.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { spawnDaemon, type DaemonProcess } from "../helpers/daemonProcess.js";
import { inviteId, liveInviteFixture, TOKEN } from "../helpers/harness.js";
import { createOwnRedis, type OwnRedis } from "../helpers/ownRedis.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheusText.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";
import { waitUntil } from "../helpers/waitUntil.js";

let database: TestDatabase | undefined;
let sim: CloudflareSimulator | undefined;
let slack: SlackSimulator | undefined;
let ownRedis: OwnRedis | undefined;
let daemons: DaemonProcess[] = [];
const prefix = `imtest-${randomBytes(5).toString("hex")}`;

afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
  daemons = [];
  await sim?.close();
  await slack?.close();
  await ownRedis?.stop();
  const redis = new Redis(inject("redisUrl"));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database?.drop();
  database = sim = slack = ownRedis = undefined;
});

async function setUp(count: number, latencyMs = 0) {
  database = await createTestDatabase();
  sim = await startCloudflareSimulator({ auth: { token: TOKEN }, latencyMs });
  const ids = Array.from({ length: count }, (_, i) => inviteId(i + 1));
  for (const id of ids) sim.setInvite(liveInviteFixture(id));
  await trackInvites(database.db, ids.map((id) => ({ id, label: null, source: "test" })), new Date());
  return ids;
}

function envFor(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database!.url,
    REDIS_URL: inject("redisUrl"),
    QUEUE_PREFIX: prefix,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: sim!.baseUrl,
    CLOUDFLARE_RATE_LIMIT: "1000",
    CLOUDFLARE_RATE_WINDOW: "1s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    SWEEP_INTERVAL: "200ms",
    SLACK_SEND_INTERVAL: "100ms",
    HTTP_PORT: "0",
    LOG_LEVEL: "info",
    ...overrides,
  };
}

async function started(env: Record<string, string>, args = ["start"]): Promise<{ daemon: DaemonProcess; url: string }> {
  const daemon = spawnDaemon(args, env);
  daemons.push(daemon);
  await daemon.waitForLog("invite-monitor started");
  const url = daemon.logs.find((l) => l.msg === "invite-monitor started")!.http as string;
  return { daemon, url };
}

describe("acceptance 2: graceful shutdown", () => {
  it("exits 0 on SIGTERM mid-poll, letting in-flight polls finish, and the rest run after a restart", async () => {
    const ids = await setUp(6, 1_500);
    // Per-invite polls, so that "in flight at the signal" means some invites and not the others.
    const env = envFor({ WORKER_CONCURRENCY: "2", CLOUDFLARE_LIST: "off" });
    const { daemon } = await started(env);
    await waitUntil(() => sim!.requests.length >= 1);

    const t0 = Date.now();
    expect(await daemon.stop("SIGTERM")).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    // The polls in flight at the signal finished and were recorded; nothing started after it.
    const inFlight = sim!.requests.length;
    expect(await database!.db.trackedInvite.count({ where: { lastCheckedAt: { not: null } } })).toBe(inFlight);
    expect(inFlight).toBeLessThan(ids.length);

    const restarted = await started(env);
    await waitUntil(async () => (await database!.db.trackedInvite.count({ where: { lastCheckedAt: null } })) === 0, 30_000);
    expect(await restarted.daemon.stop("SIGTERM")).toBe(0);
    expect(new Set(sim!.requests.map((r) => r.inviteId)).size).toBe(ids.length);
  });

  it("exits at once on a second signal", async () => {
    await setUp(2, 20_000);
    const { daemon } = await started(envFor({ WORKER_CONCURRENCY: "1" }));
    await waitUntil(() => sim!.requests.length >= 1);
    daemon.child.kill("SIGTERM");
    await daemon.waitForLog("stopping: no new jobs, finishing in-flight polls and sends");
    const t0 = Date.now();
    const code = await daemon.stop("SIGTERM");
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe("acceptance 3: metrics and readiness", () => {
  it("serves Prometheus text whose counters move as polls and alerts happen", async () => {
    const ids = await setUp(3);
    slack = await startSlackSimulator();
    const { daemon, url } = await started(envFor({ SLACK_WEBHOOK_URL: slack.webhookUrl, POLL_INTERVAL: "2s", POLL_JITTER: "0", METRICS_REFRESH: "1s", CLOUDFLARE_LIST: "off" }));
    // The startup line and /metrics both say how invites are observed.
    expect(String(daemon.logs.find((l) => l.msg === "invite-monitor started")!.observe)).toContain("CLOUDFLARE_LIST=off");
    expect(sampleValue(parsePrometheusText(await (await fetch(`${url}/metrics`)).text()), "invite_monitor_list_mode", { mode: "off" })).toBe(1);
    await waitUntil(async () => (await database!.db.trackedInvite.count({ where: { lastCheckedAt: null } })) === 0);
    // The gauges are read in the background (METRICS_REFRESH): wait for a reading that has seen the polls.
    const scrape = async () => parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    await waitUntil(async () => sampleValue(await scrape(), "invite_monitor_invites", { effective_status: "pending" }) === 3);
    const before = await scrape();
    expect(sampleValue(before, "invite_monitor_polls_total", { outcome: "invite" })).toBeGreaterThanOrEqual(3);
    expect(sampleValue(before, "invite_monitor_invites", { effective_status: "pending" })).toBe(3);
    expect(before.some((s) => s.name === "invite_monitor_poll_duration_seconds_bucket")).toBe(true);
    expect(before.some((s) => s.name === "invite_monitor_queue_jobs" && s.labels.queue === "poll")).toBe(true);
    expect(before.some((s) => s.name === "invite_monitor_oldest_overdue_seconds")).toBe(true);

    sim!.updateInvite(ids[0]!, { status: "accepted" });
    await waitUntil(() => slack!.delivered().length === 1);
    await waitUntil(async () => {
      const after = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
      return sampleValue(after, "invite_monitor_alerts_total", { kind: "accepted", outcome: "delivered" }) === 1 &&
        sampleValue(after, "invite_monitor_invites", { effective_status: "accepted" }) === 1 &&
        sampleValue(after, "invite_monitor_polls_total", { outcome: "invite" }) > sampleValue(before, "invite_monitor_polls_total", { outcome: "invite" });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("says 'degraded', shows the gauge and warns once when the most overdue invite falls behind the schedule", async () => {
    await setUp(2);
    // No worker runs, so nothing polls: the invites fall further behind at every reading.
    const { daemon, url } = await started(envFor({ POLL_INTERVAL: "1s", SWEEP_INTERVAL: "100ms", METRICS_REFRESH: "1s" }), ["start", "--role", "scheduler", "notifier"]);
    expect(String(daemon.logs.find((l) => l.msg === "invite-monitor started")!.observe)).toContain("GET /user/invites every 30s");
    const readyz = async () => {
      const response = await fetch(`${url}/readyz`);
      return { code: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
    };
    await waitUntil(async () => (await readyz()).code === 503);
    const { body } = await readyz();
    expect(body.status).toBe("degraded");
    expect(body.checks.schedule).toMatch(/^degraded: the most overdue invite is \d+s late/);
    expect(body.checks.postgres).toBe("ok");
    const metrics = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    expect(sampleValue(metrics, "invite_monitor_oldest_overdue_seconds")).toBeGreaterThan(2.1);
    // Several readings later, still one warning.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(daemon.logs.filter((l) => l.level === 40 && typeof l.oldestOverdueSeconds === "number")).toHaveLength(1);
  });

  it("turns unready when its Redis stops, and ready again when it is back, logging nothing outside its JSON log", async () => {
    await setUp(1);
    ownRedis = await createOwnRedis();
    await ownRedis.start();
    const { url, daemon } = await started(envFor({ REDIS_URL: ownRedis.url }));
    const ready = async () => (await fetch(`${url}/readyz`)).status;
    expect(await ready()).toBe(200);

    await ownRedis.stop();
    await waitUntil(async () => (await ready()) === 503);
    const body = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks.postgres).toBe("ok");
    expect(body.checks.redis).not.toBe("ok");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await ownRedis.start();
    await waitUntil(async () => (await ready()) === 200, 30_000);
    // A log shipper reads JSON lines; a raw error dump on stderr during the outage is noise it cannot parse.
    expect(daemon.stderr()).toBe("");
  });
});

describe("acceptance 5: misconfiguration", () => {
  it.each<{ name: string; env: Record<string, string>; variable: string }>([
    { name: "a missing token", env: { CLOUDFLARE_API_TOKEN: "" }, variable: "CLOUDFLARE_API_TOKEN" },
    { name: "a malformed URL", env: { CLOUDFLARE_BASE_URL: "api.cloudflare.com/client/v4" }, variable: "CLOUDFLARE_BASE_URL" },
    { name: "a non-numeric interval", env: { POLL_INTERVAL: "often" }, variable: "POLL_INTERVAL" },
  ])("$name exits non-zero with one readable line naming the variable", async ({ env, variable }) => {
    database = await createTestDatabase();
    sim = await startCloudflareSimulator();
    const daemon = spawnDaemon(["start"], envFor(env));
    daemons.push(daemon);
    const code = await new Promise<number | null>((resolve) => daemon.child.once("exit", resolve));
    expect(code).toBe(1);
    const lines = daemon.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^invite-monitor: Invalid configuration: ${variable}: `));
    expect(daemon.output()).not.toMatch(/\n\s+at /);
  });
});

describe("startup checks", () => {
  it("refuses a database without the migrations, saying how to apply them", async () => {
    database = await createTestDatabase({ migrated: false });
    sim = await startCloudflareSimulator();
    const daemon = spawnDaemon(["start"], envFor());
    daemons.push(daemon);
    const code = await new Promise<number | null>((resolve) => daemon.child.once("exit", resolve));
    expect(code).toBe(1);
    // Every migration the code ships with is named, oldest first.
    const committed = readdirSync("prisma/migrations", { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(committed.length).toBeGreaterThanOrEqual(3);
    expect(daemon.output()).toContain(`invite-monitor: the database has ${committed.length} unapplied migration(s) (${committed.join(", ")}); apply them with: invite-monitor migrate`);
  });
});
