import type { FieldChange } from "../invites/inviteState.js";
import type { Db } from "./db.js";

/** One invite as its status page (and `check`) shows it: the stored state, its snapshots and its alerts. */
export interface InviteDetail {
  id: string;
  label: string | null;
  apiStatus: string | null;
  effectiveStatus: string | null;
  expiresOn: Date | null;
  invitedMemberEmail: string | null;
  organizationName: string | null;
  organizationId: string | null;
  invitedBy: string | null;
  invitedOn: Date | null;
  roles: string[];
  twoFactorEnforced: boolean | null;
  addedAt: Date;
  active: boolean;
  muted: boolean;
  lastCheckedAt: Date | null;
  lastChangedAt: Date | null;
  /** Null once the invite is no longer polled (final, or untracked). */
  nextCheckAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
  notVisible: boolean;
  untrackedAt: Date | null;
  slackChannel: string | null;
  /** Oldest first. */
  snapshots: Array<{ id: string; observedAt: Date; effectiveStatus: string; apiStatus: string | null; first: boolean; changes: FieldChange[] }>;
  /** Newest first, at most ALERTS_SHOWN. */
  alerts: Array<{ id: number; kind: string; status: string; createdAt: Date; deliveredAt: Date | null; failedAt: Date | null; attempts: number; lastError: string | null }>;
}

/** An invite's page lists this many alerts: a handful over its life, unless something loops. */
const ALERTS_SHOWN = 100;

/** The invite, or null when no row has this id. */
export async function readInviteDetail(db: Db, id: string): Promise<InviteDetail | null> {
  const row = await db.trackedInvite.findUnique({ where: { id } });
  if (!row) return null;
  const [snapshots, alerts] = await Promise.all([
    db.snapshot.findMany({ where: { inviteId: id }, orderBy: [{ observedAt: "asc" }, { id: "asc" }], select: { id: true, observedAt: true, effectiveStatus: true, apiStatus: true, first: true, changes: true } }),
    db.alert.findMany({
      where: { inviteId: id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: ALERTS_SHOWN,
      select: { id: true, kind: true, status: true, createdAt: true, deliveredAt: true, failedAt: true, attempts: true, lastError: true },
    }),
  ]);
  const polled = row.active && row.untrackedAt === null;
  return {
    id: row.id.trim(),
    label: row.label,
    apiStatus: row.apiStatus,
    effectiveStatus: row.effectiveStatus,
    expiresOn: row.expiresOn,
    invitedMemberEmail: row.invitedMemberEmail,
    organizationName: row.organizationName,
    organizationId: row.organizationId,
    invitedBy: row.invitedBy,
    invitedOn: row.invitedOn,
    roles: row.roles,
    twoFactorEnforced: row.twoFactorEnforced,
    addedAt: row.addedAt,
    active: row.active,
    muted: row.muted,
    lastCheckedAt: row.lastCheckedAt,
    lastChangedAt: row.lastChangedAt,
    nextCheckAt: polled ? row.nextCheckAt : null,
    consecutiveFailures: row.consecutiveFailures,
    lastError: row.lastError,
    notVisible: row.effectiveStatus === null && row.notFoundSince !== null,
    untrackedAt: row.untrackedAt,
    slackChannel: row.slackChannel,
    snapshots: snapshots.map((s) => ({ ...s, id: String(s.id), changes: s.changes as unknown as FieldChange[] })),
    alerts: alerts.map((a) => ({ ...a })),
  };
}
