import type { Db } from "./db.js";

export interface DueInvite {
  id: string;
  nextCheckAt: Date;
}

/**
 * The active invites whose check is due, most overdue first. The (active, next_check_at) index makes this
 * cost time in proportion to `limit`, not to the number of invites tracked.
 */
export async function selectDueInvites(db: Db, now: Date, limit: number): Promise<DueInvite[]> {
  if (limit <= 0) return [];
  const rows = await db.trackedInvite.findMany({
    where: { active: true, nextCheckAt: { lte: now } },
    orderBy: { nextCheckAt: "asc" },
    take: limit,
    select: { id: true, nextCheckAt: true },
  });
  return rows.map((row) => ({ id: row.id.trim(), nextCheckAt: row.nextCheckAt }));
}
