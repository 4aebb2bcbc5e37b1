import type { Db } from "./db.js";

/** The reason an untracked invite's unsent alerts carry, shown by `invite-monitor alerts` (sent by `alerts retry <id>`; `--failed` leaves them). */
export const WITHHELD_REASON = "not sent: the invite was untracked (invite-monitor untrack)";

export interface UntrackOutcome {
  /** Ids untracked now. */
  untracked: string[];
  /** Ids that were already untracked: left as they were. */
  alreadyUntracked: string[];
  /** Ids with no row: when there is any, nothing was changed. */
  unknown: string[];
  /** Pending alerts of the untracked invites, marked failed instead of being sent. */
  alertsWithheld: number;
}

/**
 * Stops polling and alerting for these invites, keeping their row, snapshots and alerts (`list --all` shows them). A
 * poll already queued or in flight finds the row inactive and records nothing. Their alerts not yet sent are marked
 * failed with WITHHELD_REASON rather than deleted, so what happened stays visible and can still be sent on purpose.
 * All or nothing: an unknown id changes nothing.
 */
export async function untrackInvites(db: Db, ids: readonly string[], now: Date): Promise<UntrackOutcome> {
  const wanted = [...new Set(ids)];
  return db.$transaction(async (tx) => {
    // Row locks: a concurrent `track` cannot bring one back between this read and the update.
    const rows = await tx.$queryRaw<Array<{ id: string; untracked: boolean }>>`
      SELECT id, untracked_at IS NOT NULL AS untracked FROM tracked_invite WHERE id = ANY(${wanted}::char(32)[]) ORDER BY id FOR UPDATE`;
    const found = new Map(rows.map((r) => [r.id.trim(), r.untracked]));
    const unknown = wanted.filter((id) => !found.has(id));
    if (unknown.length > 0) return { untracked: [], alreadyUntracked: [], unknown, alertsWithheld: 0 };
    const untracked = wanted.filter((id) => found.get(id) === false);
    const alreadyUntracked = wanted.filter((id) => found.get(id) === true);
    if (untracked.length === 0) return { untracked, alreadyUntracked, unknown, alertsWithheld: 0 };
    await tx.$executeRaw`UPDATE tracked_invite SET untracked_at = ${now}, active = false WHERE id = ANY(${untracked}::char(32)[])`;
    const alertsWithheld = await tx.$executeRaw`
      UPDATE alert SET status = 'failed', failed_at = ${now}, last_error = ${WITHHELD_REASON}
      WHERE invite_id = ANY(${untracked}::char(32)[]) AND status = 'pending'`;
    return { untracked, alreadyUntracked, unknown, alertsWithheld };
  });
}

/** What `untrack --purge` would delete, for its confirmation: the known ids, the unknown ones, and their rows. */
export interface PurgePreview {
  unknown: string[];
  invites: number;
  snapshots: number;
  alerts: number;
}

export async function previewPurge(db: Db, ids: readonly string[]): Promise<PurgePreview> {
  const wanted = [...new Set(ids)];
  const rows = await db.$queryRaw<Array<{ id: string; snapshots: bigint; alerts: bigint }>>`
    SELECT t.id,
           (SELECT count(*) FROM snapshot s WHERE s.invite_id = t.id) AS snapshots,
           (SELECT count(*) FROM alert a WHERE a.invite_id = t.id) AS alerts
    FROM tracked_invite t WHERE t.id = ANY(${wanted}::char(32)[])`;
  const found = new Set(rows.map((r) => r.id.trim()));
  return {
    unknown: wanted.filter((id) => !found.has(id)),
    invites: rows.length,
    snapshots: rows.reduce((n, r) => n + Number(r.snapshots), 0),
    alerts: rows.reduce((n, r) => n + Number(r.alerts), 0),
  };
}

/**
 * Deletes the invites with their snapshots and alerts, in one transaction. Returns what was deleted; an id already
 * gone is simply not counted. Snapshots and alerts go first, in statements of their own: the invite's foreign keys
 * would cascade to them anyway, but could not count them.
 */
export async function purgeInvites(db: Db, ids: readonly string[]): Promise<{ invites: number; snapshots: number; alerts: number }> {
  const wanted = [...new Set(ids)];
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM tracked_invite WHERE id = ANY(${wanted}::char(32)[]) FOR UPDATE`;
    const snapshots = await tx.$executeRaw`DELETE FROM snapshot WHERE invite_id = ANY(${wanted}::char(32)[])`;
    const alerts = await tx.$executeRaw`DELETE FROM alert WHERE invite_id = ANY(${wanted}::char(32)[])`;
    const invites = await tx.$executeRaw`DELETE FROM tracked_invite WHERE id = ANY(${wanted}::char(32)[])`;
    return { invites, snapshots, alerts };
  });
}
