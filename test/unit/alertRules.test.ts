import { describe, expect, it } from "vitest";
import { credentialsAlert, decideAlerts, type AlertMemory } from "../../src/alerts/decideAlerts.js";
import type { EffectiveStatus, InviteFields } from "../../src/invites/inviteState.js";

const H = 3_600_000;
const THRESHOLDS = [72 * H, 24 * H, 1 * H] as const;
const NOW = new Date("2025-03-01T12:00:00.000Z");
const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const EXPIRES = new Date("2025-03-08T12:00:00.000Z");
const at = (msFromNow: number) => new Date(NOW.getTime() + msFromNow);

function memory(overrides: Partial<AlertMemory> = {}): AlertMemory {
  return { label: null, muted: false, effectiveStatus: "pending", expiryAlertedFor: null, expiryAlertedThresholdMs: null, ...overrides };
}

function after(effectiveStatus: EffectiveStatus, expiresOn: Date | null = EXPIRES, overrides: Partial<InviteFields> = {}): InviteFields & { effectiveStatus: EffectiveStatus } {
  return {
    apiStatus: effectiveStatus === "gone" || effectiveStatus === "unknown" ? null : effectiveStatus,
    expiresOn,
    invitedMemberId: "member-1",
    invitedMemberEmail: "alice@example.com",
    organizationId: "org-1",
    organizationName: "Example Org",
    invitedBy: "bob@example.com",
    invitedOn: new Date("2025-02-22T12:00:00.000Z"),
    roles: ["Administrator"],
    twoFactorEnforced: false,
    effectiveStatus,
    ...overrides,
  };
}

describe("decideAlerts: transitions", () => {
  it.each<{ from: EffectiveStatus; to: "accepted" | "rejected" | "expired" | "gone"; expiresOn: Date | null; key: string }>([
    { from: "pending", to: "accepted", expiresOn: EXPIRES, key: `invite:${ID}:accepted:2025-03-08T12:00:00.000Z` },
    { from: "pending", to: "rejected", expiresOn: EXPIRES, key: `invite:${ID}:rejected:2025-03-08T12:00:00.000Z` },
    { from: "pending", to: "expired", expiresOn: at(-H), key: `invite:${ID}:expired:2025-03-01T11:00:00.000Z` },
    { from: "pending", to: "gone", expiresOn: EXPIRES, key: `invite:${ID}:gone:2025-03-08T12:00:00.000Z` },
    { from: "pending", to: "gone", expiresOn: null, key: `invite:${ID}:gone:none` },
    { from: "unknown", to: "accepted", expiresOn: EXPIRES, key: `invite:${ID}:accepted:2025-03-08T12:00:00.000Z` },
    { from: "accepted", to: "gone", expiresOn: null, key: `invite:${ID}:gone:none` },
  ])("$from -> $to (expiresOn $expiresOn) raises exactly one $to alert", ({ from, to, expiresOn, key }) => {
    const decision = decideAlerts(ID, memory({ effectiveStatus: from }), after(to, expiresOn), NOW, THRESHOLDS);
    expect(decision.alerts).toHaveLength(1);
    const [alert] = decision.alerts;
    expect(alert).toMatchObject({ dedupKey: key, kind: to, inviteId: ID });
    expect(alert?.content).toMatchObject({ kind: to, inviteId: ID, oldStatus: from, newStatus: to, thresholdMs: null, detail: null });
    expect(decision).toMatchObject({ expiryAlertedFor: null, expiryAlertedThresholdMs: null });
  });

  it.each<{ from: EffectiveStatus | null; to: EffectiveStatus; note: string }>([
    { from: null, to: "accepted", note: "first observation, already accepted" },
    { from: null, to: "rejected", note: "first observation, already rejected" },
    { from: null, to: "expired", note: "first observation, already expired" },
    { from: null, to: "gone", note: "first observation, already gone" },
    { from: null, to: "pending", note: "first observation, pending far from expiry" },
    { from: "accepted", to: "accepted", note: "identical accepted" },
    { from: "expired", to: "expired", note: "identical expired" },
    { from: "pending", to: "pending", note: "identical pending far from expiry" },
    { from: "pending", to: "unknown", note: "into unknown is not an alert kind" },
  ])("$note ($from -> $to) raises nothing", ({ from, to }) => {
    const expiresOn = to === "expired" ? at(-H) : EXPIRES;
    expect(decideAlerts(ID, memory({ effectiveStatus: from }), after(to, expiresOn), NOW, THRESHOLDS).alerts).toEqual([]);
  });

  it("freezes the invite's fields and the memory's label into the content", () => {
    const decision = decideAlerts(ID, memory({ label: "new SRE" }), after("accepted", EXPIRES, { roles: ["A", "B"] }), NOW, THRESHOLDS);
    expect(decision.alerts[0]?.content).toEqual({
      kind: "accepted", inviteId: ID, label: "new SRE", invitedMemberEmail: "alice@example.com", organizationName: "Example Org",
      organizationId: "org-1", roles: ["A", "B"], invitedBy: "bob@example.com", invitedOn: "2025-02-22T12:00:00.000Z",
      expiresOn: "2025-03-08T12:00:00.000Z", oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null,
      occurredAt: "2025-03-01T12:00:00.000Z",
    });
  });
});

