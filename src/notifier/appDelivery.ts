import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../metrics/createMetrics.js";
import type { Db } from "../storage/db.js";
import type { DeliverResult } from "./deliverOnce.js";
import type { Pacer } from "./pacer.js";
import { UPDATE_PACE } from "./planCardStep.js";
import type { RateLimitStreak } from "./rateLimitStreak.js";
import type { SlackApi } from "./slackApi.js";

/** What the Slack app mode's delivery needs; see deliverAppOnce. */
export interface AppDeliverDeps {
  db: Db;
  api: SlackApi;
  /** Slack's per-method, per-channel paces, shared by every notifier process. */
  pacer: Pacer;
  /** The shared count of 429s in a row, for a 429 without Retry-After. */
  rateLimits: RateLimitStreak;
  clock: Clock;
  logger: Logger;
  metrics: Pick<Metrics, "alertsSettled" | "alertsAmbiguous">;
  /** SLACK_CHANNEL: where an invite without a channel of its own, and every operations alert, goes. */
  defaultChannel: string;
  digestThreshold: number;
  /** SLACK_SEND_INTERVAL: chat.postMessage goes once per interval per channel; chat.update, see paceInterval. */
  sendIntervalMs: number;
  retryBackoffMs: number;
  /** How long a claimed alert stays hidden from other notifiers: longer than a call can take. */
  leaseMs: number;
  /** SLACK_TIMEOUT: the longest one call can take, for which its pace is held. */
  timeoutMs: number;
}

/** One step's end, as the tick loop sees it. */
export type StepResult =
  | { kind: "done"; sent: number; outcome: Exclude<DeliverResult["outcome"], "idle" | "paused"> }
  /** Nothing is ready. */
  | { kind: "idle" }
  /** Steps are ready, but their paces are closed for `waitMs`. */
  | { kind: "wait"; waitMs: number }
  /** Another notifier took it first, or it changed under us: look again. */
  | { kind: "skipped" };

/**
 * chat.update is Slack's Tier 3 (about 50 a minute), a little slower than chat.postMessage's one a second per
 * channel: at the default SLACK_SEND_INTERVAL of 1 s, 1.2 s. Both scale with it, so tests can run fast.
 */
export function paceInterval(pace: string, sendIntervalMs: number): number {
  return pace === UPDATE_PACE ? Math.ceil(sendIntervalMs * 1.2) : sendIntervalMs;
}

/** Any answer but a 429 ends a run of 429s. Best effort: failing here costs at most a longer pause next time. */
export async function endStreak(deps: Pick<AppDeliverDeps, "rateLimits" | "logger">): Promise<void> {
  await deps.rateLimits.clear().catch((error: unknown) => deps.logger.warn({ error: String(error) }, "could not reset the count of 429s in a row"));
}
