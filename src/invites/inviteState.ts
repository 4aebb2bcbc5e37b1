/** The statuses Cloudflare documents. Anything else is recorded as it came, with effective status "unknown". */
export const API_STATUSES = ["pending", "accepted", "rejected", "expired"] as const;
export type ApiStatus = (typeof API_STATUSES)[number];

export type EffectiveStatus = "pending" | "accepted" | "rejected" | "expired" | "gone" | "unknown";

/** Effective statuses after which nothing can change: polling stops. */
export const FINAL_STATUSES: ReadonlySet<EffectiveStatus> = new Set(["accepted", "rejected", "expired", "gone"]);

/** The Invite fields we track, normalized from the API's `result`. */
export interface InviteFields {
  apiStatus: string | null;
  expiresOn: Date | null;
  invitedMemberId: string | null;
  invitedMemberEmail: string | null;
  organizationId: string | null;
  organizationName: string | null;
  invitedBy: string | null;
  invitedOn: Date | null;
  /** Role names; role objects from older API versions are reduced to their names. */
  roles: string[];
  twoFactorEnforced: boolean | null;
}

/** One field that differs between two observations. Values are JSON (dates as ISO strings). */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/** The last observed state of a tracked invite, as storage hands it to the rules. */
export interface StoredInviteState extends InviteFields {
  effectiveStatus: EffectiveStatus | null;
  payload: Record<string, unknown> | null;
  lastCheckedAt: Date | null;
  consecutiveFailures: number;
  active: boolean;
}

/** Just the tracked fields of anything that carries them (a stored state, an observed side). */
export function pickInviteFields(source: InviteFields): InviteFields {
  return {
    apiStatus: source.apiStatus,
    expiresOn: source.expiresOn,
    invitedMemberId: source.invitedMemberId,
    invitedMemberEmail: source.invitedMemberEmail,
    organizationId: source.organizationId,
    organizationName: source.organizationName,
    invitedBy: source.invitedBy,
    invitedOn: source.invitedOn,
    roles: source.roles,
    twoFactorEnforced: source.twoFactorEnforced,
  };
}
