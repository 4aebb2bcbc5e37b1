import { afterEach, describe, expect, it } from "vitest";
import { MAX_ANSWER_BYTES } from "../../src/cloudflare/cloudflareClient.js";
import { answers, envelope } from "../../src/simulator/cloudflareSimulator.js";
import { startHarness, inviteFixture, inviteId, type Harness, type HarnessOptions } from "../helpers/harness.js";
import { getRequestsOf, listRequestsOf, startListed } from "../helpers/listed.js";
import { notifyUntilIdle } from "../helpers/notify.js";
import { readMetric } from "../helpers/prometheusText.js";

// One GET /user/invites observes every tracked invite it lists: the budget goes to what changed.
let h: Harness;
afterEach(async () => h?.close());

const MINUTE = 60_000;
const listRequests = () => listRequestsOf(h);
const getRequests = () => getRequestsOf(h);
const listMode = async (monitor: ReturnType<Harness["monitor"]>) => {
  const value = (mode: string) => readMetric(monitor.metrics.registry, "invite_monitor_list_mode", { mode });
  return { list: await value("list"), fallback: await value("fallback"), off: await value("off") };
};

async function tracked(count: number, options: HarnessOptions = {}): Promise<string[]> {
  let ids: string[];
  ({ h, ids } = await startListed(count, options));
  return ids;
}

/** One tracked invite that expires 2026-12-04T12:00:00Z, the list on, the clock at `now`, a worker running. */
async function oneInviteListedAt(now: string) {
  h = await startHarness({ now, env: { CLOUDFLARE_LIST: "on" } });
  const id = inviteId(1);
  h.sim.setInvite(inviteFixture(id));
  await h.track([id]);
  const monitor = h.monitor();
  await monitor.start(["worker"]);
  return { id, monitor };
}

describe("a list observation per cycle", () => {
  it("500 tracked invites, all listed: one cycle costs one request, not 500, and leaves none due", async () => {
    const ids = await tracked(500);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    expect(await monitor.listOnce()).toMatchObject({ outcome: "listed", listed: 500, changed: 500, confirming: 0 });
    expect(h.sim.requests).toHaveLength(1);
    expect(await h.db.snapshot.count({ where: { first: true } })).toBe(500);

    // The sweep finds nothing to ask about: every invite was just observed.
    expect(await monitor.sweepOnce()).toEqual({ queued: 0 });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ outcome: "listed", listed: 500, changed: 0 });
    expect(h.sim.requests).toHaveLength(2);
    expect(await h.db.snapshot.count()).toBe(500);
    expect(await h.db.trackedInvite.count({ where: { lastCheckedAt: h.clock() } })).toBe(ids.length);
  });

  it("drops the polls the sweep had queued for invites the list has just observed: they would only spend budget", async () => {
    await tracked(500);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.queues.poll.pause();
    expect(await monitor.sweepOnce()).toEqual({ queued: 500 });
    await monitor.listOnce();
    await monitor.queues.poll.resume();
    await monitor.drain();
    expect(getRequests()).toHaveLength(0);
    expect(listRequests()).toHaveLength(1);
  });

  it("an unclear list entry gets its own GET; an invite the list never shows is polled on its schedule", async () => {
    const ids = await tracked(3);
    const hidden = inviteId(99);
    await h.track([hidden]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    h.sim.updateInvite(ids[0]!, { status: undefined });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ listed: 2, confirming: 1 });
    await monitor.sweepOnce();
    await monitor.drain();
    // The unclear one, and the one never listed (a first check is due at once): one GET each.
    expect(h.sim.requestsFor(ids[0]!)).toHaveLength(1);
    expect(h.sim.requestsFor(hidden)).toHaveLength(1);
    expect(h.sim.requestsFor(ids[1]!)).toHaveLength(0);
  });

  it("runs one cycle at a time: a list job that comes due during one shares its outcome, with no second request", async () => {
    await tracked(50);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    const [first, second] = await Promise.all([monitor.listOnce(), monitor.listOnce()]);
    expect(second).toEqual(first);
    expect(listRequests()).toHaveLength(1);
    expect(await h.db.snapshot.count()).toBe(50);
  });

  it("follows result_info across pages, each page a request", async () => {
    await tracked(250, { simulator: { listPageSize: 100 } });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    expect(await monitor.listOnce()).toMatchObject({ outcome: "listed", listed: 250, pages: 3 });
    expect(listRequests().map((r) => r.path)).toEqual(["/client/v4/user/invites", "/client/v4/user/invites?page=2", "/client/v4/user/invites?page=3"]);
  });

  it("meets the expiry marks from the list: a threshold crossed between two lists is alerted at the next one", async () => {
    const { monitor } = await oneInviteListedAt("2026-12-03T12:30:00Z");
    await monitor.listOnce();
    h.clock.set("2026-12-03T13:00:00Z");
    await monitor.listOnce();
    const alerts = await h.db.alert.findMany();
    // The first observation (23.5 h before expiry) already raised the nearest crossed threshold, 24 h, once.
    expect(alerts.map((a) => [a.kind, (a.content as { thresholdMs: number }).thresholdMs])).toEqual([["expiring", 24 * 60 * MINUTE]]);
  });
});

