import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createMonitor, type Monitor } from "../../src/daemon/createMonitor.js";
import { answers, envelope } from "../../src/simulator/cloudflareSimulator.js";
import { startHarness, inviteFixture, inviteId, TOKEN, type Harness } from "../helpers/harness.js";

// The probes and incidents under the conditions a review found them wanting: two replicas with different settings,
// an incident whose cause changes, a 429 pause, a one-off refusal of the list, a lock left by a killed process.
let h: Harness;
const extra: Monitor[] = [];
afterEach(async () => {
  for (const monitor of extra.splice(0)) await monitor.stop();
  await h?.close();
});

const ids = [1, 2, 3, 4].map(inviteId);
const notFound = () => ({ status: 404, body: envelope(false, null, [{ code: 1003, message: "Invite not found" }]) });

async function seen(env: Record<string, string> = {}): Promise<void> {
  h = await startHarness({ env: { CLOUDFLARE_AUTH_RETRY: "1s", ...env } });
  for (const id of ids) h.sim.setInvite(inviteFixture(id));
  await h.track(ids);
  const first = h.monitor();
  await first.start(["worker"]);
  await first.sweepOnce();
  await first.drain();
  await first.stop();
}

/** A second monitor on the same database and Redis, with some settings of its own. */
function replica(env: Record<string, string>): Monitor {
  const c = h.config;
  const config = loadConfig({
    DATABASE_URL: c.databaseUrl, REDIS_URL: c.redisUrl, QUEUE_PREFIX: c.queuePrefix, CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: h.sim.baseUrl, CLOUDFLARE_TIMEOUT: "2s", CLOUDFLARE_RATE_LIMIT: "100000", CLOUDFLARE_RATE_WINDOW: "10s",
    CLOUDFLARE_BUDGET_SHARE: "1", CLOUDFLARE_AUTH_RETRY: "1s", POLL_JITTER: "0", ...env,
  });
  const monitor = createMonitor({ config, db: h.db, sql: h.sql, redis: h.redis, logger: h.logs.logger, clock: h.clock });
  extra.push(monitor);
  return monitor;
}

describe("two replicas, one with a wrong base URL", () => {
  it("the good replica's 200s do not make the bad replica's 404s proof of anything", async () => {
    await seen();
    const good = h.monitor();
    const bad = replica({ CLOUDFLARE_BASE_URL: h.sim.baseUrl.replace("/client/v4", "/client/v3") });
    await good.start(["worker"]);
    await bad.start(["worker"]);
    for (let cycle = 0; cycle < 6; cycle++) {
      h.clock.advance(16 * 60_000);
      await good.sweepOnce();
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "gone" } })).toBe(0);
    expect(await h.db.alert.count()).toBe(0);
    // The bad replica's incident is its own: the good one has none to report.
    expect(await bad.cloudflareIncident()).toMatchObject({ kind: "route" });
    expect(await good.cloudflareIncident()).toBeNull();
  });
});

describe("an incident whose cause changes", () => {
  it("a routing incident becomes a credentials one (with its 🔑) when the URL answers again but refuses the token", async () => {
    await seen();
    h.sim.breakRouting(true);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await monitor.cloudflareIncident()).toMatchObject({ kind: "route" });

    h.sim.breakRouting(false);
    h.sim.setAuth({ token: "someone-else" });
    const deadline = Date.now() + 15_000;
    while ((await monitor.cloudflareIncident())?.kind !== "credentials" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await monitor.cloudflareIncident()).toMatchObject({ kind: "credentials" });
    expect((await h.db.alert.findMany()).map((a) => a.kind)).toEqual(["credentials_rejected"]);

    h.sim.setAuth({ token: TOKEN });
    await monitor.drain({ timeoutMs: 20_000 });
    expect((await h.db.alert.findMany({ orderBy: { id: "asc" } })).map((a) => a.kind)).toEqual(["credentials_rejected", "credentials_restored"]);
  });
});

describe("nothing reaches Cloudflare during a 429's pause, a probe included", () => {
  it("a 404 judged during the pause sends no probe, and a restart does not lift the 429's pause", async () => {
    await seen({ WORKER_CONCURRENCY: "2" });
    h.sim.script(ids[0]!, answers.rateLimited(120));
    h.sim.script(ids[1]!, { ...notFound(), delayMs: 300 });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const limitedAt = h.sim.requests.find((r) => r.status === 429)!.at;
    expect(h.sim.requests.filter((r) => r.at > limitedAt + 100)).toEqual([]);
    // The invite whose 404 could not be judged is untouched, not blamed.
    expect(await h.db.trackedInvite.findUniqueOrThrow({ where: { id: ids[1]! } })).toMatchObject({ consecutiveFailures: 0 });

    const restarted = h.monitor();
    await restarted.start(["worker"]);
    expect(await restarted.pollPause.remainingMs()).toBeGreaterThan(100_000);
  });
});

describe("a list refused once", () => {
  it("a 403 from GET /user/invites asks the credentials probe, which passes: no incident, no alert", async () => {
    await seen({ WORKER_CONCURRENCY: "1" });
    h.sim.script(ids[0]!, notFound());
    // The probe after the 404: the list, refused once.
    h.sim.script("*", answers.unauthorized(403));
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain({ timeoutMs: 10_000 });
    expect(h.sim.requests.some((r) => r.path.endsWith("/user/tokens/verify"))).toBe(true);
    expect(await monitor.cloudflareIncident()).toBeNull();
    expect(await h.db.alert.count()).toBe(0);
    expect(await h.db.trackedInvite.count({ where: { lastCheckedAt: h.clock() } })).toBe(4);
  });
});

describe("a probe lock left by a killed process", () => {
  it("holds the others no longer than a probe can take (CLOUDFLARE_TIMEOUT), not CLOUDFLARE_AUTH_RETRY", async () => {
    await seen({ WORKER_CONCURRENCY: "1", CLOUDFLARE_AUTH_RETRY: "60s" });
    // What a process SIGKILLed in the middle of a route probe leaves behind.
    const identity = (await h.redis.keys(`${h.config.queuePrefix}:cf-healthy-at:*`))[0]!.split(":").at(-1)!;
    await h.redis.set(`${h.config.queuePrefix}:cf-probe-lock:${identity}:route`, "dead-process", "PX", 90_000);
    await h.redis.del(`${h.config.queuePrefix}:cf-healthy-at:${identity}`);
    h.sim.script(ids[0]!, notFound());
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.advance(16 * 60_000);
    const started = Date.now();
    await monitor.sweepOnce();
    await monitor.drain({ timeoutMs: 30_000 });
    // CLOUDFLARE_TIMEOUT is 2 s here: the waiter gives up after about 7 s, not 90 s.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await h.db.trackedInvite.count({ where: { lastCheckedAt: h.clock() } })).toBe(4);
  });
});
