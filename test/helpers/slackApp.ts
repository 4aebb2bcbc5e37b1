import type { Monitor } from "../../src/daemon/createMonitor.js";
import type { Db } from "../../src/storage/db.js";
import type { ApiMessage } from "../../src/simulator/slackApiSimulator.js";

/**
 * Runs notifier ticks until no alert is due (waiting out Slack's paces in real time: they live in Redis, like the
 * notifier's own schedule would). Returns the outcomes of the ticks that did something.
 */
export async function deliverAll(monitor: Monitor, db: Db, now: () => Date, timeoutMs = 20_000): Promise<string[]> {
  const outcomes: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { outcome } = await monitor.notifyOnce();
    if (outcome !== "idle" && outcome !== "paused") outcomes.push(outcome);
    if (outcome === "idle" && (await db.alert.count({ where: { status: "pending", nextAttemptAt: { lte: now() } } })) === 0) return outcomes;
    if (outcome === "idle" || outcome === "paused") await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`alerts still due after ${timeoutMs} ms: ${JSON.stringify(await db.alert.findMany({ where: { status: "pending" } }))}`);
}

/** Everything a message shows: its fallback text and every string in its blocks. */
export function shown(message: Pick<ApiMessage, "text" | "blocks">): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

/** The header of a card, as a reader sees it first. */
export function headerOf(message: Pick<ApiMessage, "blocks">): string {
  const header = (message.blocks as Array<{ type: string; text?: { text: string } }>).find((b) => b.type === "header");
  return header?.text?.text ?? "";
}
