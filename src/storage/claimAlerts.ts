import type { AlertContent } from "../alerts/alertTypes.js";
import type { Db } from "./db.js";

export interface ClaimedAlert {
  id: number;
  attempts: number;
  content: AlertContent;
}

/**
 * Takes the next alerts to deliver: the oldest one, or up to `maxDigest` of them for one digest when more than
 * `digestThreshold` are ready, or when more than one is ready and the oldest has already waited `backlogAfterMs`.
 * Slack takes one message a second: sent one by one, three warnings raised together would reach Slack over three
 * seconds, so once a queue has started to form it goes out at once instead (BENCHMARKS.md, row 5). Claimed rows are hidden from other notifiers until `leaseUntil`; if this
 * process dies before recording the outcome, they come back then. Nothing is lost, at worst sent twice.
 */
export interface ClaimRule {
  digestThreshold: number;
  maxDigest: number;
  backlogAfterMs: number;
}

export async function claimAlerts(db: Db, now: Date, leaseUntil: Date, rule: ClaimRule): Promise<ClaimedAlert[]> {
  const { digestThreshold, maxDigest, backlogAfterMs } = rule;
  const ready = await db.alert.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: digestThreshold + 1,
    select: { id: true, createdAt: true },
  });
  if (ready.length === 0) return [];
  const backlog = ready.length > 1 && now.getTime() - ready[0]!.createdAt.getTime() >= backlogAfterMs;
  const limit = ready.length > digestThreshold || backlog ? maxDigest : 1;
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
