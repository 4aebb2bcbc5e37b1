import { afterEach, describe, expect, it } from "vitest";
import { runCliIn } from "../helpers/cli.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createMonitor } from "../../src/daemon/createMonitor.js";
import { answers } from "../../src/simulator/cloudflareSimulator.js";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";

// "Gone" must be proven: one 404 never is. These answers used to turn every tracked invite into a false "gone".
let h: Harness;
afterEach(async () => h?.close());

const ids = [1, 2, 3, 4].map(inviteId);

/** Four invites, seen once through the right URL. */
async function seenOnce(env: Record<string, string> = {}): Promise<void> {
  h = await startHarness({ env: { CLOUDFLARE_AUTH_RETRY: "1s", FAILURE_BACKOFF: "30s", ...env } });
  for (const id of ids) h.sim.setInvite(inviteFixture(id));
  await h.track(ids);
  const first = h.monitor();
  await first.start(["worker"]);
  await first.sweepOnce();
  await first.drain();
  await first.stop();
  expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "pending" } })).toBe(4);
}

async function expectNothingGone(): Promise<void> {
  expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "gone" } })).toBe(0);
  expect(await h.db.trackedInvite.count({ where: { active: false } })).toBe(0);
  expect(await h.db.alert.count()).toBe(0);
  expect(await h.db.snapshot.count()).toBe(4);
}

describe("a wrong base URL is a configuration fault, not news", () => {
  it("pauses polling, says CLOUDFLARE_BASE_URL once, turns the incident on, and marks nothing gone", async () => {
    await seenOnce();
    // A mistyped base path: every request gets Cloudflare's routing error.
    const config = loadConfig({ ...envOf(h), CLOUDFLARE_BASE_URL: h.sim.baseUrl.replace("/client/v4", "/client/v3") });
    const wrong = createMonitor({ config, db: h.db, sql: h.sql, redis: h.redis, logger: h.logs.logger, clock: h.clock });
    try {
      await wrong.start(["worker"]);
      h.clock.advance(16 * 60_000);
      for (let cycle = 0; cycle < 3; cycle++) {
        await wrong.sweepOnce();
        await new Promise((resolve) => setTimeout(resolve, 400));
        h.clock.advance(60_000);
      }
      await expectNothingGone();
      // The invites were not blamed for it either: no failure recorded against them.
      expect(await h.db.trackedInvite.count({ where: { consecutiveFailures: { gt: 0 } } })).toBe(0);
      expect(await wrong.cloudflareIncident()).toMatchObject({ kind: "route" });
      const errors = h.logs.entries().filter((e) => e.level === 50 && e.incident === "route");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toContain("CLOUDFLARE_BASE_URL");
      // Paused: after the probe answered 404, at most the polls already in flight reached the server.
      const v3 = h.sim.requests.filter((r) => r.path.startsWith("/client/v3"));
      expect(v3.length).toBeLessThanOrEqual(1 + 4 + 2);
    } finally {
      await wrong.stop();
    }
  });
});

describe("Cloudflare's routing error 7003 for every path, for a while", () => {
  it("marks nothing gone, and once routing is back the invites are polled again, still without an alert", async () => {
    await seenOnce();
    h.sim.breakRouting(true);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expectNothingGone();
    expect(await monitor.cloudflareIncident()).toMatchObject({ kind: "route" });

    h.sim.breakRouting(false);
    await monitor.drain({ timeoutMs: 20_000 });
    expect(await monitor.cloudflareIncident()).toBeNull();
    await expectNothingGone();
    const checked = await h.db.trackedInvite.findMany();
    expect(checked.every((i) => i.lastCheckedAt?.getTime() === h.clock().getTime() && i.consecutiveFailures === 0)).toBe(true);
  });
});

describe("a single 404", () => {
  it("a transient edge 404 on one invite is recorded as unconfirmed, and the next answer clears it", async () => {
    await seenOnce();
    h.sim.script(ids[0]!, { status: 404, body: answers.serverError(404).body });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    let invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(invite).toMatchObject({ effectiveStatus: "pending", active: true, consecutiveFailures: 1 });
    expect(invite.notFoundSince).not.toBeNull();

    h.clock.advance(30_000);
    await monitor.sweepOnce();
    await monitor.drain();
    invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(invite).toMatchObject({ effectiveStatus: "pending", consecutiveFailures: 0, notFoundSince: null });
    await expectNothingGone();
  });

  it("a 404 on the first observation is 'not visible': no snapshot, no alert, checked again with backoff", async () => {
    h = await startHarness();
    const unseen = inviteId(77);
    await h.track([unseen]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    for (let round = 0; round < 3; round++) {
      await monitor.sweepOnce();
      await monitor.drain();
      h.clock.advance(16 * 60_000);
    }
    const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id: unseen } });
    expect(invite).toMatchObject({ effectiveStatus: null, active: true, consecutiveFailures: 3 });
    expect(invite.lastError).toContain("addressed to the token's own user");
    expect(await h.db.snapshot.count()).toBe(0);
    expect(await h.db.alert.count()).toBe(0);
    expect(h.sim.requestsFor(unseen)).toHaveLength(3);

    // `list` says so, and why.
    const { code, stdout: out } = await runCliIn({ DATABASE_URL: h.database.url }, ["list"]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${unseen}\\s+-\\s+not visible`));
    expect(out).toContain("shows only invitations addressed to the token's own user");
  });
});

describe("one odd invite does not stop the others", () => {
  it("a 403 on one invite, while the credentials probe passes, is that invite's failure: the others are polled, nothing pauses", async () => {
    await seenOnce({ WORKER_CONCURRENCY: "1" });
    h.sim.forbidInvite(ids[1]!, true);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain({ timeoutMs: 5_000 });

    const rows = new Map((await h.db.trackedInvite.findMany()).map((i) => [i.id, i]));
    expect(rows.get(ids[1]!)).toMatchObject({ consecutiveFailures: 1, effectiveStatus: "pending" });
    expect(rows.get(ids[1]!)!.lastError).toMatch(/^HTTP 403/);
    expect(rows.get(ids[1]!)!.nextCheckAt.getTime() - h.clock().getTime()).toBe(30_000);
    for (const id of [ids[0]!, ids[2]!, ids[3]!]) expect(rows.get(id)).toMatchObject({ consecutiveFailures: 0, lastCheckedAt: h.clock() });
    expect(await monitor.cloudflareIncident()).toBeNull();
    expect(await monitor.pollPause.remainingMs()).toBeLessThan(1_000);
    expect(await h.db.alert.count()).toBe(0);
  });
});

/** The harness's environment, for a second monitor with one setting changed. */
function envOf(harness: Harness): Record<string, string> {
  const c = harness.config;
  return {
    DATABASE_URL: c.databaseUrl,
    REDIS_URL: c.redisUrl,
    QUEUE_PREFIX: c.queuePrefix,
    CLOUDFLARE_API_TOKEN: c.cloudflare.auth?.kind === "token" ? c.cloudflare.auth.token : "",
    CLOUDFLARE_TIMEOUT: "2s",
    CLOUDFLARE_RATE_LIMIT: "100000",
    CLOUDFLARE_RATE_WINDOW: "10s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    CLOUDFLARE_AUTH_RETRY: "1s",
    POLL_JITTER: "0",
  };
}
