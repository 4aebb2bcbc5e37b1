import { describe, expect, it } from "vitest";
import { diffInvite, sameJson, stableStringify, type ObservedSide } from "../../src/invites/diffInvite.js";

function side(overrides: Partial<ObservedSide> = {}): ObservedSide {
  return {
    apiStatus: "pending",
    effectiveStatus: "pending",
    expiresOn: new Date("2025-03-08T12:00:00.000Z"),
    invitedMemberId: "member-1",
    invitedMemberEmail: "alice@example.com",
    organizationId: "org-1",
    organizationName: "Example Org",
    invitedBy: "bob@example.com",
    invitedOn: new Date("2025-03-01T12:00:00.000Z"),
    roles: ["Administrator"],
    twoFactorEnforced: false,
    payload: { id: "4f5f0c14a2a41d5063dd301b2f829f04", status: "pending", region: "eu" },
    ...overrides,
  };
}

describe("diffInvite", () => {
  it("identical observations -> no changes", () => {
    expect(diffInvite(side(), side())).toEqual([]);
  });

  it("equal dates in distinct Date objects are not a change", () => {
    const a = side({ expiresOn: new Date("2025-03-08T12:00:00.000Z") });
    const b = side({ expiresOn: new Date("2025-03-08T12:00:00.000Z") });
    expect(diffInvite(a, b)).toEqual([]);
  });

  it.each([
    {
      name: "status change",
      after: { apiStatus: "accepted", effectiveStatus: "accepted" as const },
      expected: [
        { field: "apiStatus", old: "pending", new: "accepted" },
        { field: "effectiveStatus", old: "pending", new: "accepted" },
      ],
    },
    {
      name: "effective status only (expiry passed)",
      after: { effectiveStatus: "expired" as const },
      expected: [{ field: "effectiveStatus", old: "pending", new: "expired" }],
    },
    {
      name: "expiresOn as ISO strings",
      after: { expiresOn: new Date("2025-03-15T12:00:00.000Z") },
      expected: [{ field: "expiresOn", old: "2025-03-08T12:00:00.000Z", new: "2025-03-15T12:00:00.000Z" }],
    },
    {
      name: "expiresOn removed",
      after: { expiresOn: null },
      expected: [{ field: "expiresOn", old: "2025-03-08T12:00:00.000Z", new: null }],
    },
    {
      name: "roles change",
      after: { roles: ["Administrator", "Billing"] },
      expected: [{ field: "roles", old: ["Administrator"], new: ["Administrator", "Billing"] }],
    },
    {
      name: "twoFactorEnforced change",
      after: { twoFactorEnforced: true },
      expected: [{ field: "twoFactorEnforced", old: false, new: true }],
    },
    {
      name: "email change",
      after: { invitedMemberEmail: null },
      expected: [{ field: "invitedMemberEmail", old: "alice@example.com", new: null }],
    },
  ])("$name", ({ after, expected }) => {
    expect(diffInvite(side(), side(after))).toEqual(expected);
  });

  describe("roles given as objects", () => {
    const admin = (permissions: string[]) => ({ id: "05784afa30c1afe1440e79d9351c7430", name: "Administrator", permissions });
    const withRoles = (roles: unknown[]) => side({ roles: ["Administrator"], payload: { id: "4f5f0c14a2a41d5063dd301b2f829f04", status: "pending", roles } });

    it("a change inside a role under the same name is reported from the payload", () => {
      const before = withRoles([admin(["#zone:read"])]);
      const after = withRoles([admin(["#zone:read", "#zone:edit"])]);
      expect(diffInvite(before, after)).toEqual([{ field: "payload.roles", old: [admin(["#zone:read"])], new: [admin(["#zone:read", "#zone:edit"])] }]);
    });

    it("identical role objects, keys in another order, are not a change", () => {
      const before = withRoles([{ name: "Administrator", id: "05784afa30c1afe1440e79d9351c7430", permissions: ["#zone:read"] }]);
      expect(diffInvite(before, withRoles([admin(["#zone:read"])]))).toEqual([]);
    });

    it("a renamed role is reported once, as a roles change", () => {
      const after = side({ roles: ["Billing"], payload: { id: "4f5f0c14a2a41d5063dd301b2f829f04", status: "pending", roles: [{ name: "Billing" }] } });
      expect(diffInvite(withRoles([admin([])]), after).map((c) => c.field)).toEqual(["roles"]);
    });

    it("without a stored payload (a failure-only history) nothing is invented", () => {
      expect(diffInvite(side({ payload: null }), withRoles([admin([])])).filter((c) => c.field === "payload.roles")).toEqual([]);
    });
  });

  it("reports tracked fields in a fixed order", () => {
    const changes = diffInvite(side(), side({ roles: [], apiStatus: "weird", organizationName: "Renamed" }));
    expect(changes.map((c) => c.field)).toEqual(["apiStatus", "organizationName", "roles"]);
  });

  it.each([
    { name: "added key", before: {}, after: { region: "us" }, expected: [{ field: "payload.region", old: null, new: "us" }] },
    { name: "removed key", before: { region: "eu" }, after: {}, expected: [{ field: "payload.region", old: "eu", new: null }] },
    { name: "changed key", before: { region: "eu" }, after: { region: "us" }, expected: [{ field: "payload.region", old: "eu", new: "us" }] },
    {
      name: "nested change",
      before: { meta: { a: 1, tags: ["x"] } },
      after: { meta: { a: 1, tags: ["x", "y"] } },
      expected: [{ field: "payload.meta", old: { a: 1, tags: ["x"] }, new: { a: 1, tags: ["x", "y"] } }],
    },
    {
      name: "several keys, sorted",
      before: { zeta: 1, alpha: 1 },
      after: { zeta: 2, alpha: 2 },
      expected: [
        { field: "payload.alpha", old: 1, new: 2 },
        { field: "payload.zeta", old: 1, new: 2 },
      ],
    },
  ])("unknown payload key: $name", ({ before, after, expected }) => {
    expect(diffInvite(side({ payload: before }), side({ payload: after }))).toEqual(expected);
  });

  it.each([
    { name: "mapped keys are covered by tracked fields", before: { status: "pending", invited_by: "a" }, after: { status: "accepted", invited_by: "b" } },
    { name: "key order at the top level", before: { a: 1, b: 2 }, after: { b: 2, a: 1 } },
    { name: "key order in a nested object", before: { meta: { a: 1, b: { c: 1, d: 2 } } }, after: { meta: { b: { d: 2, c: 1 }, a: 1 } } },
    { name: "null payload vs empty payload", before: null, after: {} },
    { name: "a key set to null vs an absent key", before: { region: null }, after: {} },
  ])("no change: $name", ({ before, after }) => {
    expect(diffInvite(side({ payload: before }), side({ payload: after }))).toEqual([]);
  });

  it("array order in the payload is a change", () => {
    expect(diffInvite(side({ payload: { tags: ["a", "b"] } }), side({ payload: { tags: ["b", "a"] } }))).toHaveLength(1);
  });
});

