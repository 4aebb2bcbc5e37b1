import { z } from "zod";
import type { CloudflareAuth } from "../cloudflare/cloudflareAuth.js";
import { InviteMonitorError } from "../lib/errors.js";
import { DURATION_FORM, parseDuration } from "../lib/duration.js";

/** Everything invite-monitor can be told, parsed once from the environment. Durations are in milliseconds. */
export interface Config {
  /** DATABASE_URL. Default postgresql://postgres@127.0.0.1:5432/invite_monitor */
  databaseUrl: string;
  /** REDIS_URL. Default redis://127.0.0.1:6379 */
  redisUrl: string;
  /** QUEUE_PREFIX: the Redis key prefix of every queue. Default "invite-monitor". */
  queuePrefix: string;
  cloudflare: {
    /** CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY. Null when neither is set (CLI-only use). */
    auth: CloudflareAuth | null;
    /** CLOUDFLARE_BASE_URL. Default https://api.cloudflare.com/client/v4 */
    baseUrl: string;
    /** CLOUDFLARE_TIMEOUT. Default 30s. */
    timeoutMs: number;
    /** CLOUDFLARE_RATE_LIMIT requests per CLOUDFLARE_RATE_WINDOW. Defaults 1200 per 300s (Cloudflare's own limit). */
    rateLimit: number;
    rateWindowMs: number;
    /** CLOUDFLARE_BUDGET_SHARE: the fraction of that limit this monitor may use, in (0, 1]. Default 0.25. */
    budgetShare: number;
    /** CLOUDFLARE_AUTH_RETRY: how long polling pauses after the credentials are rejected. Default 60s. */
    authRetryMs: number;
  };
  polling: {
    /** POLL_INTERVAL. Default 15m. */
    intervalMs: number;
    /** POLL_JITTER: the next check comes up to this fraction of the interval early. Default 0.1. */
    jitter: number;
    /** SWEEP_INTERVAL: how often the scheduler looks for due invites. Default 5s. */
    sweepIntervalMs: number;
    /** FAILURE_BACKOFF: the first retry delay after a failed poll, doubling per failure up to the interval. Default 30s. */
    failureBackoffMs: number;
    /** WORKER_CONCURRENCY: polls in flight per worker process. Default 4. */
    concurrency: number;
    /** EXPIRY_THRESHOLDS: how long before expires_on a pending invite must be checked (and, later, alerted). Default 72h,24h,1h. */
    expiryThresholdsMs: number[];
  };
  slack: {
    /** SLACK_WEBHOOK_URL. Null: alerts are written to the log instead, so the tool works before Slack is set up. */
    webhookUrl: string | null;
    /** SLACK_TIMEOUT. Default 10s. */
    timeoutMs: number;
    /** SLACK_SEND_INTERVAL: at most one message per this interval, across all notifiers. Default 1s (Slack's pace). */
    sendIntervalMs: number;
    /** SLACK_DIGEST_THRESHOLD: more alerts than this ready at once go out as one digest. Default 5. */
    digestThreshold: number;
    /** SLACK_RETRY_BACKOFF: first retry delay after a 5xx or timeout, doubling up to 15 minutes. Default 5s. */
    retryBackoffMs: number;
  };
  http: {
    /** HTTP_HOST: where /healthz, /readyz and /metrics listen. Default 127.0.0.1. */
    host: string;
    /** HTTP_PORT. Default 8080; 0 picks a free port. */
    port: number;
  };
  /** LOG_FORMAT: json (default) or pretty for a terminal. */
  logFormat: "json" | "pretty";
  /** LOG_LEVEL: fatal, error, warn, info, debug, trace or silent. Default info. */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

const duration = (defaultValue: string, min = 1) =>
  z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || ms < min) {
        ctx.addIssue({ code: "custom", message: `expected ${DURATION_FORM}${min > 1 ? `, at least ${min} ms` : ""}` });
        return z.NEVER;
      }
      return ms;
    });

const number = (defaultValue: string, form: string, check: (n: number) => boolean) =>
  z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const n = Number(text.trim());
      if (text.trim() === "" || !Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: "custom", message: `expected ${form}` });
        return z.NEVER;
      }
      return n;
    });

