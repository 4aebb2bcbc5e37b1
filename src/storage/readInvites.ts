import { Prisma } from "../generated/prisma/client.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Db } from "./db.js";
import { inviteConditions, whereClause, type InviteFilter } from "./inviteFilter.js";

/** One row of `invite-monitor list` and of the status page's table. */
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
  /** When `untrack` stopped it; null while tracked. */
  untrackedAt: Date | null;
  /** The Slack channel its cards go to; null: SLACK_CHANNEL. */
  slackChannel: string | null;
}

interface SummaryRow {
  id: string;
  label: string | null;
  added_at: Date;
  api_status: string | null;
  effective_status: string | null;
  expires_on: Date | null;
  invited_member_email: string | null;
  organization_name: string | null;
  active: boolean;
  last_checked_at: Date | null;
  next_check_at: Date;
  consecutive_failures: number;
  last_error: string | null;
  not_found_since: Date | null;
  untracked_at: Date | null;
  slack_channel: string | null;
}

/** The columns of an InviteSummary, for `SELECT ${SUMMARY_COLUMNS} FROM tracked_invite ...`. */
export const SUMMARY_COLUMNS = Prisma.sql`id, label, added_at, api_status, effective_status::text AS effective_status, expires_on,
  invited_member_email, organization_name, active, last_checked_at, next_check_at, consecutive_failures, last_error, not_found_since,
  untracked_at, slack_channel`;

export function toSummary(row: SummaryRow): InviteSummary {
  return {
    id: row.id.trim(),
    label: row.label,
    apiStatus: row.api_status,
    effectiveStatus: row.effective_status,
    expiresOn: row.expires_on,
    invitedMemberEmail: row.invited_member_email,
    organizationName: row.organization_name,
    active: row.active,
    lastCheckedAt: row.last_checked_at,
    nextCheckAt: row.active ? row.next_check_at : null,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
    notVisible: row.effective_status === null && row.not_found_since !== null,
    untrackedAt: row.untracked_at,
    slackChannel: row.slack_channel,
  };
}

/** Reads summary rows: `query` is the rest of the statement after the columns (FROM, WHERE, ORDER BY, LIMIT). */
export async function readSummaries(db: Db, query: Prisma.Sql): Promise<Array<InviteSummary & { addedAt: Date }>> {
  const rows = await db.$queryRaw<SummaryRow[]>`SELECT ${SUMMARY_COLUMNS} ${query}`;
  return rows.map((row) => ({ ...toSummary(row), addedAt: row.added_at }));
}

/**
 * The tracked invites a filter selects (every tracked one by default), in pages, in the order they were added (then
 * by id): a caller that prints them as it goes never holds 100,000 of them at once, which the image's 128 MB heap
 * could not. `now` is when "expiring within" counts from.
 */
export async function* listInvitePages(db: Db, options: { filter?: InviteFilter; now: Date; pageSize?: number }): AsyncGenerator<InviteSummary[]> {
  const conditions = inviteConditions(options.filter ?? {}, options.now);
  const pageSize = options.pageSize ?? 2_000;
  let after: { addedAt: Date; id: string } | null = null;
  for (;;) {
    const keyset = after ? [Prisma.sql`(added_at, id) > (${after.addedAt}, ${after.id}::char(32))`] : [];
    const rows = await readSummaries(db, Prisma.sql`FROM tracked_invite ${whereClause([...conditions, ...keyset])} ORDER BY added_at, id LIMIT ${pageSize}`);
    if (rows.length === 0) return;
    yield rows.map(({ addedAt: _addedAt, ...summary }) => summary);
    const last = rows.at(-1)!;
    after = { addedAt: last.addedAt, id: last.id };
    if (rows.length < pageSize) return;
  }
}

/** How many invites a filter selects, and the longest label and API status among them: a paged table still lines up. */
export async function inviteTableShape(db: Db, options: { filter?: InviteFilter; now: Date }): Promise<{ count: number; labelWidth: number; apiStatusWidth: number }> {
  const where = whereClause(inviteConditions(options.filter ?? {}, options.now));
  const [row] = await db.$queryRaw<Array<{ count: bigint; label: number | null; api_status: number | null }>>`
    SELECT count(*) AS count, max(char_length(label)) AS label, max(char_length(api_status)) AS api_status FROM tracked_invite ${where}`;
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
