import { describe, expect, it } from "vitest";
import { effectiveStatus, isDocumentedStatus } from "../../src/invites/effectiveStatus.js";
import type { EffectiveStatus } from "../../src/invites/inviteState.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const offset = (ms: number) => new Date(NOW.getTime() + ms);

describe("effectiveStatus", () => {
  it.each<{ api: string | null; expiresOn: Date | null; expected: EffectiveStatus; note: string }>([
    { api: "pending", expiresOn: null, expected: "pending", note: "pending without expires_on" },
    { api: "pending", expiresOn: offset(60_000), expected: "pending", note: "pending, expires in a minute" },
    { api: "pending", expiresOn: offset(1), expected: "pending", note: "pending, expires in 1 ms" },
    { api: "pending", expiresOn: offset(0), expected: "expired", note: "pending at exactly expires_on" },
    { api: "pending", expiresOn: offset(-1), expected: "expired", note: "pending 1 ms past expires_on" },
    { api: "pending", expiresOn: offset(-86_400_000), expected: "expired", note: "pending a day past expires_on" },
    { api: "accepted", expiresOn: null, expected: "accepted", note: "accepted" },
    { api: "accepted", expiresOn: offset(-60_000), expected: "accepted", note: "accepted after expires_on stays accepted" },
    { api: "rejected", expiresOn: offset(-60_000), expected: "rejected", note: "rejected after expires_on stays rejected" },
    { api: "rejected", expiresOn: null, expected: "rejected", note: "rejected" },
    { api: "expired", expiresOn: offset(60_000), expected: "expired", note: "expired before expires_on is trusted" },
    { api: "expired", expiresOn: null, expected: "expired", note: "expired" },
    { api: null, expiresOn: null, expected: "unknown", note: "missing status" },
    { api: null, expiresOn: offset(-60_000), expected: "expired", note: "missing status past expires_on" },
    { api: null, expiresOn: offset(60_000), expected: "unknown", note: "missing status before expires_on" },
    { api: "revoked", expiresOn: offset(0), expected: "expired", note: "undocumented status at exactly expires_on" },
    { api: "on_hold", expiresOn: offset(-86_400_000), expected: "expired", note: "undocumented status a day past expires_on" },
    { api: "", expiresOn: null, expected: "unknown", note: "empty status" },
    { api: "revoked", expiresOn: null, expected: "unknown", note: "undocumented status" },
    { api: "PENDING", expiresOn: null, expected: "unknown", note: "status is case-sensitive" },
    { api: "gone", expiresOn: null, expected: "unknown", note: "'gone' is ours, never the API's" },
  ])("$note -> $expected", ({ api, expiresOn, expected }) => {
    expect(effectiveStatus(api, expiresOn, NOW)).toBe(expected);
  });
});

describe("isDocumentedStatus", () => {
  it.each([
    ["pending", true],
    ["accepted", true],
    ["rejected", true],
    ["expired", true],
    [null, false],
    ["", false],
    ["PENDING", false],
    ["revoked", false],
  ] as const)("%s -> %s", (status, expected) => {
    expect(isDocumentedStatus(status)).toBe(expected);
  });
});
