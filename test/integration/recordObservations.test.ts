import { afterEach, describe, expect, it } from "vitest";
import type { Observation } from "../../src/observations/planObservation.js";
import { groupCommit } from "../../src/lib/groupCommit.js";
import { recordObservations, type ObservationToRecord } from "../../src/polling/recordObservations.js";
import { startHarness, inviteFields, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";

// The batched write every poll goes through: many observations, one transaction, against the real Postgres.
let h: Harness;
afterEach(async () => h?.close());

const schedule = { intervalMs: 900_000, jitter: 0, failureBackoffMs: 30_000, expiryThresholdsMs: [3_600_000], random: () => 0 };

function seen(id: string, status: string, extra: Record<string, unknown> = {}): Observation {
  return {
    kind: "invite",
    fields: inviteFields(status, { roles: ["Account Administrator", "Billing"] }),
    payload: inviteFixture(id, { status, ...extra }),
  };
}

describe("recordObservations: a batch in one transaction", () => {
  it("writes each invite's state, snapshot and alerts as one write per invite would", async () => {
    h = await startHarness({ now: "2026-11-28T12:00:00Z" });
    const ids = Array.from({ length: 6 }, (_, i) => inviteId(i + 1));
    await h.track(ids);
    const now = h.clock();
    await recordObservations(h.sql, ids.map((id) => ({ inviteId: id, observation: seen(id, "pending"), now })), schedule);

    // Invite 3's first 404, which alone proves nothing; the batch below brings the second, corroborated.
    const notFound = (lastHealthyAt: Date) => ({ kind: "not-found" as const, error: "HTTP 404: 1003 Invite not found", lastHealthyAt });
    await recordObservations(h.sql, [{ inviteId: ids[2]!, observation: notFound(now), now: new Date(now.getTime() + 10_000) }], schedule);
    h.clock.advance(60_000);
    const later = h.clock();
    const batch: ObservationToRecord[] = [
      { inviteId: ids[0]!, observation: seen(ids[0]!, "accepted"), now: later },
      { inviteId: ids[1]!, observation: seen(ids[1]!, "pending"), now: later },
      { inviteId: ids[2]!, observation: notFound(later), now: later },
      { inviteId: ids[3]!, observation: { kind: "failure", error: "HTTP 502 from Cloudflare" }, now: later },
      { inviteId: inviteId(99), observation: seen(inviteId(99), "pending"), now: later },
    ];
    const results = await recordObservations(h.sql, batch, schedule);
    expect(results.map((r) => r.kind)).toEqual(["write", "write", "write", "write", "untracked"]);

    const rows = await h.db.trackedInvite.findMany({ orderBy: { id: "asc" } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ids[0]!)).toMatchObject({ effectiveStatus: "accepted", apiStatus: "accepted", active: false, lastCheckedAt: later, lastChangedAt: later });
    expect(byId.get(ids[1]!)).toMatchObject({ effectiveStatus: "pending", lastCheckedAt: later, lastChangedAt: now, roles: ["Account Administrator", "Billing"] });
    expect(byId.get(ids[2]!)).toMatchObject({ effectiveStatus: "gone", active: false });
    // A failed poll keeps everything it knew and counts the failure.
    expect(byId.get(ids[3]!)).toMatchObject({ effectiveStatus: "pending", consecutiveFailures: 1, lastError: "HTTP 502 from Cloudflare", lastErrorAt: later, lastChangedAt: now });
    expect(byId.get(ids[3]!)!.payload).toMatchObject({ id: ids[3], status: "pending" });
    // Untouched by this batch.
    expect(byId.get(ids[4]!)).toMatchObject({ effectiveStatus: "pending", lastCheckedAt: now });
    expect(byId.has(inviteId(99))).toBe(false);

    const snapshots = await h.db.snapshot.findMany({ where: { observedAt: later }, orderBy: { inviteId: "asc" } });
    expect(snapshots.map((s) => [s.inviteId, s.effectiveStatus, s.changedFields])).toEqual([
      [ids[0], "accepted", ["apiStatus", "effectiveStatus"]],
      [ids[2], "gone", ["effectiveStatus"]],
    ]);
    const alerts = await h.db.alert.findMany({ orderBy: { inviteId: "asc" } });
    expect(alerts.map((a) => [a.inviteId, a.kind, a.status, a.createdAt])).toEqual([
      [ids[0], "accepted", "pending", later],
      [ids[2], "gone", "pending", later],
    ]);
  });

  it("plans an invite seen twice in one batch against its first observation: one snapshot per change", async () => {
    h = await startHarness({ now: "2026-11-28T12:00:00Z" });
    const id = inviteId(7);
    await h.track([id]);
    const t0 = h.clock();
    const t1 = new Date(t0.getTime() + 1_000);
    const t2 = new Date(t0.getTime() + 2_000);
    await recordObservations(h.sql, [
      { inviteId: id, observation: seen(id, "pending"), now: t0 },
      { inviteId: id, observation: seen(id, "pending"), now: t1 },
      { inviteId: id, observation: seen(id, "rejected"), now: t2 },
    ], schedule);
    const snapshots = await h.db.snapshot.findMany({ where: { inviteId: id }, orderBy: { id: "asc" } });
    expect(snapshots.map((s) => [s.effectiveStatus, s.first, s.observedAt])).toEqual([
      ["pending", true, t0],
      ["rejected", false, t2],
    ]);
    expect(await h.db.alert.count({ where: { inviteId: id, kind: "rejected" } })).toBe(1);
  });

  it("writes nothing of a batch that Postgres refuses part of, and group commit still lands the others", async () => {
    h = await startHarness({ now: "2026-11-28T12:00:00Z" });
    const ids = Array.from({ length: 4 }, (_, i) => inviteId(i + 1));
    await h.track(ids);
    const now = h.clock();
    // A NUL character no text column can hold, as if it had slipped past the parser.
    const poisoned = seen(ids[2]!, "pending");
    if (poisoned.kind === "invite") poisoned.fields.organizationName = "Evil\u0000Org";
    const batch = ids.map((id) => ({ inviteId: id, observation: id === ids[2] ? poisoned : seen(id, "pending"), now }));

    await expect(recordObservations(h.sql, batch, schedule)).rejects.toThrow();
    expect(await h.db.snapshot.count()).toBe(0);
    expect(await h.db.trackedInvite.count({ where: { lastCheckedAt: { not: null } } })).toBe(0);

    const record = groupCommit((items: ObservationToRecord[]) => recordObservations(h.sql, items, schedule), { maxBatch: 64, maxConcurrent: 1 });
    const outcomes = await Promise.all(batch.map((item) => record(item).then((r) => r.kind, () => "refused")));
    expect(outcomes).toEqual(["write", "write", "refused", "write"]);
    const written = await h.db.snapshot.findMany({ orderBy: { inviteId: "asc" } });
    expect(written.map((s) => s.inviteId)).toEqual([ids[0], ids[1], ids[3]]);
  });
});
