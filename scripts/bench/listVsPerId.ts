import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { requestsPerSecond } from "../../src/scheduling/budget.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator, type ReceivedMessage } from "../../src/simulator/slackSimulator.js";
import { benchConfig, benchDatabase, benchInviteId, clearPrefix, generatedInvite, insertInvites, percentile, quietLogger, REDIS_URL, sleep } from "./benchEnv.js";

export type ListMode = "per-id" | "list, non-pending listed" | "list, non-pending dropped";

export interface ModeResult {
  mode: ListMode;
  /** Requests one full cycle costs: every tracked invite observed once. */
  requestsPerCycle: number;
  /** The most requests any one LIST_INTERVAL cost while the flips happened (list modes). */
  maxRequestsPerInterval: number;
  /** Individual GETs sent for the flipped invites, and for any other invite, after the flips began. */
  getsForFlipped: number;
  getsForOthers: number;
  detected: number;
  p50S: number;
  p99S: number;
  answered429: number;
  windowS: number;
}

export interface ListBenchResult {
  tracked: number;
  flips: number;
  rate: number;
  listIntervalS: number;
  spreadS: number;
  modes: ModeResult[];
}

/**
 * Row 7: 10,000 tracked invites at Cloudflare's real rule (1,200 per 5 minutes) and the default share (1 request/s);
 * 200 of them flip to accepted at random moments. Per-id mode against the list call, in both of the simulator's
 * answers to the open question of whether Cloudflare lists invitations that are no longer pending. Detection runs
 * from the flip to the Slack simulator receiving a message that names the invite.
 */
export async function listVsPerId(tracked = 10_000, flips = 200, spreadS = 240, listIntervalS = 30, perIdWindowS = 120): Promise<ListBenchResult> {
  const modes: ModeResult[] = [];
  let rate = 0;
  for (const mode of ["per-id", "list, non-pending listed", "list, non-pending dropped"] as const) {
    const result = await runMode(mode, tracked, flips, mode === "per-id" ? perIdWindowS : spreadS, listIntervalS);
    rate = result.rate;
    modes.push(result.mode);
  }
  return { tracked, flips, rate, listIntervalS, spreadS, modes };
}

async function runMode(mode: ListMode, tracked: number, flips: number, spreadS: number, listIntervalS: number): Promise<{ mode: ModeResult; rate: number }> {
  const database = await benchDatabase("list");
  await insertInvites(database.db, tracked);
  const sim = await startCloudflareSimulator({
    defaultInvite: generatedInvite,
    rateLimit: { limit: 1200, windowMs: 300_000 },
    listNonPending: mode !== "list, non-pending dropped",
  });
  const ids = Array.from({ length: tracked }, (_, i) => benchInviteId(i + 1));
  for (const id of ids) sim.setInvite({ ...generatedInvite(id), id });
  const firstSeen = new Map<string, number>();
  const slack = await startSlackSimulator({
    onMessage: (m: ReceivedMessage) => {
      if (m.status !== 200) return;
      for (const [, id] of `${m.text} ${JSON.stringify(m.blocks)}`.matchAll(/([0-9a-f]{32})/g)) if (!firstSeen.has(id!)) firstSeen.set(id!, m.at);
    },
  });
  const prefix = "im-bench-list";
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, {
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    CLOUDFLARE_RATE_LIMIT: "1200",
    CLOUDFLARE_RATE_WINDOW: "5m",
    CLOUDFLARE_BUDGET_SHARE: "0.25",
    CLOUDFLARE_LIST: mode === "per-id" ? "off" : "on",
    LIST_INTERVAL: `${listIntervalS}s`,
    SWEEP_INTERVAL: "1s",
    WORKER_CONCURRENCY: "4",
    SLACK_WEBHOOK_URL: slack.webhookUrl,
  });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["scheduler", "worker", "notifier"]);
  // List modes: wait for the first list to have observed every invite; per-id mode starts flipping at once.
  if (mode !== "per-id") while ((await database.db.trackedInvite.count({ where: { lastCheckedAt: null } })) > 0) await sleep(250);

  const flipStart = Date.now();
  const chosen = new Set<string>();
  while (chosen.size < flips) chosen.add(ids[Math.floor(Math.random() * ids.length)]!);
  const flipIds = [...chosen];
  const flippedAt = new Map<string, number>();
  await Promise.all(
    flipIds.map(async (id) => {
      await sleep(Math.random() * spreadS * 1000);
      sim.updateInvite(id, { status: "accepted" });
      flippedAt.set(id, Date.now());
    }),
  );
  // Per-id mode: the window is the spread itself (its cycle is hours long); list modes: wait for every flip, bounded.
  const deadline = mode === "per-id" ? Date.now() : Date.now() + (listIntervalS + flips + 30) * 1000;
  while (Date.now() < deadline && flipIds.some((id) => !firstSeen.has(id))) await sleep(250);
  const windowS = (Date.now() - flipStart) / 1000;
  await monitor.stop();
  await redis.quit();
  const after = sim.requests.filter((r) => r.at >= flipStart);
  await sim.close();
  await slack.close();
  await clearPrefix(prefix);
  await database.drop();

  const latencies = flipIds.filter((id) => firstSeen.has(id)).map((id) => (firstSeen.get(id)! - flippedAt.get(id)!) / 1000);
  const lists = after.filter((r) => r.inviteId === null).map((r) => r.at);
  let maxPerInterval = 0;
  for (let i = 0; i + 1 < lists.length; i++) maxPerInterval = Math.max(maxPerInterval, after.filter((r) => r.at >= lists[i]! && r.at < lists[i + 1]!).length);
  const rateNow = requestsPerSecond(config.cloudflare);
  return {
    rate: rateNow,
    mode: {
      mode,
      requestsPerCycle: mode === "per-id" ? tracked : 1,
      maxRequestsPerInterval: maxPerInterval,
      getsForFlipped: after.filter((r) => r.inviteId !== null && chosen.has(r.inviteId)).length,
      getsForOthers: after.filter((r) => r.inviteId !== null && !chosen.has(r.inviteId)).length,
      detected: latencies.length,
      p50S: percentile(latencies, 50),
      p99S: percentile(latencies, 99),
      answered429: after.filter((r) => r.status === 429).length,
      windowS,
    },
  };
}
