import { configSecrets, requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import { formatDuration } from "../config/duration.js";
import { systemClock } from "../lib/clock.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { limiterFor, requestsPerSecond } from "../scheduling/budget.js";
import { createDb } from "../storage/db.js";
import { createMonitor, type Role } from "./createMonitor.js";
import { createRedis } from "./redis.js";

/** How long a graceful stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The long-running process: opens Postgres and Redis, starts the requested roles, and shuts down gracefully
 * on SIGTERM or SIGINT (a second signal, or the timeout, forces the exit). Resources close in reverse order.
 */
export async function runDaemon(config: Config, roles: readonly Role[], logger?: Logger): Promise<void> {
  if (roles.includes("worker")) requireCloudflareAuth(config);
  const log = logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const db = createDb(config.databaseUrl);
  const redis = createRedis(config.redisUrl);
  const monitor = createMonitor({ config, db, redis, logger: log, clock: systemClock });

  await db.$queryRaw`SELECT 1`;
  await redis.ping();
  await monitor.start(roles);
  const rate = requestsPerSecond(config.cloudflare);
  log.info(
    {
      roles,
      cloudflare: config.cloudflare.baseUrl,
      auth: config.cloudflare.auth?.kind ?? "none",
      budget: `${(rate * 60).toFixed(1)} requests/min (${config.cloudflare.budgetShare} of ${config.cloudflare.rateLimit} per ${formatDuration(config.cloudflare.rateWindowMs)})`,
      limiter: limiterFor(rate),
      pollInterval: formatDuration(config.polling.intervalMs),
      concurrency: config.polling.concurrency,
      expiryThresholds: config.polling.expiryThresholdsMs.map(formatDuration),
      alerts: config.slack.webhookUrl ? "slack webhook" : "log only (SLACK_WEBHOOK_URL is not set)",
      digestThreshold: config.slack.digestThreshold,
    },
    "invite-monitor started",
  );

  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        log.warn({ signal }, "second signal: exiting now; interrupted jobs run again after a restart");
        process.exit(1);
      }
      log.info({ signal }, "stopping: finishing in-flight polls");
      const timer = setTimeout(() => {
        log.warn({ timeoutMs: STOP_TIMEOUT_MS }, "graceful stop timed out: exiting now");
        process.exit(1);
      }, STOP_TIMEOUT_MS);
      timer.unref();
      void (async () => {
        await monitor.stop();
        await redis.quit();
        await db.$disconnect();
        log.info("stopped");
        resolve();
      })();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
