import { describe, expect, it } from "vitest";
import type { InviteFields, StoredInviteState } from "../../src/invites/inviteState.js";
import { planObservation, type Observation, type ObservationPlan, type ScheduleSettings } from "../../src/invites/planObservation.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2025-03-01T12:00:00.000Z");
const EXPIRES = new Date("2025-03-08T12:00:00.000Z");

const schedule: ScheduleSettings = {
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
const payload = { id: "4f5f0c14a2a41d5063dd301b2f829f04", status: "pending", region: "eu" };

const neverSeen: StoredInviteState = {
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
  lastCheckedAt: null,
  consecutiveFailures: 0,
  active: true,
};
const seenPending: StoredInviteState = {
  ...fields,
  effectiveStatus: "pending",
  payload,
  lastCheckedAt: new Date(NOW.getTime() - 15 * MINUTE),
  consecutiveFailures: 0,
  active: true,
};

const sameAnswer: Observation = { kind: "invite", fields, payload };
const later = (ms: number) => new Date(NOW.getTime() + ms);

function write(plan: ObservationPlan): Extract<ObservationPlan, { kind: "write" }> {
  expect(plan.kind).toBe("write");
  if (plan.kind !== "write") throw new Error("expected a write plan");
  return plan;
}

describe("planObservation: skips", () => {
  it.each<{ name: string; current: StoredInviteState; observation: Observation; reason: string }>([
    { name: "inactive invite", current: { ...seenPending, active: false }, observation: sameAnswer, reason: "inactive" },
    { name: "inactive invite, failure", current: { ...seenPending, active: false }, observation: { kind: "failure", error: "x" }, reason: "inactive" },
    { name: "answer older than lastCheckedAt", current: { ...seenPending, lastCheckedAt: later(1) }, observation: sameAnswer, reason: "stale" },
    { name: "stale gone", current: { ...seenPending, lastCheckedAt: later(MINUTE) }, observation: { kind: "gone" }, reason: "stale" },
    { name: "stale failure", current: { ...seenPending, lastCheckedAt: later(MINUTE) }, observation: { kind: "failure", error: "x" }, reason: "stale" },
  ])("$name -> skip $reason", ({ current, observation, reason }) => {
    expect(planObservation(current, observation, NOW, schedule)).toEqual({ kind: "skip", reason });
  });

  it("an answer at exactly lastCheckedAt is not stale", () => {
    expect(planObservation({ ...seenPending, lastCheckedAt: NOW }, sameAnswer, NOW, schedule).kind).toBe("write");
  });
});

describe("planObservation: invite answers", () => {
  it("first observation -> snapshot with first=true and no changes", () => {
    const plan = write(planObservation(neverSeen, sameAnswer, NOW, schedule));
    expect(plan.changes).toEqual([]);
    expect(plan.snapshot).toEqual({
      observedAt: NOW,
      apiStatus: "pending",
      effectiveStatus: "pending",
      expiresOn: EXPIRES,
      payload,
      changes: [],
      first: true,
    });
    expect(plan.update).toMatchObject({ ...fields, effectiveStatus: "pending", active: true, lastCheckedAt: NOW, lastChangedAt: NOW });
    expect(plan.update.nextCheckAt).toEqual(later(15 * MINUTE));
  });

  it("identical observation -> no snapshot, but lastCheckedAt and nextCheckAt move", () => {
    const plan = write(planObservation(seenPending, sameAnswer, NOW, schedule));
    expect(plan.snapshot).toBeNull();
    expect(plan.changes).toEqual([]);
    expect(plan.update.lastCheckedAt).toEqual(NOW);
    expect(plan.update.lastChangedAt).toBeUndefined();
    expect(plan.update.nextCheckAt).toEqual(later(15 * MINUTE));
    expect(plan.update.active).toBe(true);
  });

  it.each([
    {
      name: "accepted",
      observation: { kind: "invite", fields: { ...fields, apiStatus: "accepted" }, payload: { ...payload, status: "accepted" } },
      status: "accepted",
      active: false,
      fieldsChanged: ["apiStatus", "effectiveStatus"],
    },
    {
      name: "roles changed",
      observation: { kind: "invite", fields: { ...fields, roles: ["Billing"] }, payload },
      status: "pending",
      active: true,
      fieldsChanged: ["roles"],
    },
    {
      name: "unknown payload key changed",
      observation: { kind: "invite", fields, payload: { ...payload, region: "us" } },
      status: "pending",
      active: true,
      fieldsChanged: ["payload.region"],
    },
    {
      name: "undocumented status",
      observation: { kind: "invite", fields: { ...fields, apiStatus: "on_hold" }, payload },
      status: "unknown",
      active: true,
      fieldsChanged: ["apiStatus", "effectiveStatus"],
    },
  ] satisfies Array<{ name: string; observation: Observation; status: string; active: boolean; fieldsChanged: string[] }>)(
    "change ($name) -> snapshot with the changes",
    ({ observation, status, active, fieldsChanged }) => {
      const plan = write(planObservation(seenPending, observation, NOW, schedule));
      expect(plan.changes.map((c) => c.field)).toEqual(fieldsChanged);
      expect(plan.snapshot).toMatchObject({ first: false, effectiveStatus: status, changes: plan.changes, observedAt: NOW });
      expect(plan.update).toMatchObject({ effectiveStatus: status, active, lastChangedAt: NOW, consecutiveFailures: 0 });
      expect(plan.update.nextCheckAt === undefined).toBe(!active);
    },
  );

  it("a success clears the failure count and the last error", () => {
    const plan = write(planObservation({ ...seenPending, consecutiveFailures: 4 }, sameAnswer, NOW, schedule));
    expect(plan.update).toMatchObject({ consecutiveFailures: 0, lastError: null, lastErrorAt: null });
  });

  it.each([
    { name: "at exactly expires_on", now: EXPIRES },
    { name: "a minute after expires_on", now: new Date(EXPIRES.getTime() + MINUTE) },
  ])("identical answer $name -> snapshot pending -> expired, inactive", ({ now }) => {
    const current = { ...seenPending, lastCheckedAt: new Date(EXPIRES.getTime() - MINUTE) };
    const plan = write(planObservation(current, sameAnswer, now, schedule));
    expect(plan.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "expired" }]);
    expect(plan.snapshot).toMatchObject({ apiStatus: "pending", effectiveStatus: "expired", first: false });
    expect(plan.update).toMatchObject({ effectiveStatus: "expired", active: false, nextCheckAt: undefined });
  });
});

