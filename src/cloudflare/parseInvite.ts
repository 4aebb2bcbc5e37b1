import { z } from "zod";
import type { InviteFields } from "../invites/inviteState.js";
import { describeIssues } from "../lib/describeIssues.js";

/** One entry of the envelope's `errors` or `messages`. */
const messageSchema = z.looseObject({ code: z.number().optional(), message: z.string().optional() });

/** The envelope every Cloudflare v4 response comes in, success or failure. */
export const envelopeSchema = z.looseObject({
  success: z.boolean(),
  errors: z.array(messageSchema).optional().default([]),
  messages: z.array(messageSchema).optional().default([]),
  result: z.unknown().optional(),
  /** Pagination of list endpoints (`page`, `per_page`, `total_pages`, ...), when Cloudflare sends it. */
  result_info: z.unknown().optional(),
});

/** ISO 8601 with an offset, and a year Postgres can store as timestamptz without surprises. */
const isoDate = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1900 && date.getUTCFullYear() <= 9999, {
    message: "expected a date between the years 1900 and 9999",
  });
const optionalString = z.string().max(1_000).nullish();

/** Role names today; role objects ({id, name, ...}) in older API versions. Both reduce to a name. */
const roleSchema = z.union([
  z.string().max(1_000),
  z.looseObject({ name: z.string().max(1_000) }).transform((role) => role.name),
  z.looseObject({ id: z.string().max(1_000) }).transform((role) => role.id),
]);

/**
 * The Invite object. `invited_member_id` and `organization_id` are required keys; everything else may be
 * missing. Unknown fields pass through untouched: they are kept in the stored payload.
 */
export const inviteSchema = z.looseObject({
  id: z.string().max(100).optional(),
  invited_member_id: z.string().max(1_000).nullable(),
  organization_id: z.string().max(1_000),
  status: z.string().max(100).nullish(),
  expires_on: isoDate.nullish(),
  invited_on: isoDate.nullish(),
  invited_by: optionalString,
  invited_member_email: optionalString,
  organization_name: optionalString,
  organization_is_enforcing_twofactor: z.boolean().nullish(),
  roles: z.array(roleSchema).max(1_000).nullish(),
});

export type ParsedInvite =
  | { ok: true; fields: InviteFields; payload: Record<string, unknown> }
  | { ok: false; problem: string };

/** Unknown fields are stored as JSON; deeper nesting than this is not an Invite, and would exhaust the stack. */
const MAX_DEPTH = 32;

/** Validates a `result` and normalizes it. Never throws: a bad shape is a problem to record. */
export function parseInvite(result: unknown, expectedId: string): ParsedInvite {
  const unstorable = findUnstorable(result, 0, "");
  if (unstorable) return { ok: false, problem: `the result cannot be stored: ${unstorable}` };
  const parsed = inviteSchema.safeParse(result);
  if (!parsed.success) return { ok: false, problem: `the result is not an Invite: ${describeIssues(parsed.error)}` };
  const invite = parsed.data;
  if (invite.id !== undefined && invite.id.toLowerCase() !== expectedId) {
    return { ok: false, problem: `the result is for invite ${JSON.stringify(invite.id.slice(0, 40))}, not ${expectedId}` };
  }
  return {
    ok: true,
    payload: result as Record<string, unknown>,
    fields: {
      apiStatus: invite.status ?? null,
      expiresOn: invite.expires_on ?? null,
      invitedMemberId: invite.invited_member_id,
      invitedMemberEmail: invite.invited_member_email ?? null,
      organizationId: invite.organization_id,
      organizationName: invite.organization_name ?? null,
      invitedBy: invite.invited_by ?? null,
      invitedOn: invite.invited_on ?? null,
      roles: invite.roles ?? [],
      twoFactorEnforced: invite.organization_is_enforcing_twofactor ?? null,
    },
  };
}

/**
 * What Postgres would refuse in a jsonb or text column, found before it gets there: a NUL character, an unpaired
 * UTF-16 surrogate, or nesting too deep to walk. Returns where, or null when the value is storable.
 */
function findUnstorable(value: unknown, depth: number, path: string): string | null {
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels at ${path || "(root)"}`;
  if (typeof value === "string") return badText(value) ? `${badText(value)} in ${path || "(root)"}` : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const here = path ? `${path}.${String(key)}` : String(key);
    if (typeof key === "string" && badText(key)) return `${badText(key)} in a field name at ${path || "(root)"}`;
    const found = findUnstorable(item, depth + 1, here);
    if (found) return found;
  }
  return null;
}

function badText(text: string): string | null {
  if (text.includes("\u0000")) return "a NUL character";
  // A high surrogate not followed by a low one, or a low one not preceded by a high one.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return "an unpaired UTF-16 surrogate";
  return null;
}
