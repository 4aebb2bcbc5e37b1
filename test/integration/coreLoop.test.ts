import { afterEach, describe, expect, it } from "vitest";
import { startHarness, inviteFixture, inviteId, TOKEN, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

async function pollOnce(monitor = h.monitor()): Promise<void> {
  await monitor.start(["worker"]);
  await monitor.sweepOnce();
  await monitor.drain();
}

describe("acceptance 1: one sweep polls every due invite with the right credentials", () => {
  it("sends three GETs with a bearer token and stores three first snapshots", async () => {
    h = await startHarness();
    const ids = [inviteId(1), inviteId(2), inviteId(3)];
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);

    await pollOnce();

    const gets = h.sim.requests.filter((r) => r.method === "GET");
    expect(gets.map((r) => r.inviteId).sort()).toEqual(ids);
    for (const request of gets) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const snapshots = await h.db.snapshot.findMany({ orderBy: { inviteId: "asc" } });
    expect(snapshots.map((s) => [s.inviteId, s.first, s.effectiveStatus])).toEqual(ids.map((id) => [id, true, "pending"]));
    const invites = await h.db.trackedInvite.findMany();
    for (const invite of invites) {
      expect(invite.apiStatus).toBe("pending");
      expect(invite.invitedMemberEmail).toBe("new.member@example.com");
      expect(invite.lastCheckedAt?.toISOString()).toBe(h.clock().toISOString());
    }
  });

  it("sends X-Auth-Email and X-Auth-Key with the legacy global key, and no bearer token", async () => {
    const key = "legacy-global-key-0123456789abcdef";
    h = await startHarness({
      env: { CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_EMAIL: "ops@example.com", CLOUDFLARE_API_KEY: key },
      simulator: { auth: { email: "ops@example.com", key } },
    });
    const ids = [inviteId(1), inviteId(2), inviteId(3)];
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);

    await pollOnce();

    expect(h.sim.requests).toHaveLength(3);
    for (const request of h.sim.requests) {
      expect(request.headers["x-auth-email"]).toBe("ops@example.com");
      expect(request.headers["x-auth-key"]).toBe(key);
      expect(request.headers.authorization).toBeUndefined();
    }
    expect(await h.db.snapshot.count({ where: { first: true } })).toBe(3);
  });
});

describe("acceptance 2: changes become snapshots, identical answers do not", () => {
  it("records pending → accepted as one diff and stops polling the invite", async () => {
    h = await startHarness();
    const id = inviteId(7);
    h.sim.setInvite(inviteFixture(id, { future_field: { a: 1 } }));
    await h.track([id]);
    const monitor = h.monitor();
    await pollOnce(monitor);

    h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();

    const snapshots = await h.db.snapshot.findMany({ where: { inviteId: id }, orderBy: { id: "asc" } });
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]?.changes).toEqual([
      { field: "apiStatus", old: "pending", new: "accepted" },
      { field: "effectiveStatus", old: "pending", new: "accepted" },
    ]);
    // Unknown fields are kept in the stored payload.
    expect((snapshots[1]?.payload as Record<string, unknown>).future_field).toEqual({ a: 1 });
    const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite.active).toBe(false);

    h.clock.advance(60 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    expect(h.sim.requestsFor(id)).toHaveLength(2);
  });

  it("records a moved expires_on as its own diff, and an identical answer as no snapshot", async () => {
    h = await startHarness();
    const id = inviteId(8);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await pollOnce(monitor);

    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    expect(await h.db.snapshot.count()).toBe(1);
    const afterIdentical = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(afterIdentical.lastCheckedAt?.toISOString()).toBe(h.clock().toISOString());

    h.sim.updateInvite(id, { expires_on: "2026-12-11T12:00:00Z" });
    h.clock.advance(16 * 60_000);
    await monitor.sweepOnce();
    await monitor.drain();
    const snapshots = await h.db.snapshot.findMany({ orderBy: { id: "asc" } });
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]?.changes).toEqual([{ field: "expiresOn", old: "2026-12-04T12:00:00.000Z", new: "2026-12-11T12:00:00.000Z" }]);
    expect(h.sim.requestsFor(id)).toHaveLength(3);
  });
});
