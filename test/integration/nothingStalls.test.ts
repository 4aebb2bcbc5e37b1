import { afterEach, describe, expect, it } from "vitest";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { notifyUntilIdle } from "../helpers/notify.js";

let h: Harness;
afterEach(async () => h?.close());

const HOUR = 3_600_000;

describe("every outcome of a poll moves next_check_at", () => {
  it("answers skipped as stale (a clock behind the stored state) no longer starve every other invite", async () => {
    // 10 requests/s and a 500 ms sweep: a sweep's batch is 10 invites.
    h = await startHarness({ env: { CLOUDFLARE_RATE_LIMIT: "10", CLOUDFLARE_RATE_WINDOW: "1s", SWEEP_INTERVAL: "500ms" } });
    const stuck = Array.from({ length: 10 }, (_, i) => inviteId(i + 1));
    const others = Array.from({ length: 5 }, (_, i) => inviteId(i + 101));
    for (const id of [...stuck, ...others]) h.sim.setInvite(inviteFixture(id));
    await h.track([...stuck, ...others]);
    const now = h.clock();
    // A process whose clock ran an hour ahead wrote these; they are the most overdue, so every sweep picks them first.
    await h.db.trackedInvite.updateMany({ where: { id: { in: stuck } }, data: { lastCheckedAt: new Date(now.getTime() + HOUR), nextCheckAt: new Date(now.getTime() - 60_000) } });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    for (let sweep = 0; sweep < 3; sweep++) {
      await monitor.sweepOnce();
      await monitor.drain();
    }

    const rows = await h.db.trackedInvite.findMany();
    for (const row of rows.filter((r) => others.includes(r.id))) expect(row.lastCheckedAt).toEqual(now);
    for (const row of rows.filter((r) => stuck.includes(r.id))) expect(row.nextCheckAt.getTime()).toBeGreaterThan(now.getTime());
    // Each stale invite was asked once, not at every sweep.
    for (const id of stuck) expect(h.sim.requestsFor(id)).toHaveLength(1);
  });

  it("a write Postgres keeps refusing ends in a recorded failure with backoff, not a re-poll at every sweep", async () => {
    h = await startHarness();
    const id = inviteId(5);
    h.sim.setInvite(inviteFixture(id, { organization_name: "Poison Org" }));
    await h.track([id]);
    // A rule of the database (a trigger raising P0001) refuses this answer, whatever its retries.
    await h.sql.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
      BEGIN IF NEW.organization_name = 'Poison Org' THEN RAISE EXCEPTION 'poisoned organization'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_poison BEFORE UPDATE ON tracked_invite FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    for (let sweep = 0; sweep < 3; sweep++) {
      await monitor.sweepOnce();
      await monitor.drain();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite).toMatchObject({ consecutiveFailures: 1, effectiveStatus: null });
    expect(invite.lastError).toMatch(/could not be stored \(P0001: poisoned organization\)/);
    expect(invite.nextCheckAt.getTime() - h.clock().getTime()).toBe(30_000);
    expect(h.sim.requestsFor(id)).toHaveLength(1);
  });

  it("when even the failure cannot be recorded, the check is deferred by a poll interval instead of repeated", async () => {
    h = await startHarness();
    const id = inviteId(6);
    h.sim.setInvite(inviteFixture(id, { organization_name: "Poison Org" }));
    await h.track([id]);
    // Refuses the answer and the record of its failure alike; only the bare deferral gets through.
    await h.sql.query(`
      CREATE FUNCTION refuse_all() RETURNS trigger AS $$
      BEGIN
        IF NEW.organization_name = 'Poison Org' OR NEW.last_checked_at IS DISTINCT FROM OLD.last_checked_at THEN RAISE EXCEPTION 'refused'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_all BEFORE UPDATE ON tracked_invite FOR EACH ROW EXECUTE FUNCTION refuse_all();`);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    for (let sweep = 0; sweep < 3; sweep++) {
      await monitor.sweepOnce();
      await monitor.drain();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const invite = await h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    expect(invite.nextCheckAt.getTime() - h.clock().getTime()).toBe(15 * 60_000);
    expect(invite.consecutiveFailures).toBe(1);
    expect(invite.lastError).toMatch(/could not be stored/);
    expect(h.sim.requestsFor(id)).toHaveLength(1);
  });
});

describe("the credentials alerts are written before the incident's marker", () => {
  it("an alert insert that fails once is written on the retry: one 🔑 and one 🔓, both delivered", async () => {
    h = await startHarness({ slack: true, env: { CLOUDFLARE_AUTH_RETRY: "1s" } });
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    // The first credentials alert insert fails (a sequence is not rolled back with the failed statement).
    await h.sql.query(`
      CREATE SEQUENCE alert_attempts;
      CREATE FUNCTION fail_first_alert() RETURNS trigger AS $$
      BEGIN IF NEW.kind = 'credentials_rejected' AND nextval('alert_attempts') = 1 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_first_alert BEFORE INSERT ON alert FOR EACH ROW EXECUTE FUNCTION fail_first_alert();`);
    h.sim.setAuth({ token: "revoked" });
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.sweepOnce();
    const deadline = Date.now() + 15_000;
    while ((await h.db.alert.count({ where: { kind: "credentials_rejected" } })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    h.sim.setAuth({ token: h.config.cloudflare.auth?.kind === "token" ? h.config.cloudflare.auth.token : "" });
    await monitor.drain({ timeoutMs: 20_000 });
    await notifyUntilIdle(monitor);

    const kinds = (await h.db.alert.findMany({ orderBy: { id: "asc" } })).map((a) => a.kind);
    expect(kinds).toEqual(["credentials_rejected", "credentials_restored"]);
    expect(h.slack!.delivered()).toHaveLength(2);
    expect(await monitor.cloudflareIncident()).toBeNull();
  });
});

describe("an undocumented status", () => {
  it("is recorded as unknown, warned about once, and is expired (and alerted) once expires_on passes", async () => {
    h = await startHarness({ now: "2026-11-28T12:00:00Z", env: { EXPIRY_THRESHOLDS: "1m" } });
    const id = inviteId(8);
    h.sim.setInvite(inviteFixture(id, { expires_on: "2026-11-28T13:00:00Z" }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    const pollAt = async (time: string) => {
      h.clock.set(time);
      await monitor.sweepOnce();
      await monitor.drain();
      return h.db.trackedInvite.findUniqueOrThrow({ where: { id } });
    };
    expect(await pollAt("2026-11-28T12:00:00Z")).toMatchObject({ effectiveStatus: "pending" });
    h.sim.updateInvite(id, { status: "on_hold" });
    expect(await pollAt("2026-11-28T12:15:00Z")).toMatchObject({ apiStatus: "on_hold", effectiveStatus: "unknown", active: true });
    await pollAt("2026-11-28T12:30:00Z");
    // An undocumented status is still checked at expires_on itself.
    expect((await pollAt("2026-11-28T12:45:00Z")).nextCheckAt).toEqual(new Date("2026-11-28T13:00:00Z"));

    expect(await pollAt("2026-11-28T13:00:00Z")).toMatchObject({ apiStatus: "on_hold", effectiveStatus: "expired", active: false });
    expect((await h.db.alert.findMany()).map((a) => a.kind)).toEqual(["expired"]);
    // Warned once, when the status appeared, though it was polled four times.
    expect(h.logs.entries().filter((e) => e.level === 40 && e.apiStatus === "on_hold")).toHaveLength(1);
    await pollAt("2026-11-28T15:00:00Z");
    expect(h.sim.requestsFor(id)).toHaveLength(5);
  });

});
