import type { AlertContent } from "../alerts/alertTypes.js";
import type { Db } from "./db.js";

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

/** Puts failed alerts back in the outbox to be sent on the next notifier tick. Returns how many. */
export async function retryAlerts(db: Db, which: { ids: number[] } | { allFailed: true }, now: Date): Promise<number> {
  const where = "ids" in which ? { id: { in: which.ids }, status: "failed" as const } : { status: "failed" as const };
  const result = await db.alert.updateMany({ where, data: { status: "pending", nextAttemptAt: now, failedAt: null } });
  return result.count;
}
