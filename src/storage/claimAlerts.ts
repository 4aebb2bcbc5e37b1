import type { AlertContent } from "../alerts/alertTypes.js";
import { alertsForNextMessage, type DigestRule } from "../alerts/digestRule.js";
import type { Db } from "./db.js";

export interface ClaimedAlert {
  id: number;
  attempts: number;
  content: AlertContent;
}

/**
 * Takes the next alerts to deliver, as many as `alertsForNextMessage` says: one, or a digest's worth. Claimed rows
 * are hidden from other notifiers until `leaseUntil`; if this process dies before recording the outcome, they come
 * back then. Nothing is lost, at worst sent twice.
 */
export async function claimAlerts(db: Db, now: Date, leaseUntil: Date, rule: DigestRule): Promise<ClaimedAlert[]> {
  const ready = await db.alert.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: rule.digestThreshold + 1,
    select: { id: true, createdAt: true },
  });
  if (ready.length === 0) return [];
  const limit = alertsForNextMessage(ready.length, now.getTime() - ready[0]!.createdAt.getTime(), rule);
  const rows = await db.$queryRaw<Array<{ id: number; attempts: number; content: AlertContent }>>`
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
