import { isDeepStrictEqual } from "node:util";
import type { EffectiveStatus, FieldChange, InviteFields } from "./inviteState.js";

/** A side of the comparison: the tracked fields, the effective status, and the raw payload for unknown fields. */
export interface ObservedSide extends InviteFields {
  effectiveStatus: EffectiveStatus | null;
  payload: Record<string, unknown> | null;
}

/** Fields compared one by one, in the order changes are reported. */
const TRACKED_FIELDS = [
  "apiStatus",
  "effectiveStatus",
  "expiresOn",
  "invitedMemberId",
  "invitedMemberEmail",
  "organizationId",
  "organizationName",
  "invitedBy",
  "invitedOn",
  "roles",
  "twoFactorEnforced",
] as const satisfies ReadonlyArray<keyof ObservedSide>;

/** Payload keys already covered by a tracked field; every other key is compared as "payload.<key>". */
const MAPPED_PAYLOAD_KEYS = new Set([
  "id",
  "status",
  "expires_on",
  "invited_member_id",
  "invited_member_email",
  "organization_id",
  "organization_name",
  "invited_by",
  "invited_on",
  "roles",
  "organization_is_enforcing_twofactor",
]);

/** Lists what differs between two observations of one invite. Empty means "identical". */
export function diffInvite(before: ObservedSide, after: ObservedSide): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TRACKED_FIELDS) {
    const oldValue = toJson(before[field]);
    const newValue = toJson(after[field]);
    if (!sameJson(oldValue, newValue)) changes.push({ field, old: oldValue, new: newValue });
  }
  // Roles are tracked by name; a role object that changed inside (its permissions, say) under the same names is
  // still a change, reported from the raw payload.
  if (!changes.some((c) => c.field === "roles")) {
    const oldRoles = before.payload?.roles ?? null;
    const newRoles = after.payload?.roles ?? null;
    if (before.payload && after.payload && !sameJson(oldRoles, newRoles)) {
      changes.push({ field: "payload.roles", old: oldRoles, new: newRoles });
    }
  }
  const oldExtra = unmappedKeys(before.payload);
  const newExtra = unmappedKeys(after.payload);
  for (const key of [...new Set([...Object.keys(oldExtra), ...Object.keys(newExtra)])].sort()) {
    const oldValue = oldExtra[key] ?? null;
    const newValue = newExtra[key] ?? null;
    if (!sameJson(oldValue, newValue)) changes.push({ field: `payload.${key}`, old: oldValue, new: newValue });
  }
  return changes;
}

function unmappedKeys(payload: Record<string, unknown> | null): Record<string, unknown> {
  if (!payload) return {};
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !MAPPED_PAYLOAD_KEYS.has(key)));
}

function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/**
 * True when both serialize to the same JSON, keys in any order. Most comparisons are of equal values (an unchanged
 * invite, observed again), and a deep comparison settles those without building two strings; only what it calls
 * different (a key present as undefined, say) is serialized to be sure (BENCHMARKS.md, row 8).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) || stableStringify(a) === stableStringify(b);
}

/** JSON with sorted object keys, so {a,b} and {b,a} compare equal. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
