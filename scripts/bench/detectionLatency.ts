import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator, type ReceivedMessage } from "../../src/simulator/slackSimulator.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { benchConfig, benchDatabase, benchInviteId, clearPrefix, generatedInvite, percentile, quietLogger, REDIS_URL, sleep } from "./benchEnv.js";

export interface DetectionResult {
  flips: number;
  intervalS: number;
  p50S: number;
  p95S: number;
  p99S: number;
  missed: number;
  expiryWarnings: number;
  expiryP99S: number;
  /** From the threshold moment to the warning being recorded (the poll that saw it), before Slack's pacing. */
  expiryRaisedP99S: number;
  thresholdS: number;
}

/**
 * Row 5: 200 invites flip to accepted at random moments; the latency is from the flip to the Slack simulator
 * receiving a message that names the invite. 20 more invites cross an expiry threshold during the run; their
 * latency is from the threshold moment to the warning.
 */
export async function detectionLatency(flips = 200, intervalS = 5, spreadS = 20, thresholdS = 20): Promise<DetectionResult> {
  const database = await benchDatabase("detection");
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const firstSeen = new Map<string, number>();
  const slack = await startSlackSimulator({
    onMessage: (m: ReceivedMessage) => {
      if (m.status !== 200) return;
      const text = `${m.text} ${JSON.stringify(m.blocks)}`;
      for (const [, id] of text.matchAll(/([0-9a-f]{32})/g)) if (!firstSeen.has(id!)) firstSeen.set(id!, m.at);
    },
  });
  const flipIds = Array.from({ length: flips }, (_, i) => benchInviteId(i + 1));
  const start = Date.now();
  const expiring = Array.from({ length: 20 }, (_, i) => ({ id: benchInviteId(10_000 + i), expiresAt: start + (thresholdS + 10 + Math.random() * spreadS) * 1000 }));
  for (const { id, expiresAt } of expiring) sim.setInvite({ ...generatedInvite(id), id, expires_on: new Date(expiresAt).toISOString() });
  await trackInvites(database.db, [...flipIds, ...expiring.map((e) => e.id)].map((id) => ({ id, label: null, source: "bench" })), new Date());

  const prefix = "im-bench-detection";
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, {
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    POLL_INTERVAL: `${intervalS}s`,
    SWEEP_INTERVAL: "250ms",
    WORKER_CONCURRENCY: "16",
    EXPIRY_THRESHOLDS: `${thresholdS}s`,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
  });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["scheduler", "worker", "notifier"]);
  await sleep(intervalS * 1000); // one full cycle: every invite observed once

  const flippedAt = new Map<string, number>();
  await Promise.all(
    flipIds.map(async (id) => {
      await sleep(Math.random() * spreadS * 1000);
      sim.updateInvite(id, { status: "accepted" });
      flippedAt.set(id, Date.now());
    }),
  );
  const deadline = Date.now() + (intervalS + 15) * 1000;
  while (Date.now() < deadline && [...flipIds, ...expiring.map((e) => e.id)].some((id) => !firstSeen.has(id))) await sleep(200);
  await monitor.stop();
  const raised = await database.db.alert.findMany({ where: { kind: "expiring" }, select: { inviteId: true, createdAt: true } });
  await redis.quit();
  await sim.close();
  await slack.close();
  await clearPrefix(prefix);
  await database.drop();

  const latencies = flipIds.filter((id) => firstSeen.has(id)).map((id) => (firstSeen.get(id)! - flippedAt.get(id)!) / 1000);
  // Each expiring invite's threshold moment; a warning's latency runs from it.
  const markAt = new Map(expiring.map((e) => [e.id, e.expiresAt - thresholdS * 1000]));
  const expiryLatencies = expiring.filter((e) => firstSeen.has(e.id)).map((e) => (firstSeen.get(e.id)! - markAt.get(e.id)!) / 1000);
  const raisedLatencies = raised.map((a) => (a.createdAt.getTime() - markAt.get(a.inviteId!)!) / 1000);
  return {
    flips,
    intervalS,
    p50S: percentile(latencies, 50),
    p95S: percentile(latencies, 95),
    p99S: percentile(latencies, 99),
    missed: flips - latencies.length,
    expiryWarnings: expiryLatencies.length,
    expiryP99S: percentile(expiryLatencies, 99),
    expiryRaisedP99S: percentile(raisedLatencies, 99),
    thresholdS,
  };
}
