import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "./db.js";
import { inviteConditions, whereClause, type InviteFilter, type StatusFilter } from "./inviteFilter.js";
import { readSummaries, type InviteSummary } from "./readInvites.js";

/** The status page's summary bar: tracked invites by status, and what expires next. */
export interface StatusCounts {
  byStatus: Record<StatusFilter, number>;
  /** Tracked invites. */
  total: number;
  failing: number;
  untracked: number;
  nextExpiry: { id: string; label: string | null; expiresOn: Date } | null;
}

/** The status of a row as the filters name it: its effective status, or the two states of one never observed. */
const STATUS_OF_ROW = Prisma.sql`CASE WHEN effective_status IS NOT NULL THEN effective_status::text WHEN not_found_since IS NOT NULL THEN 'not-visible' ELSE 'unchecked' END`;

export async function readStatusCounts(db: Db, now: Date): Promise<StatusCounts> {
  const [groups, totals, next] = await Promise.all([
    db.$queryRaw<Array<{ status: StatusFilter; count: bigint }>>`
      SELECT ${STATUS_OF_ROW} AS status, count(*) AS count FROM tracked_invite WHERE untracked_at IS NULL GROUP BY 1`,
    db.$queryRaw<Array<{ failing: bigint; untracked: bigint }>>`
      SELECT count(*) FILTER (WHERE consecutive_failures > 0 AND untracked_at IS NULL) AS failing,
             count(*) FILTER (WHERE untracked_at IS NOT NULL) AS untracked
      FROM tracked_invite`,
    db.$queryRaw<Array<{ id: string; label: string | null; expires_on: Date }>>`
      SELECT id, label, expires_on FROM tracked_invite
      WHERE untracked_at IS NULL AND effective_status = 'pending' AND expires_on > ${now}
      ORDER BY expires_on, id LIMIT 1`,
  ]);
  const byStatus = { pending: 0, accepted: 0, rejected: 0, expired: 0, gone: 0, unknown: 0, unchecked: 0, "not-visible": 0 } satisfies Record<StatusFilter, number>;
  for (const group of groups) byStatus[group.status] = Number(group.count);
  const soonest = next[0];
  return {
    byStatus,
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    failing: Number(totals[0]?.failing ?? 0),
    untracked: Number(totals[0]?.untracked ?? 0),
    nextExpiry: soonest ? { id: soonest.id.trim(), label: soonest.label, expiresOn: soonest.expires_on } : null,
  };
}

/**
 * One page of the status page's table: what needs attention first (pending, soonest to expire), then invites not
 * seen yet, then the settled ones, most recently changed first.
 */
export async function readInvitePage(db: Db, filter: InviteFilter, now: Date, page: { offset: number; limit: number }): Promise<{ rows: InviteSummary[]; total: number }> {
  const where = whereClause(inviteConditions(filter, now));
  const [rows, count] = await Promise.all([
    readSummaries(
      db,
      Prisma.sql`FROM tracked_invite ${where}
        ORDER BY CASE WHEN effective_status = 'pending' THEN 0 WHEN effective_status IS NULL OR effective_status = 'unknown' THEN 1 ELSE 2 END,
                 CASE WHEN effective_status = 'pending' THEN expires_on END NULLS LAST, last_changed_at DESC NULLS LAST, id
        LIMIT ${page.limit} OFFSET ${page.offset}`,
    ),
    db.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) AS count FROM tracked_invite ${where}`,
  ]);
  return { rows: rows.map(({ addedAt: _addedAt, ...summary }) => summary), total: Number(count[0]?.count ?? 0) };
}
