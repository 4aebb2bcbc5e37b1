import { z } from "zod";
import type { CloudflareAuth } from "../cloudflare/cloudflareAuth.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Config } from "./config.js";
import { baseUrl, duration, durationList, fraction, integer, interval, isHttpUrl, onOff, optionalChosenSecret, optionalSecret, timeout, url, INTERVAL_MAX } from "./fields.js";
import { mayEcho } from "./secrets.js";

export type { Config } from "./config.js";
export { configSecrets, envSecrets } from "./secrets.js";

const schema = z.object({
  DATABASE_URL: url("postgresql://postgres@127.0.0.1:5432/invite_monitor", ["postgresql:", "postgres:"]),
  REDIS_URL: url("redis://127.0.0.1:6379", ["redis:", "rediss:"]),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected letters, digits, '.', '_' or '-'").default("invite-monitor"),
  CLOUDFLARE_API_TOKEN: optionalSecret,
  CLOUDFLARE_EMAIL: z.string().trim().email("expected an email address").optional(),
  CLOUDFLARE_API_KEY: optionalSecret,
  CLOUDFLARE_BASE_URL: baseUrl("https://api.cloudflare.com/client/v4", "set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) instead"),
  CLOUDFLARE_TIMEOUT: timeout("30s", "100ms"),
  CLOUDFLARE_RATE_LIMIT: integer("1200", { min: 1, max: 1_000_000_000, noun: "whole number of requests" }),
  CLOUDFLARE_RATE_WINDOW: interval("300s", "1s"),
  CLOUDFLARE_BUDGET_SHARE: fraction("0.25", "a fraction greater than 0 and at most 1, such as 0.25", (n) => n > 0 && n <= 1),
  CLOUDFLARE_AUTH_RETRY: interval("60s", "100ms"),
  CLOUDFLARE_LIST: onOff("on"),
  LIST_INTERVAL: interval("30s", "1s"),
  TRACK_DISCOVERED: z.enum(["true", "false"], { message: "expected true or false" }).default("false"),
  POLL_INTERVAL: interval("15m", "1s"),
  POLL_JITTER: fraction("0.1", "a fraction from 0 to 0.5, such as 0.1", (n) => n >= 0 && n <= 0.5),
  SWEEP_INTERVAL: interval("5s", "100ms"),
  FAILURE_BACKOFF: interval("30s", "100ms"),
  WORKER_CONCURRENCY: integer("4", { min: 1, max: 256 }),
  EXPIRY_THRESHOLDS: durationList("72h,24h,1h", { min: "1ms", max: INTERVAL_MAX }),
  SLACK_WEBHOOK_URL: z
    .string()
    .optional()
    .refine((text) => text === undefined || isHttpUrl(text), { message: "expected an https:// (or http://) webhook URL, such as https://hooks.slack.com/services/T000/B000/XXXX" }),
  SLACK_BOT_TOKEN: optionalSecret,
  SLACK_CHANNEL: z.string().trim().regex(/^[CGD][A-Z0-9]{6,}$/, "expected a channel id such as C0123ABCD (in Slack: the channel's details, at the bottom)").optional(),
  SLACK_API_URL: baseUrl("https://slack.com/api/", "the bot token goes in SLACK_BOT_TOKEN"),
  SLACK_TIMEOUT: timeout("10s", "100ms"),
  SLACK_SEND_INTERVAL: interval("1s", "10ms"),
  SLACK_DIGEST_THRESHOLD: integer("5", { min: 1, max: 1_000_000 }),
  SLACK_RETRY_BACKOFF: interval("5s", "10ms"),
  // Retention is date arithmetic in a DELETE, never a timer: years are fine, and a day keeps a typo from wiping history.
  ALERT_RETENTION: duration("90d", { min: "1d", max: "3650d" }),
  // Raw: the seed script parses them with the CLI's id reader, which names each bad id and line.
  INVITE_IDS: z.string().optional(),
  INVITE_IDS_FILE: z.string().trim().min(1, "expected a file path").optional(),
  HTTP_HOST: z.string().trim().min(1, "expected a host name or IP address").default("127.0.0.1"),
  HTTP_PORT: integer("8080", { min: 0, max: 65535, noun: "port number" }),
  // A Node timer: bounded well under its 24.8-day limit, and a reading older than an hour is of little use.
  METRICS_REFRESH: duration("15s", { min: "1s", max: "1h" }),
  STATUS_PAGE: onOff("off"),
  STATUS_PAGE_TOKEN: optionalChosenSecret,
  LOG_FORMAT: z.enum(["json", "pretty"], { message: "expected json or pretty" }).default("json"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    message: "expected one of fatal, error, warn, info, debug, trace, silent",
  }).default("info"),
});

