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
  /** Never seen, and answering 404: most likely an invitation addressed to someone other than the token's user. */
  notVisible: boolean;
}

const SUMMARY_COLUMNS = {
  id: true, label: true, addedAt: true, apiStatus: true, effectiveStatus: true, expiresOn: true, invitedMemberEmail: true,
  organizationName: true, active: true, lastCheckedAt: true, nextCheckAt: true, consecutiveFailures: true, lastError: true,
  notFoundSince: true,
} as const;

/**
 * Every tracked invite, in pages, in the order they were added (then by id): a caller that prints them as it goes
 * never holds 100,000 of them at once, which the image's 128 MB heap could not.
 */
export async function* listInvitePages(db: Db, pageSize = 2_000): AsyncGenerator<InviteSummary[]> {
  let after: { addedAt: Date; id: string } | null = null;
  for (;;) {
    const where = after ? { OR: [{ addedAt: { gt: after.addedAt } }, { addedAt: after.addedAt, id: { gt: after.id } }] } : {};
    const rows = await db.trackedInvite.findMany({
      where,
      orderBy: [{ addedAt: "asc" }, { id: "asc" }],
      take: pageSize,
      select: SUMMARY_COLUMNS,
    });
    if (rows.length === 0) return;
    yield rows.map(({ notFoundSince, addedAt: _addedAt, ...row }) => ({
      ...row,
      id: row.id.trim(),
      nextCheckAt: row.active ? row.nextCheckAt : null,
      notVisible: row.effectiveStatus === null && notFoundSince !== null,
    }));
    const last: { addedAt: Date; id: string } = rows.at(-1)!;
    after = { addedAt: last.addedAt, id: last.id };
    if (rows.length < pageSize) return;
  }
}

/** How many invites there are, and the longest label and API status among them: a paged table still lines up. */
export async function inviteTableShape(db: Db): Promise<{ count: number; labelWidth: number; apiStatusWidth: number }> {
  const [row] = await db.$queryRaw<Array<{ count: bigint; label: number | null; api_status: number | null }>>`
    SELECT count(*) AS count, max(char_length(label)) AS label, max(char_length(api_status)) AS api_status FROM tracked_invite`;
  return { count: Number(row?.count ?? 0), labelWidth: row?.label ?? 0, apiStatusWidth: row?.api_status ?? 0 };
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
