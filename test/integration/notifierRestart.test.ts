import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { startSlackSimulator, type ReceivedMessage, type SlackSimulator } from "../../src/simulator/slackSimulator.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { spawnDaemon, type DaemonProcess } from "../helpers/daemonProcess.js";
import { waitUntil } from "../helpers/waitUntil.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

let database: TestDatabase;
let slack: SlackSimulator;
let daemons: DaemonProcess[] = [];
let prefix: string;

async function flushPrefix(): Promise<void> {
  const redis = new Redis(inject("redisUrl"));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
  daemons = [];
  await slack?.close();
  await flushPrefix();
  await database?.drop();
});

describe("acceptance 4: a killed notifier and a flushed Redis lose no alert", () => {
  it("delivers every alert after SIGKILL and an emptied Redis, none twice beyond the send/commit window", async () => {
    database = await createTestDatabase();
    let inFlight: ReceivedMessage | undefined;
    slack = await startSlackSimulator({
      delayMs: 150,
      // The fourth message has reached Slack and its 200 is 150 ms away: the notifier is killed right now, inside
      // the window between Slack's 200 and the commit, so that window is exercised on every run.
      onMessage: (message) => {
        if (inFlight || slack.received.length < 4) return;
        inFlight = message;
        daemons[0]?.child.kill("SIGKILL");
      },
    });
    prefix = `imtest-${randomBytes(5).toString("hex")}`;
    const total = 30;
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: prefix,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      SLACK_SEND_INTERVAL: "100ms",
      SLACK_DIGEST_THRESHOLD: "100",
      SLACK_TIMEOUT: "500ms",
      LOG_LEVEL: "info",
      HTTP_PORT: "0",
    };

    const first = spawnDaemon(["start", "--role", "notifier"], env);
    daemons.push(first);
    await waitUntil(() => first.output().includes("invite-monitor started"), 20_000);
    // Alerts keep arriving, as polls would raise them, while the notifier is killed and while it is down.
    let raised = 0;
    const raising = (async () => {
      for (; raised < total; raised++) {
        const now = new Date();
        await insertAlerts(database.sql, [credentialsAlert("credentials_rejected", `incident-${raised}`, `alert-${raised}-end`, now)], now);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    })();
    await waitUntil(() => inFlight !== undefined);
    await first.stop("SIGKILL");
    expect(raised).toBeLessThan(total);

    await flushPrefix();
    const second = spawnDaemon(["start", "--role", "notifier"], env);
    daemons.push(second);
    await raising;
    await waitUntil(async () => (await database.db.alert.count({ where: { status: "delivered" } })) === total, 30_000);
    expect(await second.stop("SIGTERM")).toBe(0);

    // A digest names each alert in its blocks.
    const messages = slack.delivered().map((m) => `${m.text} ${JSON.stringify(m.blocks)}`);
    const perAlert = Array.from({ length: total }, (_, i) => messages.filter((m) => m.includes(`alert-${i}-end`)).length);
    expect(perAlert.every((n) => n >= 1)).toBe(true);
    // Only the message in flight at the kill (Slack said 200, we had not committed) arrives twice: the duplicated
    // alerts are exactly the ones in that message, each sent at most twice.
    const duplicated = perAlert.flatMap((n, i) => (n > 1 ? [i] : []));
    const killedWith = Array.from({ length: total }, (_, i) => i).filter((i) => `${inFlight!.text} ${JSON.stringify(inFlight!.blocks)}`.includes(`alert-${i}-end`));
    expect(inFlight!.status).toBe(200);
    expect(killedWith.length).toBeGreaterThan(0);
    expect(perAlert.every((n) => n <= 2)).toBe(true);
    expect(duplicated).toEqual(killedWith);
    expect(messages.some((m) => duplicated.every((i) => m.includes(`alert-${i}-end`)))).toBe(true);
    expect(second.output()).not.toContain(slack.webhookUrl);
  });
});
