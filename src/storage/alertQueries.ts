import type { AlertContent } from "../alerts/alertTypes.js";
import type { Db } from "./db.js";
import { WITHHELD_REASON } from "./untrackInvites.js";
import { ALERT_CHANNEL, wakeStatement } from "./wakeChannels.js";

export type AlertStatusName = "pending" | "delivered" | "failed";

/** One row of `invite-monitor alerts`. */
export interface AlertSummary {
  id: number;
  kind: string;
  status: AlertStatusName;
  inviteId: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  content: AlertContent;
}

export async function listAlerts(db: Db, filter: { status?: AlertStatusName; limit: number }): Promise<AlertSummary[]> {
  const rows = await db.alert.findMany({
    where: filter.status ? { status: filter.status } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit,
  });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    inviteId: row.inviteId?.trim() ?? null,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
    failedAt: row.failedAt,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
    lastError: row.lastError,
    content: row.content as unknown as AlertContent,
  }));
}

/** What `retryAlerts` did with the ids it was given. */
export interface RetryOutcome {
  /** Ids put back in the outbox (every failed alert for `allFailed`). */
  queued: number[];
  /** Ids with no alert. */
  unknown: number[];
  /** Ids of alerts that are pending or delivered: there is nothing to retry. */
  notFailed: Array<{ id: number; status: AlertStatusName }>;
  /** For `allFailed`: how many failed alerts were left alone because `untrack` withheld them. */
  withheld: number;
}

/**
 * Puts failed alerts back in the outbox, to be sent on the next notifier tick. Given ids, it is all or nothing:
 * when any id is unknown or not failed, nothing changes, and the outcome says which. A delivered alert is not sent
 * twice, and a typo in one id does not half-apply a command. `allFailed` leaves the alerts that `untrack` withheld:
 * someone stopped watching those invites on purpose, so only their ids send them.
 */
export async function retryAlerts(db: Db, which: { ids: number[] } | { allFailed: true }, now: Date): Promise<RetryOutcome> {
  const requeue = { status: "pending" as const, nextAttemptAt: now, failedAt: null };
  if (!("ids" in which)) {
    const rows = await db.$queryRaw<Array<{ id: number }>>`
      UPDATE alert SET status = 'pending', next_attempt_at = ${now}, failed_at = NULL
      WHERE status = 'failed' AND last_error IS DISTINCT FROM ${WITHHELD_REASON} RETURNING id`;
    if (rows.length > 0) await db.$queryRawUnsafe(wakeStatement(ALERT_CHANNEL));
    const withheld = await db.alert.count({ where: { status: "failed", lastError: WITHHELD_REASON } });
    return { queued: rows.map((r) => r.id).sort((a, b) => a - b), unknown: [], notFailed: [], withheld };
  }
  const ids = [...new Set(which.ids)];
  return db.$transaction(async (tx) => {
    // Row locks, so an alert cannot change status between this check and the update below.
    const rows = await tx.$queryRaw<Array<{ id: number; status: AlertStatusName }>>`
      SELECT id, status::text AS status FROM alert WHERE id = ANY(${ids}::int[]) ORDER BY id FOR UPDATE`;
    const found = new Map(rows.map((r) => [r.id, r.status]));
    const unknown = ids.filter((id) => !found.has(id));
    const notFailed = rows.filter((r) => r.status !== "failed").map((r) => ({ id: r.id, status: r.status }));
    if (unknown.length > 0 || notFailed.length > 0) return { queued: [], unknown, notFailed, withheld: 0 };
    await tx.alert.updateMany({ where: { id: { in: ids } }, data: requeue });
    await tx.$queryRawUnsafe(wakeStatement(ALERT_CHANNEL));
    return { queued: ids, unknown: [], notFailed: [], withheld: 0 };
  });
}

/** The outbox as the status page shows it: counts by status, then failed alerts (with their reasons), pending, delivered. */
export interface Outbox {
  counts: Record<AlertStatusName, number>;
  failed: AlertSummary[];
  pending: AlertSummary[];
  delivered: AlertSummary[];
}

/** Failed alerts first, since they are the ones someone must act on; each list newest first and bounded. */
export async function readOutbox(db: Db, limits: { failed: number; pending: number; delivered: number }): Promise<Outbox> {
  const [groups, failed, pending, delivered] = await Promise.all([
    db.alert.groupBy({ by: ["status"], _count: { _all: true } }),
    listAlerts(db, { status: "failed", limit: limits.failed }),
    listAlerts(db, { status: "pending", limit: limits.pending }),
    listAlerts(db, { status: "delivered", limit: limits.delivered }),
  ]);
  const counts: Record<AlertStatusName, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const group of groups) counts[group.status] = group._count._all;
  return { counts, failed, pending, delivered };
}
