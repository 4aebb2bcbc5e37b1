import type { Db } from "./db.js";

/** What /metrics and /readyz show of Postgres, read in the background (see metrics/gaugeRefresher.ts). */
export interface MonitorCounts {
  /** Tracked invites by effective status; "unchecked" for those not observed yet. */
  invites: Record<string, number>;
  /** Alerts in the outbox by status. */
  alerts: Record<string, number>;
  /** How long the most overdue active invite has waited past its check, in ms; 0 when none is overdue. */
  oldestOverdueMs: number;
}

export async function readMonitorCounts(db: Db, now: Date): Promise<MonitorCounts> {
  const [invites, alerts, oldest] = await Promise.all([
    db.trackedInvite.groupBy({ by: ["effectiveStatus"], _count: { _all: true } }),
    db.alert.groupBy({ by: ["status"], _count: { _all: true } }),
    // The (active, next_check_at) index answers this with one row.
    db.trackedInvite.findFirst({ where: { active: true, nextCheckAt: { lte: now } }, orderBy: { nextCheckAt: "asc" }, select: { nextCheckAt: true } }),
  ]);
  return {
    invites: Object.fromEntries(invites.map((g) => [g.effectiveStatus ?? "unchecked", g._count._all])),
    alerts: Object.fromEntries(alerts.map((g) => [g.status, g._count._all])),
    oldestOverdueMs: oldest ? Math.max(0, now.getTime() - oldest.nextCheckAt.getTime()) : 0,
  };
}
