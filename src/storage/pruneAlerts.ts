import type { Db } from "./db.js";

/** Rows per DELETE: a long backlog goes in short statements that never hold many row locks at once. */
const CHUNK = 5_000;

/**
 * Deletes delivered and failed alerts settled before `before` (ALERT_RETENTION ago). Pending alerts are never
 * pruned, however old: they have not reached anyone yet. Returns how many were deleted.
 */
export async function pruneAlerts(db: Db, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM alert WHERE id IN (
        SELECT id FROM alert
        WHERE (status = 'delivered' AND delivered_at < ${before}) OR (status = 'failed' AND failed_at < ${before})
        LIMIT ${CHUNK})`;
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}
