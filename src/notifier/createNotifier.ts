import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { configSecrets, type Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { makePause } from "../lib/makePause.js";
import { makeRedactor } from "../lib/redact.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { Db } from "../storage/db.js";
import type { AlertSender } from "./alertSender.js";
import { deliverAppOnce } from "./deliverAppOnce.js";
import { deliverOnce, type DeliverResult } from "./deliverOnce.js";
import { createLogSender } from "./logSender.js";
import { makePacer } from "./pacer.js";
import { makeRateLimitStreak } from "./rateLimitStreak.js";
import { createSlackApi } from "./slackApi.js";
import { createSlackSender } from "./slackSender.js";

export interface NotifierDeps {
  config: Config;
  db: Db;
  /** Holds the pause and the count of 429s in a row that every notifier process shares. */
  redis: Redis;
  logger: Logger;
  clock: Clock;
  metrics: Pick<Metrics, "alertsSettled" | "alertsAmbiguous">;
  /** The queue whose Job Scheduler drives the ticks (the monitor writes the schedule). */
  queueName: string;
}

export interface Notifier {
  /** One notifier tick, now: sends at most one message (an alert, or one part of a digest). */
  notifyOnce(): Promise<DeliverResult>;
  /** A BullMQ worker that runs one tick per job of `queueName`. The caller starts, listens to and closes it. */
  makeWorker(): Worker;
}

/** The notifier tick's lock: how soon a tick held by a killed notifier process is handed to another. */
const NOTIFY_LOCK_MS = 5_000;

/**
 * The Slack side of the daemon: the outbox drained to the Slack app (SLACK_BOT_TOKEN: one living card per invite),
 * to SLACK_WEBHOOK_URL (one message per alert), or to the log, without either.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, db, redis, logger, clock } = deps;
  const prefix = config.queuePrefix;
  const redact = makeRedactor(configSecrets(config));
  const sender: AlertSender = config.slack.webhookUrl
    ? createSlackSender({ webhookUrl: config.slack.webhookUrl, timeoutMs: config.slack.timeoutMs, redact })
    : createLogSender(logger);
  const pause = makePause(redis, `${prefix}:slack-paused`);
  const rateLimits = makeRateLimitStreak(redis, `${prefix}:slack-429-streak`);
  // Longer than one send can take (Slack's timeout), with room to record the answer.
  const leaseMs = 2 * config.slack.timeoutMs + 1_000;
  const app = config.slack.app;

  const notifyOnce: () => Promise<DeliverResult> = app
    ? (() => {
        const api = createSlackApi({ token: app.botToken, apiUrl: config.slack.apiUrl, timeoutMs: config.slack.timeoutMs, redact });
        const pacer = makePacer(redis, prefix);
        return () =>
          deliverAppOnce({
            db,
            api,
            pacer,
            rateLimits,
            clock,
            logger,
            metrics: deps.metrics,
            defaultChannel: app.channel,
            digestThreshold: config.slack.digestThreshold,
            sendIntervalMs: config.slack.sendIntervalMs,
            retryBackoffMs: config.slack.retryBackoffMs,
            leaseMs,
            timeoutMs: config.slack.timeoutMs,
          });
      })()
    : () =>
        deliverOnce({
          db,
          pause,
          rateLimits,
          sender,
          clock,
          logger,
          digestThreshold: config.slack.digestThreshold,
          sendIntervalMs: config.slack.sendIntervalMs,
          retryBackoffMs: config.slack.retryBackoffMs,
          leaseMs,
          metrics: deps.metrics,
        });

  return {
    notifyOnce,
    makeWorker() {
      // Ticks run one at a time across all processes, so a tick held by a killed process must be freed quickly:
      // a short lock, checked often, instead of BullMQ's 30 s.
      return new Worker(deps.queueName, async (_job: Job) => notifyOnce(), {
        connection: redis,
        prefix,
        concurrency: 1,
        lockDuration: NOTIFY_LOCK_MS,
        stalledInterval: NOTIFY_LOCK_MS,
      });
    },
  };
}
