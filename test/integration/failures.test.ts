import { runSweep } from "../../src/scheduling/runSweep.js";
import { afterEach, describe, expect, it } from "vitest";
import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createSqlPool } from "../../src/storage/sqlPool.js";
import { answers, envelope } from "../../src/simulator/cloudflareSimulator.js";
import { readMetric } from "../helpers/prometheusText.js";
import { waitUntil } from "../helpers/waitUntil.js";
import { startHarness, inviteFixture, inviteId, TOKEN, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

const pausesFor429 = (monitor: ReturnType<Harness["monitor"]>) => readMetric(monitor.metrics.registry, "invite_monitor_rate_limit_pauses_total", { reason: "429" });

describe("acceptance 3: a 429 pauses every worker for retry-after", () => {
  it("sends nothing for 2 s after a 429 with retry-after: 2, then polls every due invite", async () => {
    h = await startHarness({ env: { WORKER_CONCURRENCY: "4" } });
    const ids = Array.from({ length: 6 }, (_, i) => inviteId(i + 1));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    // Only the first invite is due, so the 429 is the only request in flight when it lands: a request that
    // passed the pause check before the pause existed cannot blur what this measures, however slow the machine.
    const later = ids.slice(1);
    const dueAt = h.clock().getTime();
    await h.db.trackedInvite.updateMany({ where: { id: { in: later } }, data: { nextCheckAt: new Date(dueAt + 3_600_000) } });
    h.sim.script("*", answers.rateLimited(2));
    // Two "processes": the pause one of them takes must hold for the other's workers too.
    const a = h.monitor();
    const b = h.monitor();
    await a.start(["worker"]);
    await b.start(["worker"]);

    await a.sweepOnce();
    // The 429 has been answered and its pause taken once the worker that got it (a's or b's) counts it.
    await waitUntil(async () => (await pausesFor429(a)) + (await pausesFor429(b)) > 0, 10_000);
    const limited = h.sim.requests[0]!;
    expect(limited.status).toBe(429);
    // Now the rest fall due, and b sweeps them while the pause holds.
    await h.db.trackedInvite.updateMany({ where: { id: { in: later } }, data: { nextCheckAt: new Date(dueAt) } });
    await b.sweepOnce();
    await a.drain({ timeoutMs: 20_000 });

    const afterTheLimit = h.sim.requests.slice(1);
    expect(afterTheLimit.map((r) => r.inviteId).sort()).toEqual([...ids].sort());
    for (const request of afterTheLimit) expect(request.at - limited.at).toBeGreaterThanOrEqual(1_950);
    const invites = await h.db.trackedInvite.findMany();
    expect(invites.every((i) => i.effectiveStatus === "pending" && i.consecutiveFailures === 0)).toBe(true);
    expect(await h.db.snapshot.count()).toBe(ids.length);
  });
});

describe("acceptance 4: failures are retried, recorded and never stop the worker", () => {
  it("retries a 500 with backoff and records the following 200 as a success", async () => {
    h = await startHarness();
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id));
    h.sim.script(id, answers.serverError(500));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    await monitor.sweepOnce();
    await monitor.drain();
    let invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite.consecutiveFailures).toBe(1);
    expect(invite.lastError).toContain("HTTP 500");
    expect(invite.nextCheckAt.getTime() - h.clock().getTime()).toBe(30_000);

    h.clock.advance(30_000);
    await monitor.sweepOnce();
    await monitor.drain();
    invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite.consecutiveFailures).toBe(0);
    expect(invite.lastError).toBeNull();
    expect(invite.effectiveStatus).toBe("pending");
    expect(h.sim.requestsFor(id)).toHaveLength(2);
    expect(await h.db.snapshot.count({ where: { inviteId: id } })).toBe(1);
  });

  it("records malformed JSON, an HTML 502 page, a wrong shape and a timeout as failures and goes on", async () => {
    h = await startHarness({ env: { CLOUDFLARE_TIMEOUT: "300ms", WORKER_CONCURRENCY: "1" } });
    const [malformed, html, wrong, hanging, fine] = [1, 2, 3, 4, 5].map(inviteId) as [string, string, string, string, string];
    for (const id of [malformed, html, wrong, hanging, fine]) h.sim.setInvite(inviteFixture(id));
    h.sim.script(malformed, answers.malformedJson());
    h.sim.script(html, answers.htmlError(502));
    h.sim.script(wrong, answers.wrongShape());
    h.sim.script(hanging, answers.hang());
    await h.track([malformed, html, wrong, hanging, fine]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    await monitor.sweepOnce();
    await monitor.drain();

    const byId = new Map((await h.db.trackedInvite.findMany()).map((i) => [i.id, i]));
    expect(byId.get(malformed)?.lastError).toMatch(/HTTP 200 with a body that is not JSON: "\{\\"success\\": true/);
    expect(byId.get(html)?.lastError).toMatch(/HTTP 502 with an HTML body, not JSON: "<html> <head><title>502 Bad Gateway/);
    expect(byId.get(wrong)?.lastError).toMatch(/the result is not an Invite: .*organization_id/);
    expect(byId.get(hanging)?.lastError).toMatch(/request failed \(ETIMEDOUT/);
    for (const id of [malformed, html, wrong, hanging]) {
      expect(byId.get(id)?.consecutiveFailures).toBe(1);
      expect(byId.get(id)?.lastError!.length).toBeLessThan(400);
    }
    expect(byId.get(fine)?.effectiveStatus).toBe("pending");
    expect(await h.db.snapshot.count()).toBe(1);
  });
});

describe("acceptance 5: gone and rejected credentials", () => {
  it("marks an invite gone after two 404s FAILURE_BACKOFF apart, corroborated by Cloudflare's list, and stops polling it", async () => {
    h = await startHarness();
    const id = inviteId(9);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.sweepOnce();
    await monitor.drain();

    h.sim.removeInvite(id);
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    // One 404 proves nothing: the invite is checked again after FAILURE_BACKOFF, and nothing is alerted yet.
    let invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite).toMatchObject({ effectiveStatus: "pending", active: true, consecutiveFailures: 1 });
    expect(await h.db.alert.count()).toBe(0);

    h.clock.advance(30_000);
    await monitor.sweepOnce();
    await monitor.drain();
    invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite).toMatchObject({ effectiveStatus: "gone", active: false, apiStatus: "pending" });
    const last = await h.db.snapshot.findFirstOrThrow({ where: { inviteId: id }, orderBy: { id: "desc" } });
    expect(last.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "gone" }]);
    expect((await h.db.alert.findMany()).map((a) => a.kind)).toEqual(["gone"]);

    h.clock.advance(60 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    expect(h.sim.requestsFor(id)).toHaveLength(3);
  });

  it("pauses polling on 401 without failing invites, logs one error without the token, and resumes", async () => {
    h = await startHarness({ env: { CLOUDFLARE_AUTH_RETRY: "1s", WORKER_CONCURRENCY: "2" } });
    const ids = [inviteId(1), inviteId(2), inviteId(3)];
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    // The token is revoked, and some proxies echo the credentials back: the message must still never reach a log line.
    const rejected = { status: 401, body: envelope(false, null, [{ code: 10000, message: `Invalid API token ${TOKEN}` }]) };
    h.sim.setAuth({ token: "a-token-that-is-not-ours" });
    // Two polls and the probe that judges them.
    h.sim.script("*", rejected, rejected, rejected);
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    await monitor.sweepOnce();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Paused: the rejected jobs wait in the queue, and no invite is marked failed.
    const during = await h.db.trackedInvite.findMany();
    expect(during.every((i) => i.consecutiveFailures === 0 && i.lastError === null)).toBe(true);
    // The polls in flight when the first 401 came, and the one credentials probe that judged it.
    expect(h.sim.requests.length).toBeLessThanOrEqual(3);
    expect(h.sim.requests.filter((r) => r.path.endsWith("/user/tokens/verify"))).toHaveLength(1);
    h.sim.setAuth({ token: TOKEN });

    await monitor.drain({ timeoutMs: 20_000 });
    const statuses = (await h.db.trackedInvite.findMany()).map((i) => i.effectiveStatus);
    expect(statuses).toEqual(["pending", "pending", "pending"]);
    // The pause starts when the probe confirms the rejection; what was already in flight may land just after it.
    const probed = h.sim.requests.find((r) => r.path.endsWith("/user/tokens/verify"))!.at;
    const afterPause = h.sim.requests.filter((r) => r.at > probed + 100);
    expect(afterPause.length).toBeGreaterThan(0);
    for (const request of afterPause) expect(request.at - probed).toBeGreaterThanOrEqual(950);

    // One incident: one alert when it began, one when it ended.
    expect((await h.db.alert.findMany({ orderBy: { id: "asc" } })).map((a) => a.kind)).toEqual(["credentials_rejected", "credentials_restored"]);
    expect(h.logs.lines.join("\n")).not.toContain(TOKEN);
    expect(h.logs.lines.join("\n")).toContain("[redacted]");
  });
});

