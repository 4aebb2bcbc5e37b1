import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "./db.js";

/**
 * Records Slack's answer to one step of an alert in the Slack app mode. Each success is one statement, so what
 * Slack did (a card's ts, a reply's ts) and the alert's bookkeeping are committed together or not at all.
 */

/**
 * A step's success clears the alert's last error, unless the alert was failed meanwhile (untrack withholds it, with
 * its reason, while the card is on the way): that reason is what `alerts` shows and `alerts retry --failed` skips.
 */
const keepWithheldReason = Prisma.sql`last_error = CASE WHEN status = 'failed' THEN last_error END`;

/**
 * A new card was posted: store its identity (replacing a deleted or moved one), and count the alert's attempt. An
 * invite purged while its card was on the way has nothing left to attach the card to: then nothing is written.
 */
export async function cardPosted(db: Db, alertId: number, card: { inviteId: string; channel: string; ts: string; shownAlertId: number }, now: Date): Promise<void> {
  await db.$executeRaw`
    WITH card AS (
      INSERT INTO slack_card (invite_id, channel, ts, shown_alert_id, posted_at, updated_at)
      SELECT ${card.inviteId}::char(32), ${card.channel}::text, ${card.ts}::text, ${card.shownAlertId}::int, ${now}::timestamptz, ${now}::timestamptz
      WHERE EXISTS (SELECT 1 FROM tracked_invite WHERE id = ${card.inviteId}::char(32))
      ON CONFLICT (invite_id) DO UPDATE SET channel = EXCLUDED.channel, ts = EXCLUDED.ts, shown_alert_id = EXCLUDED.shown_alert_id,
        posted_at = EXCLUDED.posted_at, updated_at = EXCLUDED.updated_at)
    UPDATE alert SET attempts = attempts + 1, ${keepWithheldReason}, next_attempt_at = ${now} WHERE id = ${alertId}`;
}

/** The card was edited to show `shownAlertId` (never moved back to an older one). */
export async function cardUpdated(db: Db, alertId: number, card: { inviteId: string; ts: string; shownAlertId: number }, now: Date): Promise<void> {
  await db.$executeRaw`
    WITH card AS (
      UPDATE slack_card SET shown_alert_id = GREATEST(shown_alert_id, ${card.shownAlertId}), updated_at = ${now}
      WHERE invite_id = ${card.inviteId} AND ts = ${card.ts})
    UPDATE alert SET attempts = attempts + 1, ${keepWithheldReason}, next_attempt_at = ${now} WHERE id = ${alertId}`;
}

/** Slack says the card is gone (deleted): forget it, so that the next step posts a new one. */
export async function forgetCard(db: Db, inviteId: string, ts: string): Promise<void> {
  await db.$executeRaw`DELETE FROM slack_card WHERE invite_id = ${inviteId} AND ts = ${ts}`;
}

/** The alert's own message (its reply, or an operations message, or a digest naming it) was taken: it is delivered. */
export async function messageSent(db: Db, alertIds: readonly number[], ts: string, now: Date): Promise<void> {
  if (alertIds.length === 0) return;
  await db.alert.updateMany({
    where: { id: { in: [...alertIds] } },
    data: { status: "delivered", slackTs: ts, deliveredAt: now, attempts: { increment: 1 }, lastError: null },
  });
}

/** A digest named these invite alerts: it is not sent again for them; their card and reply are due now. */
export async function digested(db: Db, alertIds: readonly number[], now: Date): Promise<void> {
  if (alertIds.length === 0) return;
  await db.alert.updateMany({ where: { id: { in: [...alertIds] } }, data: { digestedAt: now, nextAttemptAt: now } });
}
