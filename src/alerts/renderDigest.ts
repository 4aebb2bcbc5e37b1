import type { AlertContent, AlertKind } from "./alertTypes.js";
import { ALERT_KINDS } from "./alertTypes.js";
import { KIND_LOOK } from "./renderAlert.js";
import { LIMITS, escapeMrkdwn, truncate, type SlackBlock, type SlackMessage } from "./slackText.js";

/** Room kept free in each message for the header and the closing context line. */
const RESERVED_BLOCKS = 2;
/** Room kept free in each section for a "(continued)" title when a kind spills into the next message. */
const TITLE_ROOM = 80;

const title = (kind: AlertKind, continued = false) => `*${KIND_LOOK[kind].emoji} ${KIND_LOOK[kind].title}${continued ? " (continued)" : ""}*\n`;

/**
 * Many alerts at once as one digest message (or a few, when Block Kit's limits are reached), grouped by kind.
 * Every invite is named in some message: nothing is dropped to fit.
 */
export function renderDigest(alerts: readonly AlertContent[]): SlackMessage[] {
  const lines: Array<{ kind: AlertKind; line: string }> = [];
  for (const kind of ALERT_KINDS) {
    for (const alert of alerts.filter((a) => a.kind === kind)) lines.push({ kind, line: digestLine(alert) });
  }

  // Pack the lines into sections of at most 3,000 characters, one kind per section; the first section of each
  // kind starts with its title, so nothing needs cutting afterwards.
  const sections: Array<{ kind: AlertKind; text: string; count: number }> = [];
  for (const { kind, line } of lines) {
    const last = sections.at(-1);
    if (last && last.kind === kind && last.text.length + 1 + line.length <= LIMITS.sectionText - TITLE_ROOM) {
      last.text += `\n${line}`;
      last.count += 1;
    } else {
      sections.push({ kind, text: `${last?.kind === kind ? "" : title(kind)}${line}`, count: 1 });
    }
  }
  const perMessage = LIMITS.blocks - RESERVED_BLOCKS;
  const messages: SlackMessage[] = [];
  for (let start = 0; start < sections.length; start += perMessage) {
    const chunk = sections.slice(start, start + perMessage).map((s) => ({ ...s }));
    // A kind that spills over from the previous message is named again, so every part reads on its own.
    const first = chunk[0];
    if (first && start > 0 && sections[start - 1]?.kind === first.kind) first.text = title(first.kind, true) + first.text;
    const count = chunk.reduce((n, s) => n + s.count, 0);
    const part = sections.length > perMessage ? ` (part ${messages.length + 1})` : "";
    const counts = ALERT_KINDS.map((kind) => [kind, chunk.filter((s) => s.kind === kind).reduce((n, s) => n + s.count, 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind.replace("_", " ")}`);
    const blocks: SlackBlock[] = [
      { type: "header", text: { type: "plain_text", text: truncate(`📋 ${count} invite update${count === 1 ? "" : "s"}${part}`, LIMITS.header), emoji: true } },
      ...chunk.map((s): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text: s.text } })),
      { type: "context", elements: [{ type: "mrkdwn", text: "invite-monitor digest: many alerts were ready at once" }] },
    ];
    messages.push({ text: truncate(`${count} invite update${count === 1 ? "" : "s"}${part}: ${counts.join(", ")}`, LIMITS.sectionText), blocks });
  }
  return messages;
}

function digestLine(alert: AlertContent): string {
  if (alert.inviteId === null) return `• ${escapeMrkdwn(truncate(alert.detail ?? KIND_LOOK[alert.kind].title, 300))}`;
  const who = escapeMrkdwn(truncate(alert.invitedMemberEmail ?? "(unknown invitee)", 100));
  const org = escapeMrkdwn(truncate(alert.organizationName ?? alert.organizationId ?? "", 80));
  return `• \`${alert.inviteId}\` ${who}${org ? ` — ${org}` : ""}`;
}
