import type { IncomingWebhookSendArguments } from "@slack/webhook";

export type SlackBlock = NonNullable<IncomingWebhookSendArguments["blocks"]>[number];
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's Block Kit limits (../shared/CLOUDFLARE.md). */
export const LIMITS = { blocks: 50, sectionText: 3000, fieldText: 2000, fields: 10, header: 150 } as const;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to `max` characters, marking the cut. Counts UTF-16 units, as Slack does, without splitting a
 * surrogate pair or an escaped entity (`&amp;` never becomes `&am…`).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return "";
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).replace(/&[a-z]{0,3}$/, "")}…`;
}

/** "a, b, c and 37 more", within `max` characters. */
export function listWithin(items: readonly string[], max: number): string {
  if (items.length === 0) return "none";
  const whole = items.join(", ");
  if (whole.length <= max) return whole;
  const shown: string[] = [];
  for (const [index, item] of items.entries()) {
    const rest = items.length - index - 1;
    const candidate = [...shown, item].join(", ") + (rest > 0 ? ` and ${rest} more` : "");
    if (candidate.length > max) break;
    shown.push(item);
  }
  if (shown.length === 0) return truncate(`${items.length} role${items.length === 1 ? "" : "s"}`, max);
  const hidden = items.length - shown.length;
  return shown.join(", ") + (hidden > 0 ? ` and ${hidden} more` : "");
}