describe("decideAlerts: expiring", () => {
  const same = (threshold: number) => ({ expiryAlertedFor: new Date(EXPIRES), expiryAlertedThresholdMs: threshold });
  it.each<{ note: string; mem: Partial<AlertMemory>; remaining: number; fires: number | null }>([
    { note: "80h left", mem: {}, remaining: 80 * H, fires: null },
    { note: "1 ms before the 72h mark", mem: {}, remaining: 72 * H + 1, fires: null },
    { note: "exactly 72h left", mem: {}, remaining: 72 * H, fires: 72 * H },
    { note: "just inside 72h", mem: {}, remaining: 72 * H - 1, fires: 72 * H },
    { note: "50h left, 72h already announced", mem: same(72 * H), remaining: 50 * H, fires: null },
    { note: "exactly 24h left, 72h announced", mem: same(72 * H), remaining: 24 * H, fires: 24 * H },
    { note: "23h left, 24h announced", mem: same(24 * H), remaining: 23 * H, fires: null },
    { note: "30 min left, 72h announced: skips to 1h", mem: same(72 * H), remaining: 30 * 60_000, fires: H },
    { note: "30 min left, 1h announced", mem: same(H), remaining: 30 * 60_000, fires: null },
    { note: "first observation, 30 min left: only the nearest", mem: { effectiveStatus: null }, remaining: 30 * 60_000, fires: H },
    { note: "first observation, 50h left", mem: { effectiveStatus: null }, remaining: 50 * H, fires: 72 * H },
    { note: "re-sent: later expires_on re-arms 72h", mem: { expiryAlertedFor: at(-H), expiryAlertedThresholdMs: H }, remaining: 72 * H, fires: 72 * H },
    { note: "stored threshold without a date", mem: { expiryAlertedFor: null, expiryAlertedThresholdMs: H }, remaining: 20 * H, fires: 24 * H },
  ])("pending, $note -> $fires", ({ mem, remaining, fires }) => {
    const expiresOn = at(remaining);
    const m = memory(mem);
    // "same(...)" is relative to EXPIRES: rebase it onto this case's expiresOn.
    if (m.expiryAlertedFor?.getTime() === EXPIRES.getTime()) m.expiryAlertedFor = new Date(expiresOn);
    const decision = decideAlerts(ID, m, after("pending", expiresOn), NOW, THRESHOLDS);
    if (fires === null) {
      expect(decision.alerts).toEqual([]);
      expect(decision).toMatchObject({ expiryAlertedFor: m.expiryAlertedFor, expiryAlertedThresholdMs: m.expiryAlertedThresholdMs });
      return;
    }
    expect(decision.alerts).toHaveLength(1);
    expect(decision.alerts[0]).toMatchObject({ kind: "expiring", inviteId: ID, dedupKey: `invite:${ID}:expiring:${fires}:${expiresOn.toISOString()}` });
    expect(decision.alerts[0]?.content).toMatchObject({ kind: "expiring", thresholdMs: fires, newStatus: "pending", expiresOn: expiresOn.toISOString() });
    expect(decision.expiryAlertedFor?.getTime()).toBe(expiresOn.getTime());
    expect(decision.expiryAlertedThresholdMs).toBe(fires);
  });

  it("walking towards expiry announces each threshold exactly once", () => {
    let m = memory();
    const fired: Array<number | null> = [];
    for (const remaining of [100, 72, 60, 24, 24, 10, 1, 0.5, 0.1].map((h) => h * H)) {
      const d = decideAlerts(ID, m, after("pending"), new Date(EXPIRES.getTime() - remaining), THRESHOLDS);
      fired.push(d.alerts[0]?.content.thresholdMs ?? null);
      expect(d.alerts.length).toBeLessThanOrEqual(1);
      m = { ...m, expiryAlertedFor: d.expiryAlertedFor, expiryAlertedThresholdMs: d.expiryAlertedThresholdMs };
    }
    expect(fired).toEqual([null, 72 * H, null, 24 * H, null, null, H, null, null]);
  });

  it.each([
    { note: "1h past expires_on", expiresOn: at(-H) },
    { note: "exactly at expires_on", expiresOn: at(0) },
  ])("a pending invite $note (effective expired) raises expired, never expiring", ({ expiresOn }) => {
    const decision = decideAlerts(ID, memory(), after("expired", expiresOn, { apiStatus: "pending" }), NOW, THRESHOLDS);
    expect(decision.alerts.map((a) => a.kind)).toEqual(["expired"]);
    expect(decision).toMatchObject({ expiryAlertedFor: null, expiryAlertedThresholdMs: null });
  });

  it("a pending invite without expires_on never raises expiring", () => {
    expect(decideAlerts(ID, memory(), after("pending", null), NOW, THRESHOLDS).alerts).toEqual([]);
  });
});