describe("an unchanged entry (the fast path)", () => {
  it("meets an expiry mark on time while the lists in between only move last_checked_at", async () => {
    // 24 h 10 min before expiry: the first observation raises 72 h; the next mark, 24 h, is 10 minutes off.
    const { id, monitor } = await oneInviteListedAt("2026-12-03T11:50:00Z");
    for (let list = 0; list <= 22; list++) {
      if (list > 0) h.clock.advance(30_000);
      await monitor.listOnce();
      await monitor.sweepOnce();
      await monitor.drain();
      expect((await h.db.trackedInvite.findUniqueOrThrow({ where: { id } })).lastCheckedAt).toEqual(h.clock());
    }
    const alerts = await h.db.alert.findMany({ orderBy: { id: "asc" } });
    expect(alerts.map((a) => [(a.content as { thresholdMs: number }).thresholdMs / (60 * MINUTE), a.createdAt.toISOString()])).toEqual([
      [72, "2026-12-03T11:50:00.000Z"],
      [24, "2026-12-03T12:00:00.000Z"],
    ]);
    expect(getRequests()).toHaveLength(0);
    expect(await h.db.snapshot.count()).toBe(1);
  });

  it("keeps every next check at least half a poll interval ahead, so a list outage shorter than that costs no GET", async () => {
    await tracked(20);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    for (let minute = 0; minute <= 10; minute++) {
      await monitor.listOnce();
      h.clock.advance(MINUTE);
    }
    // No list is observed for 7 minutes after the last (an outage); the sweep finds nothing due.
    h.clock.advance(6 * MINUTE);
    expect(await monitor.sweepOnce()).toEqual({ queued: 0 });
    expect(getRequests()).toHaveLength(0);
  });

  it("a failed poll's error is cleared by the next list even though its entry did not change", async () => {
    const ids = await tracked(2);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    h.sim.script(ids[0]!, answers.serverError(502));
    h.clock.advance(16 * MINUTE);
    await monitor.sweepOnce();
    await monitor.drain();
    expect(await h.db.trackedInvite.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({ consecutiveFailures: 1 });

    h.clock.advance(30_000);
    await monitor.listOnce();
    expect(await h.db.trackedInvite.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({ consecutiveFailures: 0, lastError: null, lastCheckedAt: h.clock() });
  });
});

/** A well-formed list of untracked invitations, just over the longest answer read. */
function tooLongList() {
  const entry = (n: number) => ({ ...inviteFixture(n.toString(16).padStart(32, "f")), organization_name: "x".repeat(200) });
  const count = Math.ceil(MAX_ANSWER_BYTES / JSON.stringify(entry(0)).length) + 1;
  return { status: 200, body: envelope(true, Array.from({ length: count }, (_, n) => entry(n))) };
}

describe("when the list fails", () => {
  it.each([
    { name: "a 5xx", answer: answers.serverError(502) },
    { name: "a 403 (a token without the permission)", answer: answers.unauthorized(403) },
    { name: "malformed JSON", answer: answers.malformedJson() },
    { name: "an answer longer than MAX_ANSWER_BYTES (held in full, it would exhaust the heap)", answer: tooLongList() },
  ])("$name: the invites are polled one by one on their schedule, and no change is lost", async ({ answer }) => {
    const ids = await tracked(10, { slack: true });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    h.sim.updateInvite(ids[0]!, { status: "rejected" });
    h.sim.script("*", answer);
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ outcome: "failed" });
    expect(await listMode(monitor)).toEqual({ list: 0, fallback: 1, off: 0 });
    // Nothing was concluded from the failed list: no invite was made due, none was marked.
    expect(await monitor.sweepOnce()).toEqual({ queued: 0 });

    h.clock.advance(16 * MINUTE);
    await monitor.sweepOnce();
    await monitor.drain();
    await notifyUntilIdle(monitor);
    expect(getRequests()).toHaveLength(10);
    expect((await h.db.alert.findMany()).map((a) => [a.inviteId?.trim(), a.kind])).toEqual([[ids[0], "rejected"]]);
    // Working again: /metrics says so.
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ outcome: "listed" });
    expect(await listMode(monitor)).toEqual({ list: 1, fallback: 0, off: 0 });
  });

  it("a 429 on the list pauses every worker for its retry-after, as for a poll: no GET goes out meanwhile", async () => {
    await tracked(5);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    h.sim.script("*", answers.rateLimited(120));
    h.clock.advance(16 * MINUTE);
    await expect(monitor.listOnce()).rejects.toThrow();
    expect(await monitor.pollPause.remainingMs()).toBeGreaterThan(100_000);
    expect(await monitor.sweepOnce()).toEqual({ queued: 5 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(getRequests()).toHaveLength(0);
  });

  it("CLOUDFLARE_LIST=off: no list is read, each invite is polled alone, and /metrics says off", async () => {
    await tracked(3, { env: { CLOUDFLARE_LIST: "off" } });
    const monitor = h.monitor();
    await monitor.start(["scheduler", "worker"]);
    await monitor.sweepOnce();
    await monitor.drain();
    expect(listRequests()).toHaveLength(0);
    expect(getRequests()).toHaveLength(3);
    expect(await listMode(monitor)).toEqual({ list: 0, fallback: 0, off: 1 });
  });
});

