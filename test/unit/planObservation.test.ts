import { describe, expect, it } from "vitest";
import type { InviteFields, TrackedInvite } from "../../src/invites/inviteState.js";
import { NOT_VISIBLE_HINT, nextCheckOfUnchanged, planObservation, type Observation, type ObservationPlan, type PlanSettings } from "../../src/observations/planObservation.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2025-03-01T12:00:00.000Z");
const EXPIRES = new Date("2025-03-08T12:00:00.000Z");
const ID = "4f5f0c14a2a41d5063dd301b2f829f04";

const settings: PlanSettings = {
  intervalMs: 15 * MINUTE,
  jitter: 0.1,
  failureBackoffMs: 30_000,
  expiryThresholdsMs: [72 * HOUR, 24 * HOUR, HOUR],
  random: () => 0,
};

const fields: InviteFields = {
  apiStatus: "pending",
  expiresOn: EXPIRES,
  invitedMemberId: "member-1",
  invitedMemberEmail: "alice@example.com",
  organizationId: "org-1",
  organizationName: "Example Org",
  invitedBy: "bob@example.com",
  invitedOn: new Date("2025-03-01T00:00:00.000Z"),
  roles: ["Administrator"],
  twoFactorEnforced: false,
};
const payload = { id: ID, status: "pending", region: "eu" };
const later = (ms: number) => new Date(NOW.getTime() + ms);

const neverSeen: TrackedInvite = {
  id: ID,
  label: "Alice",
  muted: false,
  apiStatus: null,
  expiresOn: null,
  invitedMemberId: null,
  invitedMemberEmail: null,
  organizationId: null,
  organizationName: null,
  invitedBy: null,
  invitedOn: null,
  roles: [],
  twoFactorEnforced: null,
  effectiveStatus: null,
  payload: null,
  active: true,
  nextCheckAt: NOW,
  lastCheckedAt: null,
  lastChangedAt: null,
  consecutiveFailures: 0,
  lastError: null,
  lastErrorAt: null,
  notFoundSince: null,
  expiryAlertedFor: null,
  expiryAlertedThresholdMs: null,
};
const seenPending: TrackedInvite = {
  ...neverSeen,
  ...fields,
  effectiveStatus: "pending",
  payload,
  nextCheckAt: NOW,
  lastCheckedAt: later(-15 * MINUTE),
  lastChangedAt: later(-HOUR),
};

const sameAnswer: Observation = { kind: "invite", fields, payload };
const notFound = (lastHealthyAt: Date | null): Observation => ({ kind: "not-found", error: "HTTP 404: 1003 Invite not found", lastHealthyAt });

function write(plan: ObservationPlan): Extract<ObservationPlan, { kind: "write" }> {
  expect(plan.kind).toBe("write");
  if (plan.kind !== "write") throw new Error("expected a write plan");
  return plan;
}

describe("planObservation: skips", () => {
  it.each<{ name: string; invite: TrackedInvite; observation: Observation; reason: string }>([
    { name: "inactive invite", invite: { ...seenPending, active: false }, observation: sameAnswer, reason: "inactive" },
    { name: "inactive invite, failure", invite: { ...seenPending, active: false }, observation: { kind: "failure", error: "x" }, reason: "inactive" },
    { name: "answer older than lastCheckedAt, next check already ahead", invite: { ...seenPending, lastCheckedAt: later(1), nextCheckAt: later(HOUR) }, observation: sameAnswer, reason: "stale" },
    { name: "stale 404", invite: { ...seenPending, lastCheckedAt: later(MINUTE), nextCheckAt: later(HOUR) }, observation: notFound(NOW), reason: "stale" },
    { name: "stale failure", invite: { ...seenPending, lastCheckedAt: later(MINUTE), nextCheckAt: later(HOUR) }, observation: { kind: "failure", error: "x" }, reason: "stale" },
  ])("$name -> skip $reason", ({ invite, observation, reason }) => {
    expect(planObservation(invite, observation, NOW, settings)).toEqual({ kind: "skip", reason });
  });

  it("an answer at exactly lastCheckedAt is not stale", () => {
    expect(planObservation({ ...seenPending, lastCheckedAt: NOW }, sameAnswer, NOW, settings).kind).toBe("write");
  });
});

