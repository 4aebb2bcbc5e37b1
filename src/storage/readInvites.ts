import type { Db } from "./db.js";
import { InviteMonitorError } from "../lib/errors.js";

/** One row of `invite-monitor list`. */
export interface InviteSummary {
  id: string;
  label: string | null;
  apiStatus: string | null;
  effectiveStatus: string | null;
  expiresOn: Date | null;
  invitedMemberEmail: string | null;
  organizationName: string | null;
  active: boolean;
  lastCheckedAt: Date | null;
  nextCheckAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export async function listInvites(db: Db): Promise<InviteSummary[]> {
  const rows = await db.trackedInvite.findMany({
    orderBy: [{ addedAt: "asc" }, { id: "asc" }],
    select: {
      id: true, label: true, apiStatus: true, effectiveStatus: true, expiresOn: true, invitedMemberEmail: true,
      organizationName: true, active: true, lastCheckedAt: true, nextCheckAt: true, consecutiveFailures: true, lastError: true,
    },
  });
  return rows.map((row) => ({ ...row, id: row.id.trim(), nextCheckAt: row.active ? row.nextCheckAt : null }));
}

/** One snapshot of `invite-monitor history`. */
export interface HistoryEntry {
  observedAt: Date;
  apiStatus: string | null;
  effectiveStatus: string;
  expiresOn: Date | null;
  first: boolean;
  changes: Array<{ field: string; old: unknown; new: unknown }>;
}

export async function inviteHistory(db: Db, inviteId: string): Promise<HistoryEntry[]> {
  const invite = await db.trackedInvite.findUnique({ where: { id: inviteId }, select: { id: true } });
  if (!invite) throw new InviteMonitorError("INVITE_NOT_TRACKED", `invite ${inviteId} is not tracked (add it with: invite-monitor track ${inviteId})`);
  const rows = await db.snapshot.findMany({ where: { inviteId }, orderBy: [{ observedAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({
    observedAt: row.observedAt,
    apiStatus: row.apiStatus,
    effectiveStatus: row.effectiveStatus,
    expiresOn: row.expiresOn,
    first: row.first,
    changes: row.changes as HistoryEntry["changes"],
  }));
}