/**
 * Validates the whole environment at once. Throws one CONFIG_INVALID error listing every bad variable
 * with the range it allows; values that are or may hold secrets are never repeated.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set": that is how .env files and compose files spell it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;
  const parsed = schema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const value = present[name];
      const shown = value === undefined || !mayEcho(name, value) ? "" : ` (got ${JSON.stringify(value)})`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  // Checked on the raw values, so this problem is listed together with any other.
  if ((present.CLOUDFLARE_EMAIL === undefined) !== (present.CLOUDFLARE_API_KEY === undefined)) {
    problems.push("CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY: set both (legacy global key) or neither");
  }
  if (present.SLACK_WEBHOOK_URL !== undefined && present.SLACK_BOT_TOKEN !== undefined) {
    problems.push("SLACK_WEBHOOK_URL and SLACK_BOT_TOKEN: set one (a webhook, or a Slack app with SLACK_CHANNEL), not both");
  }
  if ((present.SLACK_BOT_TOKEN === undefined) !== (present.SLACK_CHANNEL === undefined)) {
    problems.push("SLACK_BOT_TOKEN and SLACK_CHANNEL: the Slack app needs both (the bot token and the channel id to post in)");
  }
  const e = parsed.data;
  if (problems.length > 0 || !e) {
    // One problem reads best on one line; several get one line each.
    const message = problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n  ${problems.join("\n  ")}`;
    throw new InviteMonitorError("CONFIG_INVALID", message);
  }

  let auth: CloudflareAuth | null = null;
  if (e.CLOUDFLARE_API_TOKEN) auth = { kind: "token", token: e.CLOUDFLARE_API_TOKEN };
  else if (e.CLOUDFLARE_EMAIL && e.CLOUDFLARE_API_KEY) auth = { kind: "key", email: e.CLOUDFLARE_EMAIL, key: e.CLOUDFLARE_API_KEY };

  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    cloudflare: {
      auth,
      baseUrl: e.CLOUDFLARE_BASE_URL.replace(/\/+$/, ""),
      timeoutMs: e.CLOUDFLARE_TIMEOUT,
      rateLimit: e.CLOUDFLARE_RATE_LIMIT,
      rateWindowMs: e.CLOUDFLARE_RATE_WINDOW,
      budgetShare: e.CLOUDFLARE_BUDGET_SHARE,
      authRetryMs: e.CLOUDFLARE_AUTH_RETRY,
      list: e.CLOUDFLARE_LIST,
      listIntervalMs: e.LIST_INTERVAL,
      trackDiscovered: e.TRACK_DISCOVERED === "true",
    },
    polling: {
      intervalMs: e.POLL_INTERVAL,
      jitter: e.POLL_JITTER,
      sweepIntervalMs: e.SWEEP_INTERVAL,
      failureBackoffMs: e.FAILURE_BACKOFF,
      concurrency: e.WORKER_CONCURRENCY,
      expiryThresholdsMs: e.EXPIRY_THRESHOLDS,
    },
    slack: {
      webhookUrl: e.SLACK_WEBHOOK_URL ?? null,
      app: e.SLACK_BOT_TOKEN && e.SLACK_CHANNEL ? { botToken: e.SLACK_BOT_TOKEN, channel: e.SLACK_CHANNEL } : null,
      apiUrl: e.SLACK_API_URL.endsWith("/") ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      timeoutMs: e.SLACK_TIMEOUT,
      sendIntervalMs: e.SLACK_SEND_INTERVAL,
      digestThreshold: e.SLACK_DIGEST_THRESHOLD,
      retryBackoffMs: e.SLACK_RETRY_BACKOFF,
    },
    alerts: { retentionMs: e.ALERT_RETENTION },
    seed: { inviteIds: e.INVITE_IDS ?? null, inviteIdsFile: e.INVITE_IDS_FILE ?? null },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, metricsRefreshMs: e.METRICS_REFRESH },
    statusPage: { enabled: e.STATUS_PAGE, token: e.STATUS_PAGE_TOKEN ?? null },
    logFormat: e.LOG_FORMAT,
    logLevel: e.LOG_LEVEL,
  };
}

/** The polling roles cannot run without credentials; the CLI's bookkeeping commands can. */
export function requireCloudflareAuth(config: Config): CloudflareAuth {
  if (config.cloudflare.auth) return config.cloudflare.auth;
  throw new InviteMonitorError(
    "CONFIG_INVALID",
    "Invalid configuration: CLOUDFLARE_API_TOKEN: required to poll Cloudflare (or set CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY)",
  );
}
