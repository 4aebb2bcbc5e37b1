// The Slack app mode as a real process: the startup line names the bot (auth.test), /readyz asks Slack, a refused
// token stops the start, and a notifier SIGKILLed between chat.postMessage and the commit of the card's ts leaves
// at most one extra card, posted once the claim of the killed process has expired.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { AlertDraft } from "../../src/alerts/alertTypes.js";
import { startSlackApiSimulator, type ApiCall, type SlackApiSimulator } from "../../src/simulator/slackApiSimulator.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { spawnDaemon, type DaemonProcess } from "../helpers/daemonProcess.js";
import { headerOf } from "../helpers/slackApp.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";
import { inviteId } from "../helpers/harness.js";
import { waitUntil } from "../helpers/waitUntil.js";

let database: TestDatabase;
let slack: SlackApiSimulator;
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

const TIMEOUT_MS = 500;
/** The claim of a notifier that died: 2 × SLACK_TIMEOUT + 1 s (README, "Delivery guarantees"). */
const LEASE_MS = 2 * TIMEOUT_MS + 1_000;

function envFor(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    QUEUE_PREFIX: prefix,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: slack.channel,
    SLACK_API_URL: slack.apiUrl,
    SLACK_SEND_INTERVAL: "100ms",
    SLACK_TIMEOUT: `${TIMEOUT_MS}ms`,
    LOG_LEVEL: "info",
    HTTP_PORT: "0",
    ...extra,
  };
}

/** An "accepted" alert for each invite, as a poll would have written it. */
async function raiseAccepted(ids: readonly string[]): Promise<void> {
  const now = new Date();
  await database.db.trackedInvite.createMany({ data: ids.map((id) => ({ id, nextCheckAt: new Date(now.getTime() + 86_400_000) })) });
  const drafts: AlertDraft[] = ids.map((id) => ({
    dedupKey: `invite:${id}:accepted:test`,
    kind: "accepted",
    inviteId: id,
    content: {
      kind: "accepted", inviteId: id, label: null, invitedMemberEmail: `${id.slice(-2)}@example.com`, organizationName: "Example Org", organizationId: "org",
      roles: ["Administrator"], invitedBy: "admin@example.com", invitedOn: now.toISOString(), expiresOn: new Date(now.getTime() + 86_400_000).toISOString(),
      oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null, occurredAt: now.toISOString(),
    },
  }));
  await insertAlerts(database.sql, drafts, now);
}

async function setUp(options: Parameters<typeof startSlackApiSimulator>[0] = {}): Promise<void> {
  database = await createTestDatabase();
  prefix = `imtest-${randomBytes(5).toString("hex")}`;
  slack = await startSlackApiSimulator(options);
}

describe("the Slack app mode in a real process", () => {
  it("names the bot and channel at startup (auth.test), and /readyz includes Slack", async () => {
    await setUp();
    const daemon = spawnDaemon(["start", "--role", "notifier"], envFor());
    daemons.push(daemon);
    await daemon.waitForLog("invite-monitor started");
    const started = daemon.logs.find((l) => l.msg === "invite-monitor started")!;
    expect(started.alerts).toBe(`slack app: bot @invite-monitor (U0SIMBOT1) in Simulated Workspace, channel ${slack.channel}`);
    const ready = (await (await fetch(`${String(started.http)}/readyz`)).json()) as { status: string; checks: Record<string, string> };
    expect(ready.checks.slack).toBe("ok");
    expect(slack.calls.filter((c) => c.method === "auth.test").every((c) => c.ok)).toBe(true);
    expect(daemon.output()).not.toContain(slack.token);
  });

  it("refuses to start with a token Slack refuses, saying what to check and never the token", async () => {
    await setUp();
    slack.revokeToken("token_revoked");
    const daemon = spawnDaemon(["start", "--role", "notifier"], envFor());
    daemons.push(daemon);
    // It exits by itself; SIGCONT (harmless) only makes stop() wait for that exit.
    expect(await daemon.stop("SIGCONT")).toBe(1);
    expect(daemon.output()).toContain("SLACK_BOT_TOKEN: Slack refused it (auth.test: token_revoked");
    expect(daemon.output()).not.toContain(slack.token);
  });

  it("a notifier SIGKILLed between chat.postMessage and the commit of the card's ts leaves at most one extra card", async () => {
    let killedAt: ApiCall | undefined;
    await setUp({
      // The first card has reached Slack (it is in the channel) and its answer is 300 ms away: the notifier is
      // killed right now, inside the window between Slack's answer and the commit of the ts.
      onCall: (call) => {
        if (killedAt || call.method !== "chat.postMessage" || call.threadTs || !call.ok) return;
        killedAt = call;
        daemons[0]?.child.kill("SIGKILL");
      },
    });
    slack.script("chat.postMessage", { delayMs: 300 });
    const ids = [inviteId(1), inviteId(2), inviteId(3)];
    await raiseAccepted(ids);

    const first = spawnDaemon(["start", "--role", "notifier"], envFor());
    daemons.push(first);
    await waitUntil(() => killedAt !== undefined, 20_000);
    await first.stop("SIGKILL");
    expect(await database.db.slackCard.count()).toBe(0);

    const second = spawnDaemon(["start", "--role", "notifier"], envFor());
    daemons.push(second);
    await waitUntil(async () => (await database.db.alert.count({ where: { status: "delivered" } })) === ids.length, 30_000);
    expect(await second.stop("SIGTERM")).toBe(0);

    const cards = slack.messages();
    const killedInvite = ids.find((id) => killedAt!.text!.includes(id))!;
    for (const id of ids) {
      const mine = cards.filter((c) => c.text.includes(id));
      // The one in flight at the kill shows twice; every other invite once.
      expect(mine, id).toHaveLength(id === killedInvite ? 2 : 1);
      const stored = await database.db.slackCard.findUniqueOrThrow({ where: { inviteId: id } });
      expect(stored.ts).toBe(mine.at(-1)!.ts);
      expect(headerOf(mine.at(-1)!)).toBe("✅ Accepted");
      expect(slack.thread(stored.ts)).toHaveLength(1);
    }
    // The extra card came only after the killed notifier's claim expired: the documented window, nothing sooner.
    const repost = slack.calls.find((c) => c.method === "chat.postMessage" && c.ok && c !== killedAt && c.text?.includes(killedInvite) && !c.threadTs)!;
    expect(repost.at - killedAt!.at).toBeGreaterThanOrEqual(LEASE_MS - 50);
  });
});
