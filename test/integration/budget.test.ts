import { afterEach, describe, expect, it } from "vitest";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheusText.js";

let h: Harness;
afterEach(async () => h?.close());

describe("acceptance 6: the rate budget holds across workers", () => {
  it("polls 50 due invites, all of them, never faster than 10 requests per second at the fake", async () => {
    h = await startHarness({
      env: { CLOUDFLARE_RATE_LIMIT: "10", CLOUDFLARE_RATE_WINDOW: "1s", CLOUDFLARE_BUDGET_SHARE: "1", WORKER_CONCURRENCY: "8" },
    });
    const ids = Array.from({ length: 50 }, (_, i) => inviteId(i + 1));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const a = h.monitor();
    const b = h.monitor();
    await a.start(["worker"]);
    await b.start(["worker"]);

    await a.sweepOnce();
    await a.drain({ timeoutMs: 30_000 });

    const times = h.sim.requests.map((r) => r.at).sort((x, y) => x - y);
    expect(new Set(h.sim.requests.map((r) => r.inviteId)).size).toBe(50);
    expect(times).toHaveLength(50);
    // The limiter releases one request every 100 ms; a loaded machine delays each on its way to the fake by a
    // varying amount, so a span measured here may be short by that delay. Bounds that tolerate 200-300 ms of it
    // still fail any limiter that is over budget by more than a few percent overall, or bursts locally.
    let tightest = Infinity;
    for (let i = 0; i + 10 < times.length; i++) tightest = Math.min(tightest, times[i + 10]! - times[i]!);
    expect(tightest, `tightest span of 11 requests: ${tightest} ms`).toBeGreaterThanOrEqual(800);
    const whole = times.at(-1)! - times[0]!;
    expect(whole, `50 requests spanned ${whole} ms; 49 gaps of 100 ms are 4,900 ms`).toBeGreaterThanOrEqual(4_600);
    expect(await h.db.trackedInvite.count({ where: { lastCheckedAt: null } })).toBe(0);
  });
});

describe("the Ratelimit header slows the workers down before a 429", () => {
  it("spreads requests over the window the header announces and never trips the simulator's block", async () => {
    // Our own budget is generous; Cloudflare's quota (shared with other tools) is what runs low.
    h = await startHarness({ simulator: { rateLimit: { limit: 6, windowMs: 3_000 } }, env: { WORKER_CONCURRENCY: "2" } });
    const ids = Array.from({ length: 8 }, (_, i) => inviteId(i + 1));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    await monitor.sweepOnce();
    await monitor.drain({ timeoutMs: 30_000 });

    // The block was never tripped: the simulator answered no 429 at all.
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(h.sim.requests).toHaveLength(8);
    const pauses = parsePrometheusText(await monitor.metrics.registry.metrics());
    expect(sampleValue(pauses, "invite_monitor_rate_limit_pauses_total", { reason: "ratelimit_header" })).toBeGreaterThan(0);
    expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "pending" } })).toBe(8);
  });
});

describe("the sweep takes only what the budget allows", () => {
  it("queues about two sweeps' worth of budget, most overdue first, and leaves a well-fed queue alone", async () => {
    // 1 request/s and a 5 s sweep: a batch is 10 invites.
    h = await startHarness({ env: { CLOUDFLARE_RATE_LIMIT: "1", CLOUDFLARE_RATE_WINDOW: "1s", SWEEP_INTERVAL: "5s" } });
    const ids = Array.from({ length: 30 }, (_, i) => inviteId(i + 1));
    await h.track(ids);
    // Make invite 30 the most overdue.
    await h.db.trackedInvite.update({ where: { id: ids[29]! }, data: { nextCheckAt: new Date(h.clock().getTime() - 60_000) } });
    const monitor = h.monitor();

    expect(await monitor.sweepOnce()).toEqual({ queued: 10 });
    const queued = (await monitor.queues.poll.getWaiting()).map((job) => job.data.inviteId);
    expect(queued).toHaveLength(10);
    expect(queued).toContain(ids[29]);
    expect(await monitor.sweepOnce()).toEqual({ queued: 0, skipped: true });
    expect(await monitor.queues.poll.getWaitingCount()).toBe(10);
  });
});
