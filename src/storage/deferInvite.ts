import type { Sql } from "./sqlPool.js";

/**
 * The last resort when Postgres refuses even the record of a failed poll: move the invite's check on and say why,
 * touching nothing else, so the sweep does not queue the same doomed poll again at every tick.
 */
export async function deferInvite(sql: Sql, inviteId: string, until: Date, error: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE tracked_invite
     SET next_check_at = $2, consecutive_failures = consecutive_failures + 1, last_error = $3, last_error_at = $4
     WHERE id = $1 AND active`,
    [inviteId, until, error, now],
  );
}