describe("discovery (TRACK_DISCOVERED=true)", () => {
  it("tracks a new invitation once and alerts once, across restarts and two daemons", async () => {
    await tracked(2, { slack: true, env: { TRACK_DISCOVERED: "true" } });
    const newcomer = inviteId(500);
    h.sim.setInvite(inviteFixture(newcomer, { invited_by: "cto@example.com", organization_name: "New Org", roles: ["Administrator", "Billing"] }));
    const a = h.monitor();
    const b = h.monitor();
    await a.start(["worker"]);
    await b.start(["worker"]);
    await Promise.all([a.listOnce(), b.listOnce()]);
    h.clock.advance(30_000);
    await a.listOnce();
    // "A restart": a monitor that has never seen it.
    const restarted = h.monitor();
    await restarted.start(["worker"]);
    await restarted.listOnce();
    await notifyUntilIdle(a);

    expect(await h.db.trackedInvite.findUniqueOrThrow({ where: { id: newcomer } })).toMatchObject({ label: "discovered", effectiveStatus: "pending" });
    expect(await h.db.alert.count({ where: { kind: "discovered" } })).toBe(1);
    const messages = h.slack!.delivered().filter((m) => m.text.includes(newcomer));
    expect(messages).toHaveLength(1);
    const body = `${messages[0]!.text}\n${JSON.stringify(messages[0]!.blocks)}`;
    for (const part of ["New invitation", "cto@example.com", "New Org", "Administrator, Billing", "Expires on"]) expect(body).toContain(part);
  });

  it("is off by default: an untracked invitation in the list is left alone", async () => {
    await tracked(1);
    h.sim.setInvite(inviteFixture(inviteId(500)));
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    expect(await h.db.trackedInvite.count()).toBe(1);
    expect(await h.db.alert.count()).toBe(0);
  });
});