describe("decideAlerts: muted", () => {
  it("a muted transition raises nothing", () => {
    expect(decideAlerts(ID, memory({ muted: true }), after("accepted"), NOW, THRESHOLDS).alerts).toEqual([]);
  });

  it("a muted crossing raises nothing but moves the bookkeeping, so unmuting does not replay it", () => {
    const expiresOn = at(20 * H);
    const muted = decideAlerts(ID, memory({ muted: true }), after("pending", expiresOn), NOW, THRESHOLDS);
    expect(muted.alerts).toEqual([]);
    expect(muted.expiryAlertedFor?.getTime()).toBe(expiresOn.getTime());
    expect(muted.expiryAlertedThresholdMs).toBe(24 * H);

    const unmuted = memory({ expiryAlertedFor: muted.expiryAlertedFor, expiryAlertedThresholdMs: muted.expiryAlertedThresholdMs });
    expect(decideAlerts(ID, unmuted, after("pending", expiresOn), at(H), THRESHOLDS).alerts).toEqual([]);
    const next = decideAlerts(ID, unmuted, after("pending", expiresOn), at(19.5 * H), THRESHOLDS);
    expect(next.alerts.map((a) => a.content.thresholdMs)).toEqual([H]);
  });
});

describe("credentialsAlert", () => {
  it.each(["credentials_rejected", "credentials_restored"] as const)("%s is keyed by its incident start", (kind) => {
    const start = "2025-03-01T11:00:00.000Z";
    const draft = credentialsAlert(kind, start, "HTTP 403 from /user/invites", NOW);
    expect(draft).toMatchObject({ dedupKey: `credentials:${kind}:${start}`, kind, inviteId: null });
    expect(draft.content).toMatchObject({ kind, inviteId: null, detail: "HTTP 403 from /user/invites", roles: [], occurredAt: NOW.toISOString() });
    expect(credentialsAlert(kind, start, "other detail", at(H)).dedupKey).toBe(draft.dedupKey);
  });
});
