/**
 * How a person reads the fields a snapshot records as changed: "status", not "effectiveStatus". The stored names stay
 * what they are (JSON output and scripts use them); only what is shown to people is translated.
 */
const LABELS = new Map<string, string>([
  ["effectiveStatus", "status"],
  ["apiStatus", "API status"],
  ["expiresOn", "expires on"],
  ["invitedMemberEmail", "email"],
  ["invitedMemberId", "member id"],
  ["organizationName", "organization"],
  ["organizationId", "organization id"],
  ["invitedBy", "invited by"],
  ["invitedOn", "invited on"],
  ["roles", "roles"],
  ["twoFactorEnforced", "two-factor required"],
  ["payload.roles", "role details"],
]);

/** Fields whose values are instants (ISO strings in a snapshot). */
const DATE_FIELDS = new Set(["expiresOn", "invitedOn"]);

/**
 * The readable name of a changed field. A field Cloudflare added that we do not track is recorded as
 * "payload.<key>" and shown by its key, underscores as spaces ("payload.member_since" → "member since").
 */
export function fieldLabel(field: string): string {
  const known = LABELS.get(field);
  if (known) return known;
  if (field.startsWith("payload.") && field.length > "payload.".length) return field.slice("payload.".length).replace(/_/g, " ");
  return field;
}

export function isDateField(field: string): boolean {
  return DATE_FIELDS.has(field);
}
