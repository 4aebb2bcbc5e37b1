import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator } from "../../src/simulator/slackSimulator.js";
import { benchConfig, benchDatabase, benchInviteId, clearPrefix, generatedInvite, insertInvites, quietLogger, REDIS_URL, sleep } from "./benchEnv.js";

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
