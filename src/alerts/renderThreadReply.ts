import type { AlertContent } from "./alertTypes.js";
import { KIND_LOOK } from "./renderAlert.js";
import { relativeTime } from "./relativeTime.js";
import { slackDate } from "./slackDate.js";
import { LIMITS, escapeMrkdwn, truncate, type SlackMessage } from "./slackText.js";
import { formatDuration } from "../lib/duration.js";

/**
 * How far from expiry something happened: "2 hours before expiry", "5 minutes after expiry", "at expiry". Null
 * without an expiry date. Measured at the event, not now: the thread is the invite's history.
 */
export function expiryDistance(expiresOn: string | null, at: string): string | null {
  if (!expiresOn) return null;
  const phrase = relativeTime(new Date(expiresOn), new Date(at));
  if (phrase === "just now") return "at expiry";
  return phrase.startsWith("in ") ? `${phrase.slice(3)} before expiry` : `${phrase.replace(/ ago$/, "")} after expiry`;
}

/**
 * One alert as a reply in its invite card's thread: what changed, how far from expiry, and when it was observed
 * (in each reader's time zone), e.g. "✅ pending → accepted, 2 hours before expiry · Today 14:02". One line of
 * mrkdwn, escaped: the text a notification shows is the message itself.
 */
export function renderThreadReply(alert: AlertContent): SlackMessage {
  const look = KIND_LOOK[alert.kind];
  const change =
    alert.oldStatus && alert.newStatus && alert.oldStatus !== alert.newStatus
      ? `${alert.oldStatus} → ${alert.newStatus}`
      : alert.kind === "expiring"
        ? `still ${alert.newStatus ?? "pending"}`
        : alert.kind === "discovered"
          ? `new invitation, ${alert.newStatus ?? "pending"}`
          : (alert.newStatus ?? look.title);
  const distance = expiryDistance(alert.expiresOn, alert.occurredAt);
  const warning = alert.kind === "expiring" && alert.thresholdMs !== null ? `${formatDuration(alert.thresholdMs)} warning, ` : "";
  const expires = alert.kind === "expiring" && alert.expiresOn ? ` (${warning}expires ${slackDate(new Date(alert.expiresOn))})` : "";
  // The change is cut before the date, so a long status can never cut the date token in half.
  const text = `${look.emoji} ${escapeMrkdwn(truncate(change, 300))}${distance ? `, ${distance}` : ""}${expires} · ${slackDate(new Date(alert.occurredAt))}`;
  return { text: truncate(text, LIMITS.sectionText), blocks: [] };
}