describe("stableStringify", () => {
  it.each([
    { a: { x: 1, y: 2 }, b: { y: 2, x: 1 } },
    { a: { outer: { x: [{ p: 1, q: 2 }] } }, b: { outer: { x: [{ q: 2, p: 1 }] } } },
  ])("ignores key order: %j", ({ a, b }) => {
    expect(stableStringify(a)).toBe(stableStringify(b));
  });

  it.each([
    { a: [1, 2], b: [2, 1] },
    { a: { x: 1 }, b: { x: "1" } },
    { a: { x: null }, b: {} },
  ])("distinguishes %j", ({ a, b }) => {
    expect(stableStringify(a)).not.toBe(stableStringify(b));
  });

  it("sorts keys in the output", () => {
    expect(stableStringify({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});

describe("sameJson: equal as JSON, keys in any order", () => {
  it.each([
    { a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, same: true },
    { a: { x: 1, gone: undefined }, b: { x: 1 }, same: true },
    { a: [1, 2], b: [2, 1], same: false },
    { a: { x: { deep: "a" } }, b: { x: { deep: "b" } }, same: false },
    { a: null, b: null, same: true },
    { a: "2026-12-01T00:00:00.000Z", b: new Date("2026-12-01T00:00:00.000Z"), same: true },
    { a: 1, b: "1", same: false },
    { a: {}, b: [], same: false },
  ])("$a vs $b -> $same", ({ a, b, same }) => {
    expect(sameJson(a, b)).toBe(same);
  });
});
