import type { Sql } from "./sqlPool.js";

export interface DueInvite {
  id: string;
  nextCheckAt: Date;
}

/**
 * The active invites whose check is due, most overdue first. The (active, next_check_at) index makes this
 * cost time in proportion to `limit`, not to the number of invites tracked. Plain pg, as every statement that
 * runs on a timer: Prisma compiles each query anew, which was most of an idle daemon's CPU (BENCHMARKS.md, row 8).
 */
export async function selectDueInvites(sql: Sql, now: Date, limit: number): Promise<DueInvite[]> {
  if (limit <= 0) return [];
  const { rows } = await sql.query<{ id: string; next_check_at: Date }>(
    "SELECT id, next_check_at FROM tracked_invite WHERE active AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2",
    [now, limit],
  );
  return rows.map((row) => ({ id: row.id.trim(), nextCheckAt: row.next_check_at }));
}
