import { afterEach, describe, expect, it } from "vitest";
import { IDLE_CHECK_MS } from "../../src/notifier/createNotifier.js";
import { SWEEP_IDLE_CHECK_MS } from "../../src/scheduling/startSweepLoop.js";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { waitUntil } from "../helpers/waitUntil.js";

// The notifier and the sweep sleep while there is nothing to do (BENCHMARKS.md, row 8). Postgres NOTIFY is what
// wakes them: without it, work committed while they sleep would wait for their idle check, a minute later.
let h: Harness;
afterEach(async () => h?.close());

// Far below the idle checks, far above what a wake-up takes even on a loaded machine.
const BEFORE_THE_IDLE_CHECK_MS = Math.min(IDLE_CHECK_MS, SWEEP_IDLE_CHECK_MS) / 3;

describe("wake-ups", () => {
  it("an alert committed by a poll wakes the sleeping notifier: Slack has it long before the idle check", async () => {
    h = await startHarness({ slack: true, env: { CLOUDFLARE_LIST: "on" } });
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker", "notifier"]);
    await monitor.listOnce();
    // Nothing to send: the notifier has gone to sleep for its idle check.
    expect(await h.db.alert.count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));

    h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(30_000);
    await monitor.listOnce();
    await waitUntil(() => h.slack!.delivered().length === 1, BEFORE_THE_IDLE_CHECK_MS);
    // Slack's 200 arrives before the row is marked: wait for the mark, not just the message.
    await waitUntil(async () => (await h.db.alert.count({ where: { kind: "accepted", status: "delivered" } })) === 1, BEFORE_THE_IDLE_CHECK_MS);
  });

  it("an invite tracked while the sweep sleeps wakes it: the first GET goes out long before the idle check", async () => {
    h = await startHarness({ env: { CLOUDFLARE_LIST: "off" } });
    const monitor = h.monitor();
    await monitor.start(["scheduler", "worker"]);
    // Nothing tracked: the first sweep found nothing due and sleeps.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.sim.requests).toHaveLength(0);

    const id = inviteId(7);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    await waitUntil(() => h.sim.requestsFor(id).length === 1, BEFORE_THE_IDLE_CHECK_MS);
    await waitUntil(async () => (await h.db.snapshot.count({ where: { inviteId: id } })) === 1, BEFORE_THE_IDLE_CHECK_MS);
  });

  it("an invite the list made due wakes the sleeping sweep: its confirming GET does not wait for the idle check", async () => {
    // A rate window longer than BullMQ keeps finished polls: no confirmation is sent at once, all go to the sweep.
    h = await startHarness({ simulator: { listNonPending: false }, env: { CLOUDFLARE_LIST: "on", LIST_INTERVAL: "1h", CLOUDFLARE_RATE_WINDOW: "2h", CLOUDFLARE_RATE_LIMIT: "100000000", SWEEP_INTERVAL: "1s" } });
    const ids = [inviteId(1), inviteId(2)];
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["scheduler", "worker"]);
    // The first GETs are done and every next check is a poll interval away: after one more SWEEP_INTERVAL with
    // nothing queued, the sweep sleeps until its idle check.
    await waitUntil(async () => (await h.db.trackedInvite.count({ where: { lastCheckedAt: null } })) === 0, BEFORE_THE_IDLE_CHECK_MS);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const before = h.sim.requestsFor(ids[0]!).length;

    h.sim.updateInvite(ids[0]!, { status: "accepted" });
    h.clock.advance(30_000);
    expect(await monitor.listOnce()).toMatchObject({ confirming: 1 });
    await waitUntil(() => h.sim.requestsFor(ids[0]!).length === before + 1, BEFORE_THE_IDLE_CHECK_MS);
    await waitUntil(async () => (await h.db.trackedInvite.count({ where: { id: ids[0]!, effectiveStatus: "accepted" } })) === 1, BEFORE_THE_IDLE_CHECK_MS);
  });
});
