import type { AlertDraft } from "../alerts/alertTypes.js";
import { alertRecord, insertAlertsSql } from "./alertRows.js";
import type { Sql } from "./sqlPool.js";
import { ALERT_CHANNEL, INVITE_CHANNEL, wake } from "./wakeChannels.js";

/**
 * Brings the check of these invites forward to `now` (never back), so the sweep asks the get endpoint about them:
 * an invite that dropped out of the list, or whose entry there was unclear. Returns how many were due.
 */
export async function makeDue(sql: Sql, inviteIds: readonly string[], now: Date): Promise<number> {
  if (inviteIds.length === 0) return 0;
  const result = await sql.query("UPDATE tracked_invite SET next_check_at = $2 WHERE id = ANY($1::char(32)[]) AND active AND next_check_at > $2", [inviteIds, now]);
  // The sweep may be asleep until the next check it knew of, minutes away: wake it, as a newly tracked invite does.
  if ((result.rowCount ?? 0) > 0) await wake(sql, INVITE_CHANNEL);
  return result.rowCount ?? 0;
}

/**
 * Tracks invitations that nobody tracked yet, labelled, with the alert that announces each, in one statement: an
 * invite is never tracked without its alert (a crash in between would lose the announcement for good). One that
 * is already tracked, or untracked, is left alone. Returns the ids it added.
 */
export async function trackDiscovered(sql: Sql, drafts: readonly AlertDraft[], label: string, now: Date): Promise<string[]> {
  if (drafts.length === 0) return [];
  const { rows } = await sql.query<{ id: string }>(
    `WITH added AS (
       INSERT INTO tracked_invite (id, label, added_at, next_check_at)
       SELECT id, $2, $3, $3 FROM unnest($1::char(32)[]) AS input(id)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ),
     alerts AS (${insertAlertsSql("$4", "WHERE a.invite_id IN (SELECT id FROM added)")})
     SELECT id FROM added`,
    [drafts.map((d) => d.inviteId), label, now, JSON.stringify(drafts.map((d) => alertRecord(d, now)))],
  );
  if (rows.length > 0) await Promise.all([wake(sql, ALERT_CHANNEL), wake(sql, INVITE_CHANNEL)]);
  return rows.map((r) => r.id);
}

/** Which of these invites are tracked and still polled, with their next check, in the order given. */
export async function activeAmong(sql: Sql, inviteIds: readonly string[]): Promise<Array<{ id: string; nextCheckAt: Date }>> {
  if (inviteIds.length === 0) return [];
  const { rows } = await sql.query<{ id: string; next_check_at: Date }>("SELECT id, next_check_at FROM tracked_invite WHERE id = ANY($1::char(32)[]) AND active", [inviteIds]);
  const active = new Map(rows.map((r) => [r.id, r.next_check_at]));
  return inviteIds.flatMap((id) => (active.has(id) ? [{ id, nextCheckAt: active.get(id)! }] : []));
}

/** Which of these invites are due now, with the check they are due for (the part of a queued poll's job id). */
export async function dueAmong(sql: Sql, inviteIds: readonly string[], now: Date): Promise<Array<{ id: string; nextCheckAt: Date }>> {
  if (inviteIds.length === 0) return [];
  const { rows } = await sql.query<{ id: string; next_check_at: Date }>(
    "SELECT id, next_check_at FROM tracked_invite WHERE id = ANY($1::char(32)[]) AND active AND next_check_at <= $2",
    [inviteIds, now],
  );
  return rows.map((r) => ({ id: r.id, nextCheckAt: r.next_check_at }));
}

/**
 * The list's fast path: an invite whose list entry is exactly what is stored (jsonb equality, so key order does not
 * matter), that is seen, healthy and not due, has only its check times moved, in one statement for the whole list:
 * the rules could conclude nothing else from it, and reading, planning and rewriting 1,000 rows every LIST_INTERVAL
 * was most of an idle daemon's CPU (BENCHMARKS.md, row 8). The next check is the one the plan would set
 * (observations/planObservation.ts, nextCheckOfUnchanged), but only once the stored one is less than `keepBeyond`
 * away: next_check_at is indexed, so moving it every cycle would rewrite an index entry of every row every
 * LIST_INTERVAL, while a list outage shorter than what is left costs no GET either way. A stored next check is never
 * later than the next expiry mark (the plan and this path both stop at it, and the entry's expires_on is the stored
 * one), so keeping it misses none. A due invite (its check, or an expiry mark, has come) goes through the full plan,
 * so every mark is met as before. Returns the ids it touched.
 */
export async function touchUnchanged(sql: Sql, entries: ReadonlyArray<{ id: string; payload: Record<string, unknown>; nextCheckAt: Date }>, now: Date, keepBeyond: Date): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const { rows } = await sql.query<{ id: string }>(
    `UPDATE tracked_invite t SET last_checked_at = $2,
       next_check_at = CASE WHEN t.next_check_at > $3 THEN t.next_check_at ELSE v.next_check_at END
     FROM jsonb_to_recordset($1::jsonb) AS v(id char(32), payload jsonb, next_check_at timestamptz)
     WHERE t.id = v.id AND t.payload = v.payload AND t.active AND t.effective_status IS NOT NULL
       AND t.next_check_at > $2 AND t.consecutive_failures = 0 AND t.last_error IS NULL AND t.not_found_since IS NULL
       AND (t.last_checked_at IS NULL OR t.last_checked_at <= $2)
     RETURNING t.id`,
    [JSON.stringify(entries.map((e) => ({ id: e.id, payload: e.payload, next_check_at: e.nextCheckAt }))), now, keepBeyond],
  );
  return new Set(rows.map((r) => r.id));
}
