// A digest too big for one Slack message: each part is settled by Slack's answer to that part alone, and parts go
// out one per notifier tick, so SLACK_SEND_INTERVAL paces them like any other message.
import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import type { AlertContent } from "../../src/alerts/alertTypes.js";
import { renderDigest } from "../../src/alerts/renderDigest.js";
import { slackAnswers, type ReceivedMessage } from "../../src/simulator/slackSimulator.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { startHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

const TOTAL = 200;
/** Each detail escapes to about 1,400 characters, so two share a section and 200 alerts need three messages. */
const detailOf = (i: number) => `alert-${i}-end ${"&".repeat(300)}`;

async function raiseBigDigest(): Promise<void> {
  const drafts = Array.from({ length: TOTAL }, (_, i) => credentialsAlert("credentials_rejected", `incident-${i}`, detailOf(i), h.clock()));
  // The premise: Block Kit's limits split these alerts into three messages.
  expect(renderDigest(drafts.map((d) => d.content))).toHaveLength(3);
  await insertAlerts(h.sql, drafts, h.clock());
}

/** The alerts a message names, by their number. */
const alertsIn = (m: ReceivedMessage) => [...JSON.stringify(m.blocks).matchAll(/alert-(\d+)-end/g)].map((x) => Number(x[1]));
const numberOf = (row: { content: unknown }) => Number(/alert-(\d+)-end/.exec((row.content as AlertContent).detail ?? "")?.[1]);

/** Runs notifier ticks until one finds nothing, waiting out Slack's pauses in real time (the pause lives in Redis). */
async function tickUntilIdle(monitor: ReturnType<Harness["monitor"]>, timeoutMs = 15_000): Promise<string[]> {
  const outcomes: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { outcome } = await monitor.notifyOnce();
    if (outcome === "idle") break;
    if (outcome === "paused") await new Promise((resolve) => setTimeout(resolve, 50));
    else outcomes.push(outcome);
  }
  return outcomes;
}

/** How many delivered messages name each alert. */
function timesDelivered(messages: ReceivedMessage[]): number[] {
  const counts = Array<number>(TOTAL).fill(0);
  for (const m of messages) for (const i of alertsIn(m)) counts[i]! += 1;
  return counts;
}

describe("a digest split over several messages", () => {
  it("settles the first part by its own 200 and releases the rest at once, so a 429 on the next part re-sends no alert", async () => {
    h = await startHarness({ slack: true, env: { SLACK_DIGEST_THRESHOLD: "5" } });
    h.slack!.script({ status: 200, body: "ok" }, slackAnswers.rateLimited(1));
    await raiseBigDigest();
    const monitor = h.monitor();

    // One tick, one message: the first part's alerts are delivered, every other alert is due again right away.
    expect(await monitor.notifyOnce()).toEqual({ sent: alertsIn(h.slack!.received[0]!).length, outcome: "delivered" });
    expect(h.slack!.received).toHaveLength(1);
    const firstPart = new Set(alertsIn(h.slack!.received[0]!));
    const afterOne = await h.db.alert.findMany();
    expect(afterOne.filter((r) => r.status === "delivered").map(numberOf).sort((a, b) => a - b)).toEqual([...firstPart].sort((a, b) => a - b));
    expect(afterOne.filter((r) => r.status === "pending" && r.nextAttemptAt <= h.clock())).toHaveLength(TOTAL - firstPart.size);

    await tickUntilIdle(monitor);
    const received = h.slack!.received;
    expect(received.map((m) => m.status)).toEqual([200, 429, 200, 200]);
    // The part refused with 429 goes out again as it was; the part already delivered does not.
    expect(alertsIn(received[2]!)).toEqual(alertsIn(received[1]!));
    expect(timesDelivered(h.slack!.delivered())).toEqual(Array<number>(TOTAL).fill(1));
    const rows = await h.db.alert.findMany();
    expect(rows.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
  });

  it("fails only the alerts of a part Slack refuses, and delivers the parts before and after it", async () => {
    h = await startHarness({ slack: true, env: { SLACK_DIGEST_THRESHOLD: "5" } });
    h.slack!.script({ status: 200, body: "ok" }, { status: 400, body: "invalid_blocks" });
    await raiseBigDigest();
    const monitor = h.monitor();
    await tickUntilIdle(monitor);

    const received = h.slack!.received;
    expect(received.map((m) => m.status)).toEqual([200, 400, 200]);
    const refused = new Set(alertsIn(received[1]!));
    expect(refused.size).toBeGreaterThan(0);
    expect(timesDelivered(h.slack!.delivered())).toEqual(Array.from({ length: TOTAL }, (_, i) => (refused.has(i) ? 0 : 1)));
    const rows = await h.db.alert.findMany();
    for (const row of rows) {
      const expected = refused.has(numberOf(row)) ? { status: "failed", lastError: "HTTP 400: invalid_blocks" } : { status: "delivered", lastError: null };
      expect(row, `alert ${numberOf(row)}`).toMatchObject(expected);
    }
  });

  it("sends one part per SLACK_SEND_INTERVAL across two notifier processes, never faster than Slack allows", async () => {
    // Slack (the simulator) answers 429 to a message less than 200 ms after the last one it accepted.
    h = await startHarness({ slack: { minIntervalMs: 200 }, env: { SLACK_DIGEST_THRESHOLD: "5", SLACK_SEND_INTERVAL: "400ms" } });
    await raiseBigDigest();
    const [one, two] = [h.monitor(), h.monitor()];
    await Promise.all([one.start(["notifier"]), two.start(["notifier"])]);

    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await h.db.alert.count({ where: { status: "delivered" } })) < TOTAL) await new Promise((r) => setTimeout(r, 50));

    const received = h.slack!.received;
    expect(received.map((m) => m.status)).toEqual([200, 200, 200]);
    const gaps = received.slice(1).map((m, i) => m.at - received[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200);
    expect(timesDelivered(h.slack!.delivered())).toEqual(Array<number>(TOTAL).fill(1));
    expect(await h.db.alert.count({ where: { status: "delivered" } })).toBe(TOTAL);
  });
});
