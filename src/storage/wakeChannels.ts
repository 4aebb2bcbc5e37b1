import type { Sql } from "./sqlPool.js";

/**
 * The notifier and the sweep sleep while nothing is due (README, "How it works"). A write that makes work due
 * wakes them through Postgres NOTIFY on one of these channels: a new or re-queued alert, a newly tracked invite.
 * A wake that is lost (no listener connected) costs at most the loops' idle check.
 */
export const ALERT_CHANNEL = "invite_monitor_alert";
export const INVITE_CHANNEL = "invite_monitor_invite";
export type WakeChannel = typeof ALERT_CHANNEL | typeof INVITE_CHANNEL;

/** The statement that wakes a channel's listeners; inside a transaction, they hear it when it commits. */
export function wakeStatement(channel: WakeChannel): string {
  return `SELECT 1 AS woken FROM pg_notify('${channel}', '')`;
}

/** Wakes a channel's listeners, best effort: the write that made the work due has already landed. */
export async function wake(sql: Sql, channel: WakeChannel): Promise<void> {
  await sql.query(wakeStatement(channel)).catch(() => {});
}
