import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { requestsPerSecond } from "../../src/scheduling/budget.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { benchConfig, benchDatabase, clearPrefix, generatedInvite, insertInvites, quietLogger, REDIS_URL } from "./benchEnv.js";

export interface BudgetResult {
  invites: number;
  limit: string;
  share: number;
  configuredRate: number;
  achievedRate: number;
  fractionOfShare: number;
  answered429: number;
  meanStalenessS: number;
  maxStalenessS: number;
  bestMeanS: number;
  bestMaxS: number;
}

/**
 * Row 4: the simulator enforces Cloudflare's rule, scaled down (limit per window, and a whole-window block when
 * exceeded). 1,000 invites, all due, are polled at half the limit for several windows.
 */
export async function budgetAdherence(invites = 1_000, limit = 100, windowMs = 2_000, share = 0.5): Promise<BudgetResult> {
  const database = await benchDatabase("budget");
  await insertInvites(database.db, invites);
  const due = Date.now();
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite, rateLimit: { limit, windowMs } });
  const prefix = "im-bench-budget";
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, {
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    CLOUDFLARE_RATE_LIMIT: String(limit),
    CLOUDFLARE_RATE_WINDOW: `${windowMs}ms`,
    CLOUDFLARE_BUDGET_SHARE: String(share),
    WORKER_CONCURRENCY: "8",
    SWEEP_INTERVAL: "1s",
    POLL_INTERVAL: "1h",
  });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["scheduler", "worker"]);
  while ((await database.db.trackedInvite.count({ where: { lastCheckedAt: null } })) > 0) await new Promise((r) => setTimeout(r, 500));
  await monitor.stop();
  await redis.quit();

  const gets = sim.requests.filter((r) => r.method === "GET");
  const ok = gets.filter((r) => r.status === 200).map((r) => r.at).sort((a, b) => a - b);
  const rate = requestsPerSecond(config.cloudflare);
  const achievedRate = (ok.length - 1) / ((ok.at(-1)! - ok[0]!) / 1000);
  const staleness = ok.map((at) => (at - due) / 1000);
  await sim.close();
  await clearPrefix(prefix);
  await database.drop();
  return {
    invites,
    limit: `${limit} per ${windowMs / 1000}s`,
    share,
    configuredRate: rate,
    achievedRate,
    fractionOfShare: achievedRate / rate,
    answered429: gets.filter((r) => r.status === 429).length,
    meanStalenessS: staleness.reduce((a, b) => a + b, 0) / staleness.length,
    maxStalenessS: Math.max(...staleness),
    bestMeanS: invites / rate / 2,
    bestMaxS: invites / rate,
  };
}
