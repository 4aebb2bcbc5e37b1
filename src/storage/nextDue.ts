import type { Sql } from "./sqlPool.js";

/** When the earliest pending alert comes due (a retry, or a claim whose lease ends); null when none is pending. */
export async function nextAlertDue(sql: Sql): Promise<Date | null> {
  const { rows } = await sql.query<{ at: Date | null }>("SELECT min(next_attempt_at) AS at FROM alert WHERE status = 'pending'");
  return rows[0]?.at ?? null;
}

/** When the earliest active invite comes due; null when none is tracked. The (active, next_check_at) index answers it. */
export async function nextInviteDue(sql: Sql): Promise<Date | null> {
  const { rows } = await sql.query<{ at: Date | null }>("SELECT min(next_check_at) AS at FROM tracked_invite WHERE active");
  return rows[0]?.at ?? null;
}
