import type { AlertContent } from "../alerts/alertTypes.js";
import type { Db } from "./db.js";

export interface ClaimedAlert {
  id: number;
  attempts: number;
  content: AlertContent;
}

/** What is due now, for the notifier to size its next message: how many (counted up to `atMost`) and since when. */
export async function readyAlerts(db: Db, now: Date, atMost: number): Promise<{ ready: number; oldestCreatedAt: Date | null }> {
  const rows = await db.alert.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: atMost,
    select: { createdAt: true },
  });
  return { ready: rows.length, oldestCreatedAt: rows[0]?.createdAt ?? null };
}

/**
 * Takes up to `limit` due alerts, oldest first. Claimed rows are hidden from other notifiers until `leaseUntil`;
 * if this process dies before recording the outcome, they come back then. Nothing is lost, at worst sent twice.
 * Rows another notifier holds are skipped, not waited for.
 */
export async function claimAlerts(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedAlert[]> {
  if (limit < 1) return [];
  const rows = await db.$queryRaw<ClaimedAlert[]>`
    UPDATE alert SET next_attempt_at = ${leaseUntil}
    WHERE id IN (
      SELECT id FROM alert
      WHERE status = 'pending' AND next_attempt_at <= ${now}
      ORDER BY created_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, attempts, content`;
  return rows.sort((a, b) => a.id - b.id);
}