describe("planObservation: every outcome moves the next check", () => {
  it.each<{ name: string; invite: TrackedInvite; observation: Observation }>([
    { name: "a stale answer while the invite is still due (a clock behind)", invite: { ...seenPending, lastCheckedAt: later(HOUR), nextCheckAt: later(-MINUTE) }, observation: sameAnswer },
    { name: "a stale failure while due", invite: { ...seenPending, lastCheckedAt: later(HOUR), nextCheckAt: NOW }, observation: { kind: "failure", error: "x" } },
    { name: "a failure", invite: seenPending, observation: { kind: "failure", error: "HTTP 502" } },
    { name: "an unconfirmed 404", invite: seenPending, observation: notFound(null) },
    { name: "a 404 never seen before", invite: neverSeen, observation: notFound(NOW) },
    { name: "an identical answer", invite: seenPending, observation: sameAnswer },
  ])("$name", ({ invite, observation }) => {
    const plan = write(planObservation(invite, observation, NOW, settings));
    expect(plan.next.nextCheckAt.getTime()).toBeGreaterThan(NOW.getTime());
    expect(plan.next.active).toBe(true);
  });

  it("a stale answer changes nothing but the next check", () => {
    const invite = { ...seenPending, lastCheckedAt: later(HOUR), nextCheckAt: later(-MINUTE) };
    const plan = write(planObservation(invite, { kind: "invite", fields: { ...fields, apiStatus: "accepted" }, payload }, NOW, settings));
    const { id: _id, label: _label, muted: _muted, ...state } = invite;
    expect(plan.next).toEqual({ ...state, nextCheckAt: later(15 * MINUTE) });
    expect(plan).toMatchObject({ snapshot: null, changes: [], alerts: [] });
  });
});

describe("planObservation: invite answers", () => {
  it("first observation -> snapshot with first=true, no changes, no alert", () => {
    const plan = write(planObservation(neverSeen, sameAnswer, NOW, settings));
    expect(plan.changes).toEqual([]);
    expect(plan.alerts).toEqual([]);
    expect(plan.snapshot).toEqual({ observedAt: NOW, apiStatus: "pending", effectiveStatus: "pending", expiresOn: EXPIRES, payload, changes: [], first: true });
    expect(plan.next).toMatchObject({ ...fields, effectiveStatus: "pending", active: true, lastCheckedAt: NOW, lastChangedAt: NOW, nextCheckAt: later(15 * MINUTE) });
  });

  it("identical observation -> no snapshot, but lastCheckedAt and nextCheckAt move", () => {
    const plan = write(planObservation(seenPending, sameAnswer, NOW, settings));
    expect(plan.snapshot).toBeNull();
    expect(plan.changes).toEqual([]);
    expect(plan.next).toMatchObject({ lastCheckedAt: NOW, lastChangedAt: seenPending.lastChangedAt, nextCheckAt: later(15 * MINUTE), active: true });
  });

  it.each([
    { name: "accepted", observation: { kind: "invite", fields: { ...fields, apiStatus: "accepted" }, payload: { ...payload, status: "accepted" } }, status: "accepted", active: false, fieldsChanged: ["apiStatus", "effectiveStatus"], alerts: ["accepted"] },
    { name: "roles changed", observation: { kind: "invite", fields: { ...fields, roles: ["Billing"] }, payload }, status: "pending", active: true, fieldsChanged: ["roles"], alerts: [] },
    { name: "unknown payload key changed", observation: { kind: "invite", fields, payload: { ...payload, region: "us" } }, status: "pending", active: true, fieldsChanged: ["payload.region"], alerts: [] },
    { name: "undocumented status", observation: { kind: "invite", fields: { ...fields, apiStatus: "on_hold" }, payload }, status: "unknown", active: true, fieldsChanged: ["apiStatus", "effectiveStatus"], alerts: [] },
    { name: "undocumented status past expires_on", observation: { kind: "invite", fields: { ...fields, apiStatus: "on_hold", expiresOn: later(-MINUTE) }, payload }, status: "expired", active: false, fieldsChanged: ["apiStatus", "effectiveStatus", "expiresOn"], alerts: ["expired"] },
    { name: "missing status past expires_on", observation: { kind: "invite", fields: { ...fields, apiStatus: null, expiresOn: later(-MINUTE) }, payload }, status: "expired", active: false, fieldsChanged: ["apiStatus", "effectiveStatus", "expiresOn"], alerts: ["expired"] },
  ] satisfies Array<{ name: string; observation: Observation; status: string; active: boolean; fieldsChanged: string[]; alerts: string[] }>)(
    "change ($name) -> snapshot with the changes, and its alerts",
    ({ observation, status, active, fieldsChanged, alerts }) => {
      const plan = write(planObservation(seenPending, observation, NOW, settings));
      expect(plan.changes.map((c) => c.field)).toEqual(fieldsChanged);
      expect(plan.snapshot).toMatchObject({ first: false, effectiveStatus: status, changes: plan.changes, observedAt: NOW });
      expect(plan.next).toMatchObject({ effectiveStatus: status, active, lastChangedAt: NOW, consecutiveFailures: 0 });
      expect(plan.alerts.map((a) => a.kind)).toEqual(alerts);
    },
  );

  it("a success clears the failure count, the last error and a 404 run", () => {
    const plan = write(planObservation({ ...seenPending, consecutiveFailures: 4, lastError: "x", lastErrorAt: NOW, notFoundSince: later(-MINUTE) }, sameAnswer, NOW, settings));
    expect(plan.next).toMatchObject({ consecutiveFailures: 0, lastError: null, lastErrorAt: null, notFoundSince: null });
  });

  it.each([
    { name: "at exactly expires_on", now: EXPIRES },
    { name: "a minute after expires_on", now: new Date(EXPIRES.getTime() + MINUTE) },
  ])("identical answer $name -> snapshot pending -> expired, inactive, one expired alert", ({ now }) => {
    const invite = { ...seenPending, lastCheckedAt: new Date(EXPIRES.getTime() - MINUTE) };
    const plan = write(planObservation(invite, sameAnswer, now, settings));
    expect(plan.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "expired" }]);
    expect(plan.snapshot).toMatchObject({ apiStatus: "pending", effectiveStatus: "expired", first: false });
    expect(plan.next).toMatchObject({ effectiveStatus: "expired", active: false });
    expect(plan.alerts.map((a) => a.kind)).toEqual(["expired"]);
  });

  it("crossing a threshold raises expiring once and stores the bookkeeping with the state", () => {
    const now = new Date(EXPIRES.getTime() - 23 * HOUR);
    const plan = write(planObservation({ ...seenPending, lastCheckedAt: new Date(now.getTime() - MINUTE) }, sameAnswer, now, settings));
    expect(plan.alerts.map((a) => [a.kind, a.content.thresholdMs])).toEqual([["expiring", 24 * HOUR]]);
    expect(plan.next).toMatchObject({ expiryAlertedFor: EXPIRES, expiryAlertedThresholdMs: 24 * HOUR });
  });

  it("a muted invite raises nothing, but its state still moves", () => {
    const plan = write(planObservation({ ...seenPending, muted: true }, { kind: "invite", fields: { ...fields, apiStatus: "accepted" }, payload }, NOW, settings));
    expect(plan.alerts).toEqual([]);
    expect(plan.next.effectiveStatus).toBe("accepted");
  });
});