describe("planObservation: gone", () => {
  it("a known invite that disappeared -> gone, inactive, snapshot without payload", () => {
    const plan = write(planObservation(seenPending, { kind: "gone" }, NOW, schedule));
    expect(plan.changes).toEqual([{ field: "effectiveStatus", old: "pending", new: "gone" }]);
    expect(plan.snapshot).toMatchObject({ effectiveStatus: "gone", payload: null, first: false, apiStatus: "pending" });
    expect(plan.update).toMatchObject({ effectiveStatus: "gone", active: false, nextCheckAt: undefined, lastCheckedAt: NOW });
  });

  it("an id that was never there -> a first snapshot, gone", () => {
    const plan = write(planObservation(neverSeen, { kind: "gone" }, NOW, schedule));
    expect(plan.snapshot).toMatchObject({ effectiveStatus: "gone", payload: null, first: true, changes: [] });
    expect(plan.update.active).toBe(false);
  });
});

describe("planObservation: failures", () => {
  it.each([
    { before: 0, after: 1, delay: 30_000 },
    { before: 1, after: 2, delay: 60_000 },
    { before: 9, after: 10, delay: 15 * MINUTE },
  ])("failure #$after -> retry in $delay ms, no snapshot", ({ before, after, delay }) => {
    const plan = write(planObservation({ ...seenPending, consecutiveFailures: before }, { kind: "failure", error: "HTTP 502" }, NOW, schedule));
    expect(plan.snapshot).toBeNull();
    expect(plan.changes).toEqual([]);
    expect(plan.update).toEqual({
      active: true,
      nextCheckAt: later(delay),
      lastCheckedAt: NOW,
      consecutiveFailures: after,
      lastError: "HTTP 502",
      lastErrorAt: NOW,
    });
  });

  it("a failure never touches the tracked fields or the status", () => {
    const plan = write(planObservation(seenPending, { kind: "failure", error: "timeout" }, NOW, schedule));
    expect(plan.update).not.toHaveProperty("effectiveStatus");
    expect(plan.update).not.toHaveProperty("apiStatus");
    expect(plan.update).not.toHaveProperty("payload");
  });

  it("a failing pending invite is still retried at its expiry mark", () => {
    const current = { ...seenPending, expiresOn: later(HOUR + 10_000), consecutiveFailures: 6 };
    const plan = write(planObservation(current, { kind: "failure", error: "x" }, NOW, schedule));
    expect(plan.update.nextCheckAt).toEqual(later(10_000));
  });
});
