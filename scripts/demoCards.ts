// The Slack app side of `npm run demo -- --slack-app`: a local Slack Web API, and a printout of each invite's
// living card and its thread every time either changes, as a reader of the channel would see them.
import { startSlackApiSimulator, type ApiMessage, type SlackApiSimulator } from "../src/simulator/slackApiSimulator.js";

/** What the terminal shows of Slack's mrkdwn: date tokens by their fallback text, entities decoded. */
function plain(text: string): string {
  return text.replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, "$1").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function headerOf(message: ApiMessage): string {
  const header = (message.blocks as Array<{ type: string; text?: { text: string } }>).find((b) => b.type === "header");
  return header?.text?.text ?? message.text;
}

/** The alert kind a thread reply records, by the emoji it starts with (renderThreadReply). */
const REPLY_KINDS: Array<[string, string]> = [["✅", "accepted"], ["❌", "rejected"], ["⏰", "expires"], ["⌛", "expired"], ["🗑️", "gone"]];

export interface DemoCards {
  sim: SlackApiSimulator;
  /** How many thread replies of each kind have arrived. */
  seen: Map<string, number>;
  /** One row per card: invite, what its header says now, how many replies its thread has. */
  rows(): string[][];
}

/**
 * Starts the simulator with Slack's paces (one post per channel per `intervalMs`, edits a little slower) and
 * prints, on every post or edit, the card concerned: its header now, then its whole thread.
 */
export async function startDemoCards(intervalMs: number, say: (text: string) => void): Promise<DemoCards> {
  const seen = new Map<string, number>();
  const sim: SlackApiSimulator = await startSlackApiSimulator({
    postIntervalMs: intervalMs,
    updateIntervalMs: Math.ceil(intervalMs * 1.2),
    onChange(message) {
      if (message.threadTs) {
        const kind = REPLY_KINDS.find(([emoji]) => message.text.startsWith(emoji))?.[1];
        if (kind) seen.set(kind, (seen.get(kind) ?? 0) + 1);
      }
      const card = message.threadTs ? sim.messages().find((m) => m.ts === message.threadTs) : message;
      if (!card) return;
      const who = /: (\S+) to /.exec(plain(card.text))?.[1] ?? "";
      const what = message.threadTs ? "reply" : card.versions.length === 1 ? "posted" : `edited (version ${card.versions.length})`;
      const thread = sim.thread(card.ts).map((reply, i) => `${i === 0 ? "  thread:" : "         "} ${plain(reply.text)}`);
      say([`CARD   ${who.padEnd(20)} ${plain(headerOf(card))}   [${what}]`, ...thread].join("\n      "));
    },
  });
  return {
    sim,
    seen,
    rows: () => sim.messages().map((card) => [/\[([0-9a-f]{32})\]/.exec(card.text)?.[1] ?? "(digest)", plain(headerOf(card)), String(sim.thread(card.ts).length)]),
  };
}
