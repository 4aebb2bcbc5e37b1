import { describe, expect, it } from "vitest";
import { parseInvite, type ParsedInvite } from "../../src/cloudflare/parseInvite.js";

const ID = "4f5f0c14a2a41d5063dd301b2f829f04";

const invite = {
  id: ID,
  invited_member_id: "member-1",
  invited_member_email: "alice@example.com",
  organization_id: "org-1",
  organization_name: "Example Org",
  organization_is_enforcing_twofactor: true,
  invited_by: "bob@example.com",
  invited_on: "2025-03-01T12:00:00Z",
  expires_on: "2025-03-08T12:00:00.123456Z",
  status: "pending",
  roles: ["Administrator", "Billing"],
};

function ok(parsed: ParsedInvite): Extract<ParsedInvite, { ok: true }> {
  if (!parsed.ok) throw new Error(`expected ok, got problem: ${parsed.problem}`);
  return parsed;
}
function problem(parsed: ParsedInvite): string {
  if (parsed.ok) throw new Error("expected a problem, got ok");
  return parsed.problem;
}

describe("parseInvite: valid invites", () => {
  it("normalizes every tracked field", () => {
    expect(ok(parseInvite(invite, ID)).fields).toEqual({
      apiStatus: "pending",
      expiresOn: new Date("2025-03-08T12:00:00.123Z"),
      invitedMemberId: "member-1",
      invitedMemberEmail: "alice@example.com",
      organizationId: "org-1",
      organizationName: "Example Org",
      invitedBy: "bob@example.com",
      invitedOn: new Date("2025-03-01T12:00:00Z"),
      roles: ["Administrator", "Billing"],
      twoFactorEnforced: true,
    });
  });

  it.each([
    { name: "names", roles: ["Administrator"], expected: ["Administrator"] },
    {
      name: "role objects",
      roles: [
        { id: "r1", name: "Administrator", description: "Can do everything", permissions: { zone: { read: true, write: true } } },
        { id: "r2", name: "Billing", description: "Pays", permissions: {} },
      ],
      expected: ["Administrator", "Billing"],
    },
    { name: "role object with only an id", roles: [{ id: "r3" }], expected: ["r3"] },
    { name: "mixed", roles: ["Viewer", { id: "r1", name: "Administrator" }], expected: ["Viewer", "Administrator"] },
    { name: "empty", roles: [], expected: [] },
    { name: "null", roles: null, expected: [] },
    { name: "missing", roles: undefined, expected: [] },
  ])("roles as $name", ({ roles, expected }) => {
    expect(ok(parseInvite({ ...invite, roles }, ID)).fields.roles).toEqual(expected);
  });

  it.each([
    { name: "missing", status: undefined, expected: null },
    { name: "null", status: null, expected: null },
    { name: "unknown string", status: "on_hold", expected: "on_hold" },
    { name: "accepted", status: "accepted", expected: "accepted" },
  ])("status $name -> apiStatus $expected", ({ status, expected }) => {
    expect(ok(parseInvite({ ...invite, status }, ID)).fields.apiStatus).toBe(expected);
  });

  it("the minimal invite: only the required keys", () => {
    const parsed = ok(parseInvite({ invited_member_id: null, organization_id: "org-1" }, ID));
    expect(parsed.fields).toMatchObject({ apiStatus: null, expiresOn: null, invitedMemberId: null, roles: [], twoFactorEnforced: null });
  });

  it("keeps unknown fields, untouched, in the payload", () => {
    const result = { ...invite, region: "eu", meta: { nested: [1, { deep: true }] } };
    const parsed = ok(parseInvite(result, ID));
    expect(parsed.payload).toEqual(result);
    expect(parsed.payload.expires_on).toBe(invite.expires_on);
  });

  it.each(["2025-03-08T12:00:00Z", "2025-03-08T14:00:00+02:00", "2025-03-08T12:00:00.000000Z"])("accepts the date %s", (date) => {
    expect(ok(parseInvite({ ...invite, expires_on: date }, ID)).fields.expiresOn).toEqual(new Date("2025-03-08T12:00:00Z"));
  });

  it.each([ID, ID.toUpperCase(), undefined])("accepts a matching or missing id (%s)", (id) => {
    expect(parseInvite({ ...invite, id }, ID).ok).toBe(true);
  });
});

describe("parseInvite: problems", () => {
  it.each([
    { name: "missing organization_id", result: { ...invite, organization_id: undefined }, mentions: "organization_id" },
    { name: "missing invited_member_id", result: { ...invite, invited_member_id: undefined }, mentions: "invited_member_id" },
    { name: "invalid date", result: { ...invite, expires_on: "next tuesday" }, mentions: "expires_on" },
    { name: "impossible date", result: { ...invite, expires_on: "2025-02-30T00:00:00Z" }, mentions: "expires_on" },
    { name: "date without offset", result: { ...invite, invited_on: "2025-03-01T12:00:00" }, mentions: "invited_on" },
    { name: "status not a string", result: { ...invite, status: 3 }, mentions: "status" },
    { name: "roles not an array", result: { ...invite, roles: "Administrator" }, mentions: "roles" },
    { name: "role of the wrong type", result: { ...invite, roles: ["ok", 7] }, mentions: "roles.1" },
    { name: "2FA flag as a string", result: { ...invite, organization_is_enforcing_twofactor: "yes" }, mentions: "organization_is_enforcing_twofactor" },
  ])("$name -> a problem naming the field", ({ result, mentions }) => {
    const text = problem(parseInvite(result, ID));
    expect(text).toMatch(/^the result is not an Invite: /);
    expect(text).toContain(mentions);
  });

  it("a result for another invite -> id mismatch", () => {
    const other = "0123456789abcdef0123456789abcdef";
    expect(problem(parseInvite({ ...invite, id: other }, ID))).toBe(`the result is for invite "${other}", not ${ID}`);
  });

  it("lists at most five issues", () => {
    const text = problem(parseInvite({ roles: [1, 2, 3, 4, 5, 6, 7] }, ID));
    expect(text).toMatch(/; and \d+ more$/);
  });
});

describe("parseInvite: never throws", () => {
  let deep: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < 5_000; i += 1) deep = { child: deep };
  const cyclic: Record<string, unknown> = { ...invite };
  cyclic.self = cyclic;

  it.each([
    { name: "null", result: null, ok: false },
    { name: "undefined", result: undefined, ok: false },
    { name: "number", result: 42, ok: false },
    { name: "string", result: "pending", ok: false },
    { name: "boolean", result: true, ok: false },
    { name: "array", result: [invite], ok: false },
    { name: "empty object", result: {}, ok: false },
    { name: "deeply nested object", result: deep, ok: false },
    // Unknown fields are stored as jsonb: nesting Postgres or the serializer cannot take is refused up front.
    { name: "deeply nested unknown field", result: { ...invite, extra: deep }, ok: false },
    { name: "deeply nested roles", result: { ...invite, roles: [deep] }, ok: false },
    { name: "cyclic object", result: cyclic, ok: false },
    { name: "huge strings", result: { ...invite, status: "x".repeat(1_000_000) }, ok: false },
  ])("$name -> ok=$ok", ({ result, ok: expected }) => {
    let parsed: ParsedInvite | undefined;
    expect(() => {
      parsed = parseInvite(result, ID);
    }).not.toThrow();
    expect(parsed?.ok).toBe(expected);
    if (parsed && !parsed.ok) expect(parsed.problem.length).toBeLessThan(2_000);
  });
});
