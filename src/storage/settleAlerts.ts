import type { Db } from "./db.js";

/** Records Slack's answer for claimed alerts. */
export async function markDelivered(db: Db, ids: readonly number[], now: Date): Promise<void> {
  await db.alert.updateMany({ where: { id: { in: [...ids] } }, data: { status: "delivered", deliveredAt: now, attempts: { increment: 1 }, lastError: null } });
}

/** A permanent refusal: the alerts stay visible as failed, with the reason, until retried by hand. */
export async function markFailed(db: Db, ids: readonly number[], error: string, now: Date): Promise<void> {
  await db.alert.updateMany({ where: { id: { in: [...ids] } }, data: { status: "failed", failedAt: now, attempts: { increment: 1 }, lastError: error } });
}

/** A transient failure: try again at `nextAttemptAt`. */
export async function markRetry(db: Db, ids: readonly number[], error: string, nextAttemptAt: Date): Promise<void> {
  await db.alert.updateMany({ where: { id: { in: [...ids] } }, data: { nextAttemptAt, attempts: { increment: 1 }, lastError: error } });
}

/**
 * Nothing was wrong with the alerts, they were not sent: after a 429, or claimed for a digest whose other part
 * went out this tick. They are due again at `nextAttemptAt`, with no attempt counted.
 */
export async function release(db: Db, ids: readonly number[], nextAttemptAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.alert.updateMany({ where: { id: { in: [...ids] } }, data: { nextAttemptAt } });
}
