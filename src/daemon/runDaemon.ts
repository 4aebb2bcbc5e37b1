import { configSecrets, requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import { formatDuration } from "../lib/duration.js";
import { startHttpServer } from "../http/startHttpServer.js";
import { systemClock } from "../lib/clock.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { limiterFor } from "../scheduling/budget.js";
import { makeSlackAppCheck, type SlackIdentity } from "../notifier/slackAppCheck.js";
import { createDb } from "../storage/db.js";
import { createSqlPool } from "../storage/sqlPool.js";
import { createMonitor, type Role } from "./createMonitor.js";
import { createRedis } from "./redis.js";
import { startupChecks } from "./startupChecks.js";

/** Connections per process: the sweep, the notifier, the gauges and one batched poll write at a time. */
const POOL_SIZE = 5;
/** How long a graceful stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The long-running process: checks Postgres and Redis, starts the requested roles and the HTTP endpoints, and
 * shuts down gracefully on SIGTERM or SIGINT: no new jobs, in-flight ones finish, then everything closes in
 * reverse order of opening. A second signal, or the timeout, forces the exit; unfinished jobs run again later.
 */
export interface DaemonOptions {
  /**
   * Stop (gracefully, as on SIGTERM) when the process that started the daemon goes away. Set when npm started it:
   * `npx` runs the command under a `sh -c` that passes no signal on, so stopping npx would otherwise leave the
   * daemon running, polling and sending, as an orphan.
   */
  stopWithParent?: boolean;
  logger?: Logger;
}

/** How often a daemon started by npm checks that its parent is still there. */
const PARENT_CHECK_MS = 1_000;

export async function runDaemon(config: Config, roles: readonly Role[], options: DaemonOptions = {}): Promise<void> {
  const logger = options.logger;
  if (roles.includes("worker")) requireCloudflareAuth(config);
  const log = logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config), pretty: config.logFormat === "pretty" });
  // Everything opened is closed in reverse order, on a failed start as on a stop.
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };

  // One pool for Prisma and the poll's plain-pg writes: one set of connections, one place for their timeouts.
  const pool = createSqlPool(config.databaseUrl, POOL_SIZE, (error) => log.warn({ error: error.message }, "an idle Postgres connection dropped"));
  closers.push(() => pool.end());
  const db = createDb(pool);
  closers.push(() => db.$disconnect());
  const redis = createRedis(config.redisUrl);
  // ioredis reconnects by itself; its errors are expected while Redis is down and are reported by /readyz.
  redis.on("error", () => {});
  closers.push(() => redis.quit().catch(() => redis.disconnect()));

  let monitor: ReturnType<typeof createMonitor>;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  const slackCheck = roles.includes("notifier") ? makeSlackAppCheck(config) : null;
  let slackBot: SlackIdentity | null = null;
  try {
    await startupChecks(db, redis, log);
    // The Slack app mode: auth.test names the bot (a refused token stops the start), and /readyz asks Slack too.
    slackBot = slackCheck ? await slackCheck.identify(log) : null;
    monitor = createMonitor({ config, db, sql: pool, redis, logger: log, clock: systemClock });
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      registry: monitor.metrics.registry,
      checks: {
        ...(slackCheck ? { slack: () => slackCheck.readiness() } : {}),
        postgres: async () => void (await db.$queryRaw`SELECT 1`),
        redis: async () => {
          if (redis.status !== "ready") throw new Error(`redis connection is ${redis.status}`);
          await redis.ping();
        },
        cloudflare: async () => {
          const incident = await monitor.cloudflareIncident();
          if (incident) throw new Error(`${incident.kind === "credentials" ? "credentials rejected" : "requests not routed (check CLOUDFLARE_BASE_URL)"} since ${incident.since}: ${incident.message}`);
        },
        schedule: async () => {
          const schedule = monitor.schedule();
          if (schedule?.behind) throw new Error(`degraded: the most overdue invite is ${formatDuration(Math.round(schedule.oldestOverdueMs / 1000) * 1000)} late (more than 2 × POLL_INTERVAL + SWEEP_INTERVAL)`);
        },
      },
      degradable: ["schedule"],
      statusPage: config.statusPage.enabled ? { config, db, redis, monitor, clock: systemClock } : undefined,
    });
    closers.push(() => http.close());
    closers.push(() => monitor.stop());
    await monitor.start(roles);
  } catch (error) {
    await closeAll();
    throw error;
  }

  const rate = monitor.rate;
  log.info(
    {
      roles,
      http: http.url,
      cloudflare: config.cloudflare.baseUrl,
      auth: config.cloudflare.auth?.kind ?? "none",
      observe: config.cloudflare.list ? `GET /user/invites every ${formatDuration(config.cloudflare.listIntervalMs)}, then GET /user/invites/{id} for the rest` : "GET /user/invites/{id} for each invite (CLOUDFLARE_LIST=off)",
      trackDiscovered: config.cloudflare.trackDiscovered,
      budget: `${(rate * 60).toFixed(1)} requests/min (${config.cloudflare.budgetShare} of ${config.cloudflare.rateLimit} per ${formatDuration(config.cloudflare.rateWindowMs)})`,
      limiter: limiterFor(rate),
      pollInterval: formatDuration(config.polling.intervalMs),
      concurrency: config.polling.concurrency,
      expiryThresholds: config.polling.expiryThresholdsMs.map(formatDuration),
      alerts: slackCheck ? slackCheck.describe(slackBot) : config.slack.webhookUrl ? "slack webhook" : config.slack.app ? "slack app (sent by the notifier role)" : "log only (SLACK_WEBHOOK_URL is not set)",
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
        process.exit(130);
      }
      log.info({ signal }, "stopping: no new jobs, finishing in-flight polls and sends");
      const timer = setTimeout(() => {
        log.warn({ timeoutMs: STOP_TIMEOUT_MS }, "graceful stop timed out: exiting now; interrupted jobs run again after a restart");
        process.exit(1);
      }, STOP_TIMEOUT_MS);
      timer.unref();
      void (async () => {
        // Workers first (in-flight jobs finish), then queues, the HTTP server, Redis and Postgres.
        await closeAll();
        log.info("stopped");
        resolve();
      })();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    if (options.stopWithParent) {
      const parent = process.ppid;
      const watch = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(watch);
        log.warn({ parent }, "the process that started the daemon (npm, npx) is gone: stopping");
        onSignal("SIGHUP");
      }, PARENT_CHECK_MS);
      watch.unref();
    }
  });
}