describe("planObservation: a 404 is gone only when proven", () => {
  const streak = (sinceAgo: number): TrackedInvite => ({ ...seenPending, notFoundSince: later(-sinceAgo), consecutiveFailures: 1 });

  it.each<{ name: string; invite: TrackedInvite; lastHealthyAt: Date | null; gone: boolean }>([
    { name: "the first 404 of a seen invite", invite: seenPending, lastHealthyAt: NOW, gone: false },
    { name: "a second 404 a full FAILURE_BACKOFF later, Cloudflare answering others since", invite: streak(30_000), lastHealthyAt: later(-10_000), gone: true },
    { name: "a second 404, the normal answer exactly when the run began", invite: streak(30_000), lastHealthyAt: later(-30_000), gone: true },
    { name: "a second 404 too soon", invite: streak(29_999), lastHealthyAt: NOW, gone: false },
    { name: "a second 404 but no normal answer at all (a wrong URL 404s everything)", invite: streak(HOUR), lastHealthyAt: null, gone: false },
    { name: "a second 404 but the last normal answer is older than the run", invite: streak(HOUR), lastHealthyAt: later(-HOUR - 1), gone: false },
  ])("$name -> gone: $gone", ({ invite, lastHealthyAt, gone }) => {
    const plan = write(planObservation(invite, notFound(lastHealthyAt), NOW, settings));
    if (gone) {
      expect(plan.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "gone" }]);
      expect(plan.snapshot).toMatchObject({ effectiveStatus: "gone", payload: null, first: false, apiStatus: "pending" });
      expect(plan.next).toMatchObject({ effectiveStatus: "gone", active: false, lastCheckedAt: NOW, notFoundSince: null, payload });
      expect(plan.alerts.map((a) => a.kind)).toEqual(["gone"]);
    } else {
      expect(plan).toMatchObject({ snapshot: null, changes: [], alerts: [] });
      expect(plan.next).toMatchObject({ effectiveStatus: "pending", active: true, consecutiveFailures: invite.consecutiveFailures + 1, notFoundSince: invite.notFoundSince ?? NOW });
      expect(plan.next.lastError).toMatch(/^HTTP 404: 1003 Invite not found \(not confirmed/);
    }
  });

  it("a failure between two 404s keeps the run going", () => {
    const plan = write(planObservation(streak(10_000), { kind: "failure", error: "HTTP 502" }, NOW, settings));
    expect(plan.next.notFoundSince).toEqual(later(-10_000));
  });

  it("a 404 for an invite never seen is 'not visible': no snapshot, no alert, checked again with backoff", () => {
    const plan = write(planObservation(neverSeen, notFound(NOW), NOW, settings));
    expect(plan).toMatchObject({ snapshot: null, changes: [], alerts: [] });
    expect(plan.next).toMatchObject({ effectiveStatus: null, active: true, consecutiveFailures: 1, notFoundSince: NOW, nextCheckAt: later(30_000) });
    expect(plan.next.lastError).toContain(NOT_VISIBLE_HINT);
  });

  it("an invite never seen stays not visible however long it 404s", () => {
    const invite = { ...neverSeen, notFoundSince: later(-30 * 24 * HOUR), consecutiveFailures: 40 };
    const plan = write(planObservation(invite, notFound(NOW), NOW, settings));
    expect(plan.next).toMatchObject({ effectiveStatus: null, active: true, notFoundSince: invite.notFoundSince, nextCheckAt: later(15 * MINUTE) });
  });
});

