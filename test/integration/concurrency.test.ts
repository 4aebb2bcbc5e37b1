import { afterEach, describe, expect, it } from "vitest";
import { recordObservations } from "../../src/polling/recordObservations.js";
import { startHarness, inviteFields, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("acceptance 7: two workers and two schedulers at once", () => {
  it("polls each due invite once per cycle and never stores a change twice", async () => {
    h = await startHarness({ env: { WORKER_CONCURRENCY: "4" } });
    const ids = Array.from({ length: 20 }, (_, i) => inviteId(i + 1));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const a = h.monitor();
    const b = h.monitor();
    await a.start(["worker"]);
    await b.start(["worker"]);

    const cycle = async () => {
      // Both schedulers sweep at the same moment, twice, as replicas would.
      await Promise.all([a.sweepOnce(), b.sweepOnce(), a.sweepOnce(), b.sweepOnce()]);
      await a.drain();
      await b.drain();
    };

    await cycle();
    for (const id of ids) expect(h.sim.requestsFor(id)).toHaveLength(1);

    const flipped = ids.slice(0, 10);
    for (const id of flipped) h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(16 * 60_000);
    await cycle();
    for (const id of ids) expect(h.sim.requestsFor(id)).toHaveLength(2);

    const counts = await h.db.snapshot.groupBy({ by: ["inviteId"], _count: true });
    const byId = new Map(counts.map((c) => [c.inviteId, c._count]));
    for (const id of ids) expect(byId.get(id)).toBe(flipped.includes(id) ? 2 : 1);
  });

  it("stores one snapshot when two workers record the same change at the same time", async () => {
    h = await startHarness();
    const id = inviteId(42);
    await h.track([id]);
    const schedule = { intervalMs: 900_000, jitter: 0, failureBackoffMs: 30_000, expiryThresholdsMs: [3_600_000], random: () => 0 };
    const pending = { kind: "invite" as const, fields: inviteFields("pending"), payload: inviteFixture(id) };
    await recordObservations(h.sql, [{ inviteId: id, observation: pending, now: h.clock() }], schedule);

    h.clock.advance(60_000);
    const accepted = { kind: "invite" as const, fields: inviteFields("accepted"), payload: inviteFixture(id, { status: "accepted" }) };
    await Promise.all(Array.from({ length: 5 }, () => recordObservations(h.sql, [{ inviteId: id, observation: accepted, now: h.clock() }], schedule)));

    const snapshots = await h.db.snapshot.findMany({ where: { inviteId: id }, orderBy: { id: "asc" } });
    expect(snapshots.map((s) => s.effectiveStatus)).toEqual(["pending", "accepted"]);
  });
});
