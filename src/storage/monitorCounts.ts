import type { Sql } from "./sqlPool.js";

/** What /metrics and /readyz show of Postgres, read in the background (see metrics/gaugeRefresher.ts). */
export interface MonitorCounts {
  /** Tracked invites by effective status; "unchecked" for those not observed yet. */
  invites: Record<string, number>;
  /** Alerts in the outbox by status. */
  alerts: Record<string, number>;
  /** How long the most overdue active invite has waited past its check, in ms; 0 when none is overdue. */
  oldestOverdueMs: number;
}

/** Plain pg: this runs every METRICS_REFRESH, and Prisma's compiling of each query was most of an idle daemon's CPU. */
export async function readMonitorCounts(sql: Sql, now: Date): Promise<MonitorCounts> {
  const [invites, alerts, oldest] = await Promise.all([
    sql.query<{ key: string; n: number }>("SELECT COALESCE(effective_status::text, 'unchecked') AS key, count(*)::int AS n FROM tracked_invite GROUP BY 1"),
    sql.query<{ key: string; n: number }>("SELECT status::text AS key, count(*)::int AS n FROM alert GROUP BY 1"),
    // The (active, next_check_at) index answers this with one row.
    sql.query<{ at: Date | null }>("SELECT min(next_check_at) AS at FROM tracked_invite WHERE active AND next_check_at <= $1", [now]),
  ]);
  const at = oldest.rows[0]?.at;
  return {
    invites: Object.fromEntries(invites.rows.map((r) => [r.key, r.n])),
    alerts: Object.fromEntries(alerts.rows.map((r) => [r.key, r.n])),
    oldestOverdueMs: at ? Math.max(0, now.getTime() - at.getTime()) : 0,
  };
}