describe("our own infrastructure failing under a poll", () => {
  it("fails the job when the observation cannot be written, counts it in /metrics, and leaves the invite due", async () => {
    h = await startHarness();
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    // The poll's write goes to a Postgres that is not there (nothing listens on port 1); the rest is real.
    const unreachable = createSqlPool("postgresql://postgres@127.0.0.1:1/unreachable", 1, () => {});
    const monitor = createMonitor({ config: h.config, db: h.db, sql: unreachable, redis: h.redis, logger: h.logs.logger, clock: h.clock });
    try {
      await monitor.start(["worker"]);
      // The sweep reads the real database (it runs on plain pg too, so not through this monitor's broken pool).
      await runSweep({ sql: h.sql, pollQueue: monitor.queues.poll, now: h.clock(), batchSize: 10 });
      const failures = async () => (await monitor.metrics.registry.getSingleMetricAsString("invite_monitor_job_failures_total")).match(/queue="poll"} (\d+)/)?.[1];
      const deadline = Date.now() + 20_000;
      while (!(await failures()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(Number(await failures())).toBeGreaterThanOrEqual(1);
      expect(h.sim.requestsFor(id).length).toBeGreaterThanOrEqual(1);
      // Nothing was recorded, so the invite is still due and the next sweep queues it again.
      const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
      expect(invite.lastCheckedAt).toBeNull();
      expect(invite.nextCheckAt.getTime()).toBeLessThanOrEqual(h.clock().getTime());
    } finally {
      await monitor.stop();
      await unreachable.end();
    }
  });
});
