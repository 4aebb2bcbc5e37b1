import { describe, expect, it } from "vitest";
import { MAX_LIST_PAGES, readInviteList } from "../../src/cloudflare/readInviteList.js";

const id = (n: number) => n.toString(16).padStart(32, "0");
const entry = (n: number, fields: Record<string, unknown> = {}) => ({
  id: id(n),
  invited_member_id: null,
  organization_id: "org",
  organization_name: "Example Org",
  invited_member_email: `user${n}@example.com`,
  status: "pending",
  expires_on: "2026-12-08T12:00:00Z",
  roles: ["Administrator"],
  ...fields,
});

describe("readInviteList: which entries can be observed from the list", () => {
  it.each<[string, unknown[], { listed: string[]; unclear: string[]; unnamed: number }]>([
    ["complete entries", [entry(1), entry(2)], { listed: [id(1), id(2)], unclear: [], unnamed: 0 }],
    ["an entry without a status asks the get endpoint", [entry(1, { status: undefined }), entry(2)], { listed: [id(2)], unclear: [id(1)], unnamed: 0 }],
    ["a null status likewise", [entry(1, { status: null })], { listed: [], unclear: [id(1)], unnamed: 0 }],
    ["an unparsable field (a date) likewise", [entry(1, { expires_on: "soon" })], { listed: [], unclear: [id(1)], unnamed: 0 }],
    ["a missing required key likewise", [entry(1, { organization_id: undefined })], { listed: [], unclear: [id(1)], unnamed: 0 }],
    ["an undocumented status is still a status", [entry(1, { status: "on_hold" })], { listed: [id(1)], unclear: [], unnamed: 0 }],
    ["an upper-case id is the same invite", [{ ...entry(1), id: id(1).toUpperCase().replace(/0/g, "0") }], { listed: [id(1)], unclear: [], unnamed: 0 }],
    ["the same entry twice is one invite", [entry(1), entry(1)], { listed: [id(1)], unclear: [], unnamed: 0 }],
    ["two different entries for one id prove nothing", [entry(1), entry(1, { status: "accepted" })], { listed: [], unclear: [id(1)], unnamed: 0 }],
    ["entries without a usable id are counted, not guessed", [{ ...entry(1), id: "nope" }, { ...entry(2), id: undefined }, null, "x", 7], { listed: [], unclear: [], unnamed: 5 }],
    ["an empty page", [], { listed: [], unclear: [], unnamed: 0 }],
  ])("%s", (_name, result, expected) => {
    const page = readInviteList(result, undefined, 1);
    expect([...page.listed.keys()].sort()).toEqual(expected.listed);
    expect([...page.unclear].sort()).toEqual(expected.unclear);
    expect(page.unnamed).toBe(expected.unnamed);
  });

  it("keeps the fields and the raw entry of a listed invite, unknown keys included", () => {
    const page = readInviteList([entry(1, { region: "eu" })], undefined, 1);
    expect(page.listed.get(id(1))).toMatchObject({ fields: { apiStatus: "pending", invitedMemberEmail: "user1@example.com" }, payload: { region: "eu" } });
  });
});

describe("readInviteList: pagination", () => {
  it.each<[string, unknown, number, number | null]>([
    ["no result_info: a single page", undefined, 1, null],
    ["result_info without total_pages", { page: 1, per_page: 50 }, 1, null],
    ["page 1 of 3", { page: 1, per_page: 50, total_pages: 3 }, 1, 2],
    ["page 3 of 3", { page: 3, total_pages: 3 }, 3, null],
    ["a page number missing: the one asked for counts", { total_pages: 3 }, 2, 3],
    ["total_pages not a number", { page: 1, total_pages: "3" }, 1, null],
    ["total_pages absurd: stops at the cap", { page: MAX_LIST_PAGES, total_pages: 1e9 }, MAX_LIST_PAGES, null],
    ["result_info not an object", "page 2", 1, null],
  ])("%s", (_name, info, page, next) => {
    expect(readInviteList([], info, page).nextPage).toBe(next);
  });
});
