/** The statuses Cloudflare documents. Anything else is recorded as it came, with effective status "unknown". */
export const API_STATUSES = ["pending", "accepted", "rejected", "expired"] as const;

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

/** Everything a poll may change about a tracked invite. Storage keeps one row of it per invite; the plan computes the next. */
export interface InviteState extends InviteFields {
  /** Null until the invite was first seen (a 200). */
  effectiveStatus: EffectiveStatus | null;
  /** The raw `result` of the latest snapshot, unknown fields included. */
  payload: Record<string, unknown> | null;
  /** False once the invite reached a final status: it is no longer polled. */
  active: boolean;
  nextCheckAt: Date;
  lastCheckedAt: Date | null;
  lastChangedAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** When the current run of 404 answers began; null once anything else was answered. */
  notFoundSince: Date | null;
  /** The expires_on the last "expiring" alert was for, and the threshold it announced (ms before expiry). */
  expiryAlertedFor: Date | null;
  expiryAlertedThresholdMs: number | null;
}

/** A tracked invite as the rules read it: its state, and what only the user sets. */
export interface TrackedInvite extends InviteState {
  id: string;
  label: string | null;
  muted: boolean;
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