describe("planObservation: failures", () => {
  it.each([
    { before: 0, after: 1, delay: 30_000 },
    { before: 1, after: 2, delay: 60_000 },
    { before: 9, after: 10, delay: 15 * MINUTE },
  ])("failure #$after -> retry in $delay ms, no snapshot", ({ before, after, delay }) => {
    const plan = write(planObservation({ ...seenPending, consecutiveFailures: before }, { kind: "failure", error: "HTTP 502" }, NOW, settings));
    expect(plan).toMatchObject({ snapshot: null, changes: [], alerts: [] });
    expect(plan.next).toMatchObject({ active: true, nextCheckAt: later(delay), lastCheckedAt: NOW, consecutiveFailures: after, lastError: "HTTP 502", lastErrorAt: NOW });
  });

  it("a failure never touches the tracked fields, the status or the payload", () => {
    const plan = write(planObservation(seenPending, { kind: "failure", error: "timeout" }, NOW, settings));
    expect(plan.next).toMatchObject({ ...fields, effectiveStatus: "pending", payload, lastChangedAt: seenPending.lastChangedAt });
  });

  it("a failing pending invite is still retried at its expiry mark", () => {
    const invite = { ...seenPending, expiresOn: later(HOUR + 10_000), consecutiveFailures: 6 };
    const plan = write(planObservation(invite, { kind: "failure", error: "x" }, NOW, settings));
    expect(plan.next.nextCheckAt).toEqual(later(10_000));
  });
});

describe("nextCheckOfUnchanged: the list's fast path sets the next check the full plan would", () => {
  it.each([
    { name: "days from expiry: the interval", now: NOW, apiStatus: "pending" },
    { name: "10 minutes before the 24 h mark: the mark", now: new Date(EXPIRES.getTime() - 24 * HOUR - 10 * MINUTE), apiStatus: "pending" },
    { name: "an undocumented status: expires_on is its only mark", now: new Date(EXPIRES.getTime() - 5 * MINUTE), apiStatus: "invited" },
    { name: "past expires_on: final, no next check", now: new Date(EXPIRES.getTime() + MINUTE), apiStatus: "pending" },
    { name: "a final status", now: NOW, apiStatus: "accepted" },
  ])("$name", ({ now, apiStatus }) => {
    const answer = { ...fields, apiStatus };
    const stored: TrackedInvite = { ...seenPending, apiStatus, effectiveStatus: apiStatus === "pending" ? "pending" : apiStatus === "accepted" ? "accepted" : "unknown", lastCheckedAt: new Date(now.getTime() - 30_000) };
    const plan = write(planObservation(stored, { kind: "invite", fields: answer, payload }, now, settings));
    const expected = plan.next.active ? plan.next.nextCheckAt : null;
    expect(nextCheckOfUnchanged(answer, now, settings)).toEqual(expected);
  });
});
