import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { pathToFileURL } from "node:url";
import { startSlackApiSimulator } from "../../src/simulator/slackApiSimulator.js";
import { startSlackSimulator } from "../../src/simulator/slackSimulator.js";
import { benchConfig, benchDatabase, benchInviteId, clearPrefix, generatedInvite, insertInvites, prepareTemplate, quietLogger, REDIS_URL, sleep } from "./benchEnv.js";

export interface BurstResult {
  transitions: number;
  secondsUntilAllNamed: number;
  messages: number;
  answered429: number;
}

/** Row 6: 300 transitions at once against a Slack webhook that enforces one message per second (429 beyond). */
export async function alertBurst(transitions = 300): Promise<BurstResult> {
  const database = await benchDatabase("burst");
  await insertInvites(database.db, transitions);
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const slack = await startSlackSimulator({ minIntervalMs: 1_000 });
  const prefix = "im-bench-burst";
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, { CLOUDFLARE_BASE_URL: sim.baseUrl, WORKER_CONCURRENCY: "16", SLACK_WEBHOOK_URL: slack.webhookUrl });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["worker"]);
  await monitor.sweepOnce();
  await monitor.drain({ timeoutMs: 120_000 });
  const ids = Array.from({ length: transitions }, (_, i) => benchInviteId(i + 1));
  for (const id of ids) sim.updateInvite(id, { status: "accepted" });
  await database.db.trackedInvite.updateMany({ data: { nextCheckAt: new Date() } });
  await monitor.sweepOnce();
  await monitor.drain({ timeoutMs: 120_000 });

  const start = Date.now();
  await monitor.start(["notifier"]);
  const named = () => new Set(slack.delivered().flatMap((m) => [...`${m.text} ${JSON.stringify(m.blocks)}`.matchAll(/([0-9a-f]{32})/g)].map((x) => x[1]!)));
  while (ids.some((id) => !named().has(id)) && Date.now() - start < 120_000) await sleep(50);
  const seconds = (Date.now() - start) / 1000;
  await monitor.stop();
  await redis.quit();
  await sim.close();
  await slack.close();
  await clearPrefix(prefix);
  await database.drop();
  return { transitions, secondsUntilAllNamed: seconds, messages: slack.delivered().length, answered429: slack.received.filter((m) => m.status === 429).length };
}

export interface AppBurstResult {
  transitions: number;
  /** From the notifier's start to the digest message naming them all. */
  secondsUntilDigest: number;
  /** ... to every invite's card showing its final state (✅ Accepted). */
  secondsUntilAllCardsFinal: number;
  /** ... to every alert delivered: its reply in its card's thread too. */
  secondsUntilAllReplies: number;
  /** Top-level messages in the channel: the digest(s) and one card per invite. */
  topLevel: number;
  calls: number;
  answered429: number;
}

/**
 * Row 6 in the Slack app mode: the same 300 transitions at once, against a Slack Web API that allows one
 * chat.postMessage per channel per second and one chat.update per 1.2 s (Tier 3), answering 429 beyond.
 */
export async function alertBurstApp(transitions = 300): Promise<AppBurstResult> {
  const database = await benchDatabase("burst_app");
  await insertInvites(database.db, transitions);
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const slack = await startSlackApiSimulator({ postIntervalMs: 1_000, updateIntervalMs: 1_200 });
  const prefix = "im-bench-burst-app";
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, {
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    WORKER_CONCURRENCY: "16",
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: slack.channel,
    SLACK_API_URL: slack.apiUrl,
  });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["worker"]);
  await monitor.sweepOnce();
  await monitor.drain({ timeoutMs: 120_000 });
  const ids = Array.from({ length: transitions }, (_, i) => benchInviteId(i + 1));
  for (const id of ids) sim.updateInvite(id, { status: "accepted" });
  await database.db.trackedInvite.updateMany({ data: { nextCheckAt: new Date() } });
  await monitor.sweepOnce();
  await monitor.drain({ timeoutMs: 120_000 });

  const start = Date.now();
  const since = () => (Date.now() - start) / 1000;
  await monitor.start(["notifier"]);
  const header = (blocks: unknown[]) => (blocks as Array<{ type: string; text?: { text: string } }>).find((b) => b.type === "header")?.text?.text;
  const finalCards = () => new Set(slack.messages().filter((m) => header(m.blocks) === "✅ Accepted").map((m) => /\[([0-9a-f]{32})\]/.exec(m.text)?.[1]));
  let digest = NaN;
  let cards = NaN;
  const limit = 30 * 60_000;
  while (Date.now() - start < limit) {
    if (Number.isNaN(digest) && slack.messages().some((m) => m.text.startsWith(`${transitions} invite updates`))) digest = since();
    if (Number.isNaN(cards) && finalCards().size === transitions) cards = since();
    if (!Number.isNaN(cards) && (await database.db.alert.count({ where: { status: "delivered" } })) === transitions) break;
    await sleep(100);
  }
  const replies = since();
  await monitor.stop();
  await redis.quit();
  await sim.close();
  await slack.close();
  await clearPrefix(prefix);
  await database.drop();
  return {
    transitions,
    secondsUntilDigest: digest,
    secondsUntilAllCardsFinal: cards,
    secondsUntilAllReplies: replies,
    topLevel: slack.messages().length,
    calls: slack.calls.length,
    answered429: slack.calls.filter((c) => c.status === 429).length,
  };
}

// `npx tsx scripts/bench/alertBurst.ts --slack-app [transitions]`: row 6 in the app mode alone (about 10 minutes
// for 300: Slack takes one post per channel per second, and each invite needs a card and a reply).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href && process.argv.includes("--slack-app")) {
  await prepareTemplate();
  const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300);
  process.stdout.write(`${JSON.stringify(await alertBurstApp(count))}\n`);
  process.exit(0);
}
