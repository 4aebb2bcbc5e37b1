import type { Redis } from "ioredis";
import { configSecrets, type Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { makePause } from "../lib/makePause.js";
import { makeRedactor } from "../lib/redact.js";
import { startWakeableLoop, type WakeableLoop } from "../lib/wakeableLoop.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { Db } from "../storage/db.js";
import { nextAlertDue } from "../storage/nextDue.js";
import type { Sql } from "../storage/sqlPool.js";
import type { AlertSender } from "./alertSender.js";
import { deliverAppOnce } from "./deliverAppOnce.js";
import { deliverOnce, type DeliverResult } from "./deliverOnce.js";
import { createLogSender } from "./logSender.js";
import { nextTickWait } from "./nextTickWait.js";
import { makePacer } from "./pacer.js";
import { makeRateLimitStreak } from "./rateLimitStreak.js";
import { createSlackApi } from "./slackApi.js";
import { createSlackSender } from "./slackSender.js";

export interface NotifierDeps {
  config: Config;
  db: Db;
  /** Plain pg for the idle check, which runs on a timer. */
  sql: Sql;
  /** Holds the pause and the count of 429s in a row that every notifier process shares. */
  redis: Redis;
  logger: Logger;
  clock: Clock;
  metrics: Pick<Metrics, "alertsSettled" | "alertsAmbiguous">;
}

export interface Notifier {
  /** One notifier tick, now: sends at most one message (an alert, or one part of a digest). */
  notifyOnce(): Promise<DeliverResult>;
  /**
   * Runs ticks until stopped: at Slack's pace while there is something to send, otherwise asleep until an alert
   * comes due or `wake()` is called (a new alert was committed). One tick at a time across every notifier process.
   */
  startLoop(): WakeableLoop;
}

/** The longest the notifier sleeps without a wake-up: what a missed notification can delay an alert by. */
export const IDLE_CHECK_MS = 60_000;
/** The shared turn's key (in the pacer's namespace): held by the one notifier process that is running a tick. */
const TURN = "notifier-turn";

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

  const turn = makePacer(redis, prefix);
  const interval = config.slack.sendIntervalMs;

  /** One turn: a tick if no other process is running one, then how long to sleep. */
  async function loopTick(): Promise<number> {
    // Held for as long as a tick may run, so that a killed process frees it as its claimed alerts come back.
    if (!(await turn.take(TURN, leaseMs))) return Math.max(1, (await turn.closedForMs([TURN])).get(TURN) ?? 1);
    const started = performance.now();
    let outcome: DeliverResult["outcome"] | null = null;
    try {
      outcome = (await notifyOnce()).outcome;
    } finally {
      // Ticks start at most one interval apart, across processes: Slack's one message per interval.
      const restMs = outcome === "idle" ? 1 : interval - (performance.now() - started);
      await turn.rest(TURN, Math.max(1, restMs));
    }
    if (outcome !== "idle" && outcome !== "paused") return 0;
    const due = await nextAlertDue(deps.sql);
    return nextTickWait({
      outcome,
      nextDueInMs: due ? due.getTime() - clock().getTime() : null,
      pausedForMs: await pause.remainingMs(),
      sendIntervalMs: interval,
      idleCheckMs: IDLE_CHECK_MS,
    });
  }

  return {
    notifyOnce,
    startLoop: () => startWakeableLoop({ name: "notifier", tick: loopTick, logger, errorWaitMs: interval }),
  };
}
