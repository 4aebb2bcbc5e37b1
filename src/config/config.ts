import type { CloudflareAuth } from "../cloudflare/cloudflareAuth.js";

/**
 * Everything invite-monitor can be told, parsed once from the environment by loadConfig. Durations are in
 * milliseconds; each field names its variable, its default and the range loadConfig allows.
 */
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
    /** CLOUDFLARE_BASE_URL, without a trailing "/", credentials, query or fragment. Default https://api.cloudflare.com/client/v4 */
    baseUrl: string;
    /** CLOUDFLARE_TIMEOUT, 100ms to 10m. Default 30s. */
    timeoutMs: number;
    /** CLOUDFLARE_RATE_LIMIT requests (1 to 1000000000) per CLOUDFLARE_RATE_WINDOW. Default 1200 (Cloudflare's own limit). */
    rateLimit: number;
    /** CLOUDFLARE_RATE_WINDOW, 1s to 30d. Default 300s. */
    rateWindowMs: number;
    /** CLOUDFLARE_BUDGET_SHARE: the fraction of that limit this monitor may use, in (0, 1]. Default 0.25. */
    budgetShare: number;
    /**
     * CLOUDFLARE_AUTH_RETRY: while a probe finds the credentials rejected or the base URL unrouted, polling pauses
     * and the probe runs again this often; a probe's verdict is reused this long. 100ms to 30d. Default 60s.
     */
    authRetryMs: number;
    /** CLOUDFLARE_LIST: on (default) observes every listed invite from one GET /user/invites per LIST_INTERVAL; off polls each invite alone. */
    list: boolean;
    /** LIST_INTERVAL: how often the list is read, 1s to 30d. Default 30s. */
    listIntervalMs: number;
    /** TRACK_DISCOVERED: track (and alert about) invitations that appear in the list but are not tracked. Default false. */
    trackDiscovered: boolean;
  };
  polling: {
    /** POLL_INTERVAL, 1s to 30d. Default 15m. */
    intervalMs: number;
    /** POLL_JITTER: the next check comes up to this fraction of the interval early, 0 to 0.5. Default 0.1. */
    jitter: number;
    /** SWEEP_INTERVAL: how often the scheduler looks for due invites, 100ms to 30d. Default 5s. */
    sweepIntervalMs: number;
    /** FAILURE_BACKOFF: the first retry delay after a failed poll, doubling per failure up to the interval; 100ms to 30d. Default 30s. */
    failureBackoffMs: number;
    /** WORKER_CONCURRENCY: polls in flight per worker process, 1 to 256. Default 4. */
    concurrency: number;
    /**
     * EXPIRY_THRESHOLDS: how long before expires_on a pending invite must be checked (and, later, alerted), each 1ms
     * to 30d; longest first, without repeats. Default 72h,24h,1h.
     */
    expiryThresholdsMs: number[];
  };
  slack: {
    /** SLACK_WEBHOOK_URL. Null: alerts go to the Slack app (below) or, with neither, to the log. */
    webhookUrl: string | null;
    /**
     * SLACK_BOT_TOKEN with SLACK_CHANNEL (a channel id): the Slack app mode, one living message per invite. Null
     * without them. Exclusive with SLACK_WEBHOOK_URL.
     */
    app: { botToken: string; channel: string } | null;
    /** SLACK_API_URL: the Web API's base, for a simulator. Default https://slack.com/api/ */
    apiUrl: string;
    /** SLACK_TIMEOUT, 100ms to 10m. Default 10s. */
    timeoutMs: number;
    /** SLACK_SEND_INTERVAL: at most one message per this interval, across all notifiers; 10ms to 30d. Default 1s (Slack's pace). */
    sendIntervalMs: number;
    /** SLACK_DIGEST_THRESHOLD: more alerts than this ready at once go out as one digest; 1 to 1000000. Default 5. */
    digestThreshold: number;
    /** SLACK_RETRY_BACKOFF: first retry delay after a 5xx or timeout, doubling up to 15 minutes; 10ms to 30d. Default 5s. */
    retryBackoffMs: number;
  };
  alerts: {
    /** ALERT_RETENTION: delivered and failed alerts older than this are pruned; 1d to 3650d. Default 90d. */
    retentionMs: number;
  };
  /** What `npm run seed` registers. Raw text: the seed script parses and checks it, naming each bad id. */
  seed: {
    /** INVITE_IDS: invite ids separated by commas or white space, as written. Default null (unset). */
    inviteIds: string | null;
    /** INVITE_IDS_FILE: a file of ids, one a line, an optional label after it, # comments. Default null (unset). */
    inviteIdsFile: string | null;
  };
  http: {
    /** HTTP_HOST: where /healthz, /readyz and /metrics listen. Default 127.0.0.1. */
    host: string;
    /** HTTP_PORT, 0 to 65535; 0 picks a free port. Default 8080. */
    port: number;
    /** METRICS_REFRESH: how often the gauges of /metrics (and the schedule /readyz judges) are read, 1s to 1h. Default 15s. */
    metricsRefreshMs: number;
  };
  statusPage: {
    /** STATUS_PAGE: on serves the read-only status page at GET / on HTTP_HOST:HTTP_PORT. Default off. */
    enabled: boolean;
    /** STATUS_PAGE_TOKEN: when set, the page needs it (a bearer header, or the login form's cookie). Default null. */
    token: string | null;
  };
  /** LOG_FORMAT: json (default) or pretty for a terminal. */
  logFormat: "json" | "pretty";
  /** LOG_LEVEL: fatal, error, warn, info, debug, trace or silent. Default info. */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}
