import { afterEach, describe, expect, it } from "vitest";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("acceptance 8: expiry drives the schedule", () => {
  it("checks an invite expiring in 30 minutes in time for the expiry mark, then sees it expire", async () => {
    const start = new Date("2026-11-28T12:00:00.000Z");
    const expiresOn = new Date(start.getTime() + 30 * 60_000);
    h = await startHarness({ now: start.toISOString() });
    const id = inviteId(30);
    // Cloudflare keeps saying "pending" after the deadline: the effective status must not wait for it.
    h.sim.setInvite(inviteFixture(id, { expires_on: expiresOn.toISOString(), status: "pending" }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    const pollAt = async (t: Date) => {
      h.clock.set(t);
      await monitor.sweepOnce();
      await monitor.drain();
      return h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    };

    let invite = await pollAt(start);
    // The 1h mark is already past; the 15-minute interval comes before the expiry mark.
    expect(invite.nextCheckAt.getTime()).toBeLessThanOrEqual(start.getTime() + 15 * 60_000);
    expect(invite.effectiveStatus).toBe("pending");

    invite = await pollAt(invite.nextCheckAt);
    // From here the interval would overshoot expires_on: the next check is the expiry itself.
    expect(invite.nextCheckAt.toISOString()).toBe(expiresOn.toISOString());

    invite = await pollAt(invite.nextCheckAt);
    expect(invite).toMatchObject({ apiStatus: "pending", effectiveStatus: "expired", active: false });
    const last = await h.db.snapshot.findFirstOrThrow({ where: { inviteId: id }, orderBy: { id: "desc" } });
    expect(last.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "expired" }]);
  });

  it("schedules a check at each alert threshold before expiry", async () => {
    const start = new Date("2026-11-28T12:00:00.000Z");
    const expiresOn = new Date(start.getTime() + 73 * 3_600_000);
    h = await startHarness({ now: start.toISOString(), env: { POLL_INTERVAL: "24h" } });
    const id = inviteId(31);
    h.sim.setInvite(inviteFixture(id, { expires_on: expiresOn.toISOString() }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      await monitor.sweepOnce();
      await monitor.drain();
      const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
      if (!invite.active) break;
      seen.push(`${(expiresOn.getTime() - invite.nextCheckAt.getTime()) / 3_600_000}h`);
      h.clock.set(invite.nextCheckAt);
    }
    // Before-expiry distance of each scheduled check: 72h, 48h (the 24h interval), 24h, 1h, then expiry.
    expect(seen).toEqual(["72h", "48h", "24h", "1h", "0h"]);
  });
});
