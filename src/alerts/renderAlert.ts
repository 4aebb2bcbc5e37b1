import { formatDuration } from "../lib/duration.js";
import type { AlertContent, AlertKind } from "./alertTypes.js";
import { relativeTime } from "./relativeTime.js";
import { slackDate } from "./slackDate.js";
import { LIMITS, escapeMrkdwn, listWithin, truncate, type SlackBlock, type SlackMessage } from "./slackText.js";

/** The emoji and the words of each kind, shared by single messages and digests. */
export const KIND_LOOK: Record<AlertKind, { emoji: string; title: string }> = {
  discovered: { emoji: "📨", title: "New invitation" },
  accepted: { emoji: "✅", title: "Invite accepted" },
  rejected: { emoji: "❌", title: "Invite rejected" },
  expired: { emoji: "⌛", title: "Invite expired" },
  gone: { emoji: "🗑️", title: "Invite gone" },
  expiring: { emoji: "⏰", title: "Invite expiring soon" },
  credentials_rejected: { emoji: "🔑", title: "Cloudflare rejected the credentials" },
  credentials_restored: { emoji: "🔓", title: "Cloudflare accepts the credentials again" },
};

/** One alert as a Slack message: a header, the invite, its fields, and a plain-text fallback for notifications. */
export function renderAlert(alert: AlertContent, now: Date): SlackMessage {
  const look = KIND_LOOK[alert.kind];
  const title = alert.kind === "expiring" && alert.expiresOn ? `Invite expires ${relativeTime(new Date(alert.expiresOn), now)}` : look.title;
  const header: SlackBlock = { type: "header", text: { type: "plain_text", text: truncate(`${look.emoji} ${title}`, LIMITS.header), emoji: true } };

  if (alert.inviteId === null) {
    const detail = escapeMrkdwn(alert.detail ?? "");
    return {
      text: truncate(`${look.emoji} ${look.title}${alert.detail ? `: ${detail}` : ""}`, LIMITS.sectionText),
      blocks: [header, { type: "section", text: { type: "mrkdwn", text: truncate(detail || look.title, LIMITS.sectionText) } }, context(alert)],
    };
  }

  const who = alert.invitedMemberEmail ?? "(unknown invitee)";
  const org = alert.organizationName ?? alert.organizationId ?? "(unknown organization)";
  const change = alert.oldStatus && alert.newStatus && alert.oldStatus !== alert.newStatus ? `${alert.oldStatus} → ${alert.newStatus}` : null;
  const summary = [
    `*Invite* \`${alert.inviteId}\`${alert.label ? ` (${escapeMrkdwn(alert.label)})` : ""}`,
    change ? `*Status:* ${escapeMrkdwn(change)}` : null,
    alert.kind === "expiring" && alert.thresholdMs !== null ? `Crossed the ${formatDuration(alert.thresholdMs)} warning.` : null,
  ].filter(Boolean).join("\n");

  const fields = inviteDetailFields(alert, now);
  // Slack reads the fallback as mrkdwn too: an organization named "<!channel>" must not ping anyone.
  const text = `${look.emoji} ${title}: ${escapeMrkdwn(who)} to ${escapeMrkdwn(org)}${change ? ` (${escapeMrkdwn(change)})` : ""} [${alert.inviteId}]`;
  return {
    text: truncate(text, LIMITS.sectionText),
    blocks: [
      header,
      { type: "section", text: { type: "mrkdwn", text: truncate(summary, LIMITS.sectionText) } },
      { type: "section", fields: fields.slice(0, LIMITS.fields) },
      context(alert),
    ],
  };
}

/** The invite's fields, as a message or a card shows them: who, where, which roles, by whom, and when. */
export function inviteDetailFields(alert: AlertContent, now: Date): Array<{ type: "mrkdwn"; text: string }> {
  return [
    field("Invited email", escapeMrkdwn(alert.invitedMemberEmail ?? "(unknown invitee)")),
    field("Organization", escapeMrkdwn(alert.organizationName ?? alert.organizationId ?? "(unknown organization)")),
    field("Roles", escapeMrkdwn(listWithin(alert.roles, 300))),
    field("Invited by", escapeMrkdwn(alert.invitedBy ?? "-")),
    field("Invited on", when(alert.invitedOn, now)),
    field("Expires on", when(alert.expiresOn, now)),
  ];
}

function field(name: string, value: string): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: truncate(`*${name}*\n${value}`, LIMITS.fieldText) };
}

/**
 * "<!date^…|2026-12-01 12:00 UTC> (in 23 hours)": the time in each reader's own zone (Slack's date token, the UTC
 * text as its fallback), and how far it is from `now`.
 */
export function when(iso: string | null, now: Date): string {
  if (!iso) return "-";
  const date = new Date(iso);
  return `${slackDate(date)} (${relativeTime(date, now)})`;
}

function context(alert: AlertContent): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: `invite-monitor · observed ${slackDate(new Date(alert.occurredAt))}` }] };
}
