import type { AlertContent, AlertKind } from "./alertTypes.js";
import { ALERT_KINDS } from "./alertTypes.js";
import { KIND_LOOK } from "./renderAlert.js";
import { LIMITS, escapeMrkdwn, truncate, type SlackBlock, type SlackMessage } from "./slackText.js";

/** Room kept free in each message for the header and the closing context line. */
const RESERVED_BLOCKS = 2;
/** Room kept free in each section for a "(continued)" title when a kind spills into the next message. */
const TITLE_ROOM = 80;

const title = (kind: AlertKind, continued = false) => `*${KIND_LOOK[kind].emoji} ${KIND_LOOK[kind].title}${continued ? " (continued)" : ""}*\n`;

/** One message of a digest and the alerts it names, as indexes into the digest's input. */
export interface DigestPart {
  message: SlackMessage;
  alerts: number[];
}

/**
 * Many alerts at once as one digest message (or a few, when Block Kit's limits are reached), grouped by kind.
 * Every invite is named in exactly one part, and each part says which alerts it carries, so that each part can be
 * settled by Slack's answer to it alone. A part that is not the last says how many alerts follow, not its number:
 * the notifier sends one part per tick and renders the rest again on the next, so numbers would restart at 1.
 */
export function digestParts(alerts: readonly AlertContent[]): DigestPart[] {
  const lines: Array<{ kind: AlertKind; line: string; index: number }> = [];
  for (const kind of ALERT_KINDS) {
    alerts.forEach((alert, index) => {
      if (alert.kind === kind) lines.push({ kind, line: digestLine(alert), index });
    });
  }

  // Pack the lines into sections of at most 3,000 characters, one kind per section; the first section of each
  // kind starts with its title, so nothing needs cutting afterwards.
  const sections: Array<{ kind: AlertKind; text: string; alerts: number[] }> = [];
  for (const { kind, line, index } of lines) {
    const last = sections.at(-1);
    if (last && last.kind === kind && last.text.length + 1 + line.length <= LIMITS.sectionText - TITLE_ROOM) {
      last.text += `\n${line}`;
      last.alerts.push(index);
    } else {
      sections.push({ kind, text: `${last?.kind === kind ? "" : title(kind)}${line}`, alerts: [index] });
    }
  }
  const perMessage = LIMITS.blocks - RESERVED_BLOCKS;
  const parts: DigestPart[] = [];
  let named = 0;
  for (let start = 0; start < sections.length; start += perMessage) {
    const chunk = sections.slice(start, start + perMessage).map((s) => ({ ...s }));
    // A kind that spills over from the previous message is named again, so every part reads on its own.
    const first = chunk[0];
    if (first && start > 0 && sections[start - 1]?.kind === first.kind) first.text = title(first.kind, true) + first.text;
    const carried = chunk.flatMap((s) => s.alerts);
    const count = carried.length;
    named += count;
    const more = alerts.length - named > 0 ? ` (${alerts.length - named} more follow)` : "";
    const counts = ALERT_KINDS.map((kind) => [kind, chunk.filter((s) => s.kind === kind).reduce((n, s) => n + s.alerts.length, 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind.replace("_", " ")}`);
    const blocks: SlackBlock[] = [
      { type: "header", text: { type: "plain_text", text: truncate(`📋 ${count} invite update${count === 1 ? "" : "s"}${more}`, LIMITS.header), emoji: true } },
      ...chunk.map((s): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text: s.text } })),
      { type: "context", elements: [{ type: "mrkdwn", text: "invite-monitor digest: many alerts were ready at once" }] },
    ];
    parts.push({ message: { text: truncate(`${count} invite update${count === 1 ? "" : "s"}${more}: ${counts.join(", ")}`, LIMITS.sectionText), blocks }, alerts: carried });
  }
  return parts;
}

/** The digest's messages alone, in order. */
export function renderDigest(alerts: readonly AlertContent[]): SlackMessage[] {
  return digestParts(alerts).map((part) => part.message);
}

function digestLine(alert: AlertContent): string {
  if (alert.inviteId === null) return `• ${escapeMrkdwn(truncate(alert.detail ?? KIND_LOOK[alert.kind].title, 300))}`;
  const who = escapeMrkdwn(truncate(alert.invitedMemberEmail ?? "(unknown invitee)", 100));
  const org = escapeMrkdwn(truncate(alert.organizationName ?? alert.organizationId ?? "", 80));
  return `• \`${alert.inviteId}\` ${who}${org ? ` — ${org}` : ""}`;
}
