import { describe, expect, it } from "vitest";
import type { InviteState } from "../../src/invites/inviteState.js";
import { onlyTimesMoved } from "../../src/observations/onlyTimesMoved.js";

const at = (s: string) => new Date(`2026-12-01T${s}Z`);
const state: InviteState = {
  apiStatus: "pending", expiresOn: at("12:00:00"), invitedMemberId: null, invitedMemberEmail: "a@example.com",
  organizationId: "org", organizationName: "Org", invitedBy: null, invitedOn: null, roles: ["Admin"], twoFactorEnforced: false,
  effectiveStatus: "pending", payload: { id: "x", status: "pending" }, active: true, nextCheckAt: at("10:15:00"),
  lastCheckedAt: at("10:00:00"), lastChangedAt: at("09:00:00"), consecutiveFailures: 0, lastError: null, lastErrorAt: null,
  notFoundSince: null, expiryAlertedFor: null, expiryAlertedThresholdMs: null,
};

describe("onlyTimesMoved", () => {
  it.each<[string, Partial<InviteState>, boolean]>([
    ["nothing at all", {}, true],
    ["the check times only", { lastCheckedAt: at("10:30:00"), nextCheckAt: at("10:45:00") }, true],
    ["an equal date in a new object", { expiresOn: at("12:00:00") }, true],
    ["an equal payload with its keys in another order", { payload: { status: "pending", id: "x" } }, true],
    ["the status", { effectiveStatus: "accepted" }, false],
    ["a failure count", { consecutiveFailures: 1 }, false],
    ["the last error cleared", { lastError: "x" }, false],
    ["a 404 run begun", { notFoundSince: at("10:30:00") }, false],
    ["a role", { roles: ["Admin", "Billing"] }, false],
    ["the payload", { payload: { id: "x", status: "pending", region: "eu" } }, false],
    ["active", { active: false }, false],
    ["expiry bookkeeping", { expiryAlertedThresholdMs: 3_600_000 }, false],
    ["lastChangedAt", { lastChangedAt: at("10:30:00") }, false],
  ])("%s -> %s", (_name, change, expected) => {
    expect(onlyTimesMoved(state, { ...state, ...change })).toBe(expected);
  });
});
