import type { AlertContent } from "../alerts/alertTypes.js";
import type { FreshInChannel } from "../alerts/appDigestRule.js";
import type { ClaimedAlert } from "./claimAlerts.js";
import type { Db } from "./db.js";

/** A pending alert with what the Slack app mode needs to plan its next step. */
export interface CardCandidate {
  id: number;
  attempts: number;
  kind: string;
  content: AlertContent;
  inviteId: string | null;
  slackTs: string | null;
  /** Where the invite's messages go now: tracked_invite.slack_channel, else SLACK_CHANNEL. */
  channel: string;
  card: { channel: string; ts: string; shownAlertId: number } | null;
  /** The invite's newest alert, whatever its status: the state its card shows. Null for operations alerts. */
  newest: { id: number; content: AlertContent } | null;
}

interface Row {
  id: number;
  attempts: number;
  kind: string;
  content: AlertContent;
  inviteId: string | null;
  slackTs: string | null;
  channel: string;
  cardChannel: string | null;
  cardTs: string | null;
  shownAlertId: number | null;
  newestId: number | null;
  newestContent: AlertContent | null;
}

/**
 * The due alerts that may take a step now, in the order they should: those whose card is missing or behind (and
 * operations messages) first, then replies, oldest first. Only the oldest pending alert of an invite is a
 * candidate, so one invite's steps run in order, one at a time, and its thread reads in order. With `onlyId`, that
 * one alert, due or not (it is re-read after being claimed, so a step is planned from what is stored now).
 * The ordering mirrors planCardStep; it only picks the window, the plan decides.
 */
export async function readCardCandidates(db: Db, now: Date, defaultChannel: string, limit: number, onlyId: number | null = null): Promise<CardCandidate[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT a.id, a.attempts, a.kind::text AS kind, a.content, a.invite_id AS "inviteId", a.slack_ts AS "slackTs",
           COALESCE(t.slack_channel, ${defaultChannel}) AS channel,
           c.channel AS "cardChannel", c.ts AS "cardTs", c.shown_alert_id AS "shownAlertId",
           n.id AS "newestId", n.content AS "newestContent"
    FROM alert a
    LEFT JOIN tracked_invite t ON t.id = a.invite_id
    LEFT JOIN slack_card c ON c.invite_id = a.invite_id
    LEFT JOIN LATERAL (SELECT x.id, x.content FROM alert x WHERE x.invite_id = a.invite_id ORDER BY x.id DESC LIMIT 1) n ON true
    WHERE a.status = 'pending'
      AND ((${onlyId}::int IS NULL AND a.next_attempt_at <= ${now}) OR a.id = ${onlyId}::int)
      AND NOT EXISTS (SELECT 1 FROM alert b WHERE b.invite_id = a.invite_id AND b.status = 'pending' AND b.id < a.id)
    ORDER BY CASE WHEN a.invite_id IS NULL OR c.ts IS NULL OR c.channel <> COALESCE(t.slack_channel, ${defaultChannel}) OR c.shown_alert_id < a.id
                  THEN 0 ELSE 1 END,
             a.created_at, a.id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    attempts: r.attempts,
    kind: r.kind,
    content: r.content,
    inviteId: r.inviteId?.trim() ?? null,
    slackTs: r.slackTs,
    channel: r.channel,
    card: r.cardTs && r.cardChannel && r.shownAlertId !== null ? { channel: r.cardChannel, ts: r.cardTs, shownAlertId: r.shownAlertId } : null,
    newest: r.newestId !== null && r.newestContent ? { id: r.newestId, content: r.newestContent } : null,
  }));
}

/** Takes one due alert for a step: hidden from other notifiers until `leaseUntil`. False if another took it first. */
export async function claimAlert(db: Db, id: number, now: Date, leaseUntil: Date): Promise<boolean> {
  const taken = await db.$executeRaw`
    UPDATE alert SET next_attempt_at = ${leaseUntil} WHERE id = ${id} AND status = 'pending' AND next_attempt_at <= ${now}`;
  return taken === 1;
}

/** How many fresh alerts (nothing sent for them yet, no digest) are ready in each channel: for the digest rule. */
export async function freshByChannel(db: Db, now: Date, defaultChannel: string): Promise<FreshInChannel[]> {
  return db.$queryRaw<FreshInChannel[]>`
    SELECT COALESCE(t.slack_channel, ${defaultChannel}) AS channel, count(*)::int AS fresh
    FROM alert a LEFT JOIN tracked_invite t ON t.id = a.invite_id
    WHERE a.status = 'pending' AND a.next_attempt_at <= ${now} AND a.attempts = 0 AND a.digested_at IS NULL AND a.slack_ts IS NULL
    GROUP BY 1`;
}

/** Claims up to `limit` fresh alerts of one channel, oldest first, for a digest. Rows others hold are skipped. */
export async function claimFresh(db: Db, now: Date, leaseUntil: Date, channel: string, defaultChannel: string, limit: number): Promise<ClaimedAlert[]> {
  const rows = await db.$queryRaw<ClaimedAlert[]>`
    UPDATE alert SET next_attempt_at = ${leaseUntil}
    WHERE id IN (
      SELECT a.id FROM alert a LEFT JOIN tracked_invite t ON t.id = a.invite_id
      WHERE a.status = 'pending' AND a.next_attempt_at <= ${now} AND a.attempts = 0 AND a.digested_at IS NULL AND a.slack_ts IS NULL
        AND COALESCE(t.slack_channel, ${defaultChannel}) = ${channel}
      ORDER BY a.created_at, a.id
      LIMIT ${limit}
      FOR UPDATE OF a SKIP LOCKED)
    RETURNING id, attempts, content`;
  return rows.sort((a, b) => a.id - b.id);
}
