import type { AlertDraft } from "../alerts/alertTypes.js";
import type { Sql } from "./sqlPool.js";
import { ALERT_CHANNEL, wake } from "./wakeChannels.js";

/** An alert as the insert statement reads it from its jsonb parameter. */
export function alertRecord(a: AlertDraft, createdAt: Date): Record<string, unknown> {
  return { dedup_key: a.dedupKey, kind: a.kind, invite_id: a.inviteId, content: a.content, created_at: createdAt };
}

/**
 * The one statement that adds alerts to the outbox, from a jsonb array of alertRecord()s in parameter `$n`.
 * `extraWhere` narrows the rows (the observation write keeps only the invites it updated). A dedup key already
 * there means the event was recorded before: it is skipped, so inserting twice is harmless.
 */
export function insertAlertsSql(param: string, extraWhere = ""): string {
  return `INSERT INTO alert (dedup_key, kind, invite_id, content, created_at, next_attempt_at)
    SELECT dedup_key, kind::"AlertKind", invite_id, content, created_at, created_at
    FROM jsonb_to_recordset(${param}::jsonb) AS a(dedup_key text, kind text, invite_id char(32), content jsonb, created_at timestamptz)
    ${extraWhere}
    ON CONFLICT (dedup_key) DO NOTHING`;
}

/** Adds alerts that no observation carries (the credentials incidents). Returns how many were new. */
export async function insertAlerts(sql: Sql, drafts: readonly AlertDraft[], now: Date): Promise<number> {
  if (drafts.length === 0) return 0;
  const result = await sql.query(insertAlertsSql("$1"), [JSON.stringify(drafts.map((d) => alertRecord(d, now)))]);
  if ((result.rowCount ?? 0) > 0) await wake(sql, ALERT_CHANNEL);
  return result.rowCount ?? 0;
}