const url = (defaultValue: string, protocols: string[]) =>
  z
    .string()
    .default(defaultValue)
    .refine(
      (text) => {
        try {
          return protocols.includes(new URL(text).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
    );

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const optionalSecret = z.string().trim().min(1, "must not be empty when set").optional();

const thresholds = z
  .string()
  .default("72h,24h,1h")
  .transform((text, ctx) => {
    const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
    const values = parts.map(parseDuration);
    if (parts.length === 0 || values.some((v) => v === null || v <= 0)) {
      ctx.addIssue({ code: "custom", message: `expected a comma-separated list of durations such as "72h,24h,1h"` });
      return z.NEVER;
    }
    return [...new Set(values as number[])].sort((a, b) => b - a);
  });

const schema = z.object({
  DATABASE_URL: url("postgresql://postgres@127.0.0.1:5432/invite_monitor", ["postgresql:", "postgres:"]),
  REDIS_URL: url("redis://127.0.0.1:6379", ["redis:", "rediss:"]),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected letters, digits, '.', '_' or '-'").default("invite-monitor"),
  CLOUDFLARE_API_TOKEN: optionalSecret,
  CLOUDFLARE_EMAIL: z.string().trim().email("expected an email address").optional(),
  CLOUDFLARE_API_KEY: optionalSecret,
  CLOUDFLARE_BASE_URL: url("https://api.cloudflare.com/client/v4", ["https:", "http:"]),
  CLOUDFLARE_TIMEOUT: duration("30s", 100),
  CLOUDFLARE_RATE_LIMIT: number("1200", "a whole number of requests, at least 1", (n) => Number.isInteger(n) && n >= 1),
  CLOUDFLARE_RATE_WINDOW: duration("300s", 1000),
  CLOUDFLARE_BUDGET_SHARE: number("0.25", "a fraction greater than 0 and at most 1, such as 0.25", (n) => n > 0 && n <= 1),
  CLOUDFLARE_AUTH_RETRY: duration("60s", 100),
  POLL_INTERVAL: duration("15m", 1000),
  POLL_JITTER: number("0.1", "a fraction from 0 to 0.5, such as 0.1", (n) => n >= 0 && n <= 0.5),
  SWEEP_INTERVAL: duration("5s", 100),
  FAILURE_BACKOFF: duration("30s", 100),
  WORKER_CONCURRENCY: number("4", "a whole number from 1 to 256", (n) => Number.isInteger(n) && n >= 1 && n <= 256),
  EXPIRY_THRESHOLDS: thresholds,
  SLACK_WEBHOOK_URL: z
    .string()
    .optional()
    .refine((text) => text === undefined || isHttpUrl(text), { message: "expected an https:// (or http://) webhook URL, such as https://hooks.slack.com/services/T000/B000/XXXX" }),
  SLACK_TIMEOUT: duration("10s", 100),
  SLACK_SEND_INTERVAL: duration("1s", 10),
  SLACK_DIGEST_THRESHOLD: number("5", "a whole number, at least 1", (n) => Number.isInteger(n) && n >= 1),
  SLACK_RETRY_BACKOFF: duration("5s", 10),
  HTTP_HOST: z.string().trim().min(1, "expected a host name or IP address").default("127.0.0.1"),
  HTTP_PORT: number("8080", "a port number from 0 to 65535", (n) => Number.isInteger(n) && n >= 0 && n <= 65535),
  LOG_FORMAT: z.enum(["json", "pretty"], { message: "expected json or pretty" }).default("json"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    message: "expected one of fatal, error, warn, info, debug, trace, silent",
  }).default("info"),
});

/** Variables whose values are, or may contain, secrets (URLs carry passwords): never echoed back, even in an error. */
const SECRET_VARIABLES = new Set(["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "SLACK_WEBHOOK_URL", "DATABASE_URL", "REDIS_URL"]);

/**
 * Validates the whole environment at once. Throws one CONFIG_INVALID error listing every bad variable
 * with the form it expects; values of secret variables are never repeated.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set": that is how .env files and compose files spell it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const shown = SECRET_VARIABLES.has(name) || present[name] === undefined ? "" : ` (got ${JSON.stringify(present[name])})`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  // Checked on the raw values, so this problem is listed together with any other.
  if ((present.CLOUDFLARE_EMAIL === undefined) !== (present.CLOUDFLARE_API_KEY === undefined)) {
    problems.push("CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY: set both (legacy global key) or neither");
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
      timeoutMs: e.SLACK_TIMEOUT,
      sendIntervalMs: e.SLACK_SEND_INTERVAL,
      digestThreshold: e.SLACK_DIGEST_THRESHOLD,
      retryBackoffMs: e.SLACK_RETRY_BACKOFF,
    },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
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

/** Every secret value in the config, for the log redactor. */
export function configSecrets(config: Config): string[] {
  const auth = config.cloudflare.auth;
  const secrets: string[] = [];
  if (auth?.kind === "token") secrets.push(auth.token);
  if (auth?.kind === "key") secrets.push(auth.key);
  if (config.slack.webhookUrl) secrets.push(config.slack.webhookUrl, new URL(config.slack.webhookUrl).pathname);
  for (const raw of [config.databaseUrl, config.redisUrl]) {
    const password = new URL(raw).password;
    if (password) secrets.push(decodeURIComponent(password), password);
  }
  return secrets;
}
