import { afterEach, describe, expect, it } from "vitest";
import { answers, envelope } from "../../src/simulator/cloudflareSimulator.js";
import type { Harness, HarnessOptions } from "../helpers/harness.js";
import { getRequestsOf, listRequestsOf, startListed } from "../helpers/listed.js";
import { notifyUntilIdle } from "../helpers/notify.js";
import { waitUntil } from "../helpers/waitUntil.js";

// What a list cycle asks the get endpoint: one GET for each invite that dropped out of the list (or whose entry is
// unclear), sent with the list that saw it, out of what the budget's window has left.
let h: Harness;
afterEach(async () => h?.close());

const MINUTE = 60_000;
const listRequests = () => listRequestsOf(h);
const getRequests = () => getRequestsOf(h);

async function tracked(count: number, options: HarnessOptions = {}): Promise<string[]> {
  let ids: string[];
  ({ h, ids } = await startListed(count, options));
  return ids;
}

/** `count` invites tracked and listed once by a running worker; then the first `flips` of them change status. */
async function listedThenFlipped(count: number, flips: number, status: string, options: HarnessOptions) {
  const ids = await tracked(count, options);
  const monitor = h.monitor();
  await monitor.start(["worker"]);
  await monitor.listOnce();
  const flipped = ids.slice(0, flips);
  for (const id of flipped) h.sim.updateInvite(id, { status });
  return { monitor, flipped };
}

describe("confirmations from the get endpoint", () => {
  it.each([
    { listNonPending: true, confirmingGets: 0, how: "seen in the list itself" },
    { listNonPending: false, confirmingGets: 1, how: "confirmed by one GET each, when they drop out of the list" },
  ])("20 flips to accepted are all detected: $how", async ({ listNonPending, confirmingGets }) => {
    const { monitor, flipped } = await listedThenFlipped(100, 20, "accepted", { slack: true, simulator: { listNonPending } });

    h.clock.advance(30_000);
    await monitor.listOnce();
    await monitor.sweepOnce();
    await monitor.drain();
    h.clock.advance(30_000);
    await monitor.listOnce();
    await monitor.sweepOnce();
    await monitor.drain();
    await notifyUntilIdle(monitor);

    expect(await h.db.trackedInvite.count({ where: { id: { in: flipped }, effectiveStatus: "accepted" } })).toBe(20);
    expect(await h.db.alert.count({ where: { kind: "accepted" } })).toBe(20);
    for (const id of flipped) expect(h.sim.requestsFor(id)).toHaveLength(confirmingGets);
    // The others were never asked about one by one.
    expect(getRequests()).toHaveLength(20 * confirmingGets);
    expect(listRequests()).toHaveLength(3);
  });

  it("sends the confirming GETs with the list that saw the invites drop out, not one a gap later through the sweep", async () => {
    const { monitor, flipped } = await listedThenFlipped(50, 20, "accepted", { slack: true, simulator: { listNonPending: false } });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ confirming: 20 });
    // No sweep, no queue: the list job asked about each of them itself.
    for (const id of flipped) expect(h.sim.requestsFor(id)).toHaveLength(1);
    expect(await h.db.trackedInvite.count({ where: { id: { in: flipped }, effectiveStatus: "accepted" } })).toBe(20);
    expect(await monitor.sweepOnce()).toEqual({ queued: 0 });
  });

  it("confirms at once only what the window has left, pays for it by holding the queue, and leaves the rest to the sweep", async () => {
    // A share of 20 requests per 60 s (one every 3 s): two lists are spent and one poll may start meanwhile, so 17
    // confirmations fit.
    const { monitor } = await listedThenFlipped(40, 30, "rejected", {
      simulator: { listNonPending: false },
      env: { CLOUDFLARE_RATE_LIMIT: "40", CLOUDFLARE_RATE_WINDOW: "60s", CLOUDFLARE_BUDGET_SHARE: "0.5" },
    });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ confirming: 30 });
    expect(getRequests()).toHaveLength(17);
    expect(h.sim.requests.length).toBeLessThanOrEqual(20);
    expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "rejected" } })).toBe(17);
    expect(await h.db.trackedInvite.count({ where: { active: true, nextCheckAt: { lte: h.clock() } } })).toBe(13);
    // 17 requests at one per 3 s: nothing else may be sent for the next 51 s.
    expect(await monitor.pollPause.remainingMs()).toBeGreaterThan(45_000);
  });

  it("one GET per invite: a confirmation removes the sweep's poll of it still waiting in the queue", async () => {
    await tracked(10, { simulator: { listNonPending: false } });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    // Every invite comes due and is queued by the sweep; the workers are held, so the polls wait.
    h.clock.advance(16 * MINUTE);
    await monitor.queues.poll.pause();
    expect(await monitor.sweepOnce()).toEqual({ queued: 10 });
    const [gone] = await h.db.trackedInvite.findMany({ select: { id: true }, take: 1 });
    h.sim.updateInvite(gone!.id, { status: "accepted" });
    expect(await monitor.listOnce()).toMatchObject({ confirming: 1 });
    await monitor.queues.poll.resume();
    await monitor.drain();
    expect(h.sim.requestsFor(gone!.id)).toHaveLength(1);
    expect(getRequests()).toHaveLength(1);
  });

  it("an invite whose own poll was running when it dropped out is asked about by the next list", async () => {
    const ids = await tracked(3, { simulator: { listNonPending: false } });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    const [slow] = ids;
    // Its poll hangs until CLOUDFLARE_TIMEOUT: it is running while the list sees the invite drop out.
    h.sim.script(slow!, answers.hang());
    h.clock.advance(16 * MINUTE);
    await monitor.sweepOnce();
    await waitUntil(() => h.sim.requestsFor(slow!).length === 1);
    h.sim.updateInvite(slow!, { status: "accepted" });
    expect(await monitor.listOnce()).toMatchObject({ confirming: 0 });
    await monitor.drain();
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ confirming: 1 });
    expect(await h.db.trackedInvite.findUniqueOrThrow({ where: { id: slow! } })).toMatchObject({ effectiveStatus: "accepted" });
    expect(h.sim.requestsFor(slow!)).toHaveLength(2);
  });


  it("a list that suddenly shows nothing (a glitch) raises no alert: each invite is asked about once and stays pending", async () => {
    await tracked(20, { slack: true });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.listOnce();
    h.sim.script("*", { status: 200, body: envelope(true, []) });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ listed: 0, confirming: 20 });
    await notifyUntilIdle(monitor);
    expect(await h.db.alert.count()).toBe(0);
    expect(await h.db.trackedInvite.count({ where: { effectiveStatus: "pending" } })).toBe(20);
    expect(getRequests()).toHaveLength(20);
  });
});
