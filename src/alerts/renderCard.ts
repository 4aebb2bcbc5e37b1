import type { AlertContent } from "./alertTypes.js";
import { KIND_LOOK, inviteDetailFields } from "./renderAlert.js";
import { relativeTime } from "./relativeTime.js";
import { slackDate } from "./slackDate.js";
import { LIMITS, escapeMrkdwn, truncate, type SlackBlock, type SlackMessage } from "./slackText.js";

/** Statuses after which nothing more happens to an invite: the card says so, and the channel reads as a board. */
export const FINAL_STATUSES: readonly string[] = ["accepted", "rejected", "expired", "gone"];

const STATUS_LOOK: Record<string, { emoji: string; title: string }> = {
  pending: { emoji: "⏳", title: "Pending" },
  accepted: { emoji: KIND_LOOK.accepted.emoji, title: "Accepted" },
  rejected: { emoji: KIND_LOOK.rejected.emoji, title: "Rejected" },
  expired: { emoji: KIND_LOOK.expired.emoji, title: "Expired" },
  gone: { emoji: KIND_LOOK.gone.emoji, title: "Gone" },
};

/** The state a card shows for an alert: the invite's status after it (an expiring warning leaves it pending). */
export function cardStatus(alert: AlertContent): string {
  return alert.newStatus ?? (alert.kind === "expiring" || alert.kind === "discovered" ? "pending" : "unknown");
}

/**
 * An invite's living message in the Slack app mode: its current state in the header, the invite and its fields,
 * and while it is pending a countdown to expiry, from the newest alert about it. `alertId` makes the block ids
 * new on every edit, as chat.update asks. Slack shows the fallback `text` in notifications, so it says what the
 * state is now, escaped like every mrkdwn string (a `<!channel>` in an organization name pings nobody).
 */
export function renderCard(alert: AlertContent, alertId: number, now: Date): SlackMessage {
  const status = cardStatus(alert);
  const look = STATUS_LOOK[status] ?? { emoji: "❔", title: `Status: ${truncate(status, 100)}` };
  const final = FINAL_STATUSES.includes(status);
  const expires = alert.expiresOn ? new Date(alert.expiresOn) : null;
  const countdown = status === "pending" && expires ? `expires ${relativeTime(expires, now)}` : null;
  const who = escapeMrkdwn(alert.invitedMemberEmail ?? "(unknown invitee)");
  const org = escapeMrkdwn(alert.organizationName ?? alert.organizationId ?? "(unknown organization)");
  const id = (part: string) => `card-${alertId}-${part}`;

  // Label and status are cut before they are escaped, so the countdown's date token after them always fits whole.
  const summary = [
    `*Invite* \`${alert.inviteId ?? "-"}\`${alert.label ? ` (${escapeMrkdwn(truncate(alert.label, 200))})` : ""}`,
    `*Status:* ${escapeMrkdwn(truncate(status, 100))}${final ? " (final)" : ""}`,
    countdown && expires ? `⏳ Expires ${slackDate(expires)} (${relativeTime(expires, now)})` : null,
  ].filter(Boolean).join("\n");
  const header = `${look.emoji} ${look.title}${countdown ? `: ${countdown}` : ""}`;
  const blocks: SlackBlock[] = [
    { type: "header", block_id: id("header"), text: { type: "plain_text", text: truncate(header, LIMITS.header), emoji: true } },
    { type: "section", block_id: id("summary"), text: { type: "mrkdwn", text: truncate(summary, LIMITS.sectionText) } },
    { type: "section", block_id: id("fields"), fields: inviteDetailFields(alert, now).slice(0, LIMITS.fields) },
    {
      type: "context",
      block_id: id("context"),
      elements: [{ type: "mrkdwn", text: `invite-monitor · ${final ? "final state" : "last change"} observed ${slackDate(new Date(alert.occurredAt))} · history in the thread` }],
    },
  ];
  const text = `${look.emoji} ${escapeMrkdwn(look.title)}${countdown ? ` (${countdown})` : ""}: ${who} to ${org} [${alert.inviteId ?? "-"}]`;
  return { text: truncate(text, LIMITS.sectionText), blocks };
}
