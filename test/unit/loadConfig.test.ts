import { describe, expect, it } from "vitest";
import { configSecrets, loadConfig, requireCloudflareAuth } from "../../src/config/loadConfig.js";
import { configError } from "./configError.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKEN = "cf-token-5uper-s3cret-VALUE";
const KEY = "legacy-global-key-0123456789";

describe("loadConfig: defaults", () => {
  it("an empty environment gives the documented defaults", () => {
    // toMatchObject: a section added later does not break this table of the existing ones.
    expect(loadConfig({})).toMatchObject({
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/invite_monitor",
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: "invite-monitor",
      cloudflare: {
        auth: null,
        baseUrl: "https://api.cloudflare.com/client/v4",
        timeoutMs: 30_000,
        rateLimit: 1200,
        rateWindowMs: 300_000,
        budgetShare: 0.25,
        authRetryMs: 60_000,
      },
      polling: {
        intervalMs: 900_000,
        jitter: 0.1,
        sweepIntervalMs: 5_000,
        failureBackoffMs: 30_000,
        concurrency: 4,
        expiryThresholdsMs: [72 * HOUR, 24 * HOUR, 1 * HOUR],
      },
      slack: { webhookUrl: null, timeoutMs: 10_000, sendIntervalMs: 1_000, digestThreshold: 5, retryBackoffMs: 5_000 },
      alerts: { retentionMs: 90 * DAY },
      seed: { inviteIds: null, inviteIdsFile: null },
      http: { host: "127.0.0.1", port: 8080 },
      logFormat: "json",
      logLevel: "info",
    });
  });

  it("empty strings mean 'not set', and unrelated variables are ignored", () => {
    const unset = { POLL_INTERVAL: "", CLOUDFLARE_API_TOKEN: "", ALERT_RETENTION: "", INVITE_IDS: "", INVITE_IDS_FILE: "" };
    expect(loadConfig({ ...unset, PATH: "/usr/bin", HOME: undefined })).toEqual(loadConfig({}));
  });
});

describe("loadConfig: values", () => {
  it.each([
    { env: { POLL_INTERVAL: "5m" }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.intervalMs, expected: 300_000 },
    { env: { POLL_INTERVAL: "900" }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.intervalMs, expected: 900_000 },
    { env: { CLOUDFLARE_BASE_URL: "http://127.0.0.1:8787/client/v4//" }, pick: (c: ReturnType<typeof loadConfig>) => c.cloudflare.baseUrl, expected: "http://127.0.0.1:8787/client/v4" },
    { env: { CLOUDFLARE_BUDGET_SHARE: "1" }, pick: (c: ReturnType<typeof loadConfig>) => c.cloudflare.budgetShare, expected: 1 },
    { env: { POLL_JITTER: "0" }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.jitter, expected: 0 },
    { env: { WORKER_CONCURRENCY: " 16 " }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.concurrency, expected: 16 },
    { env: { EXPIRY_THRESHOLDS: "1h, 72h,24h,1h" }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.expiryThresholdsMs, expected: [72 * HOUR, 24 * HOUR, HOUR] },
    { env: { EXPIRY_THRESHOLDS: "30m,2d" }, pick: (c: ReturnType<typeof loadConfig>) => c.polling.expiryThresholdsMs, expected: [48 * HOUR, HOUR / 2] },
    { env: { LOG_LEVEL: "debug" }, pick: (c: ReturnType<typeof loadConfig>) => c.logLevel, expected: "debug" },
    { env: { REDIS_URL: "rediss://:pw@cache:6380" }, pick: (c: ReturnType<typeof loadConfig>) => c.redisUrl, expected: "rediss://:pw@cache:6380" },
  ])("$env", ({ env, pick, expected }) => {
    expect(pick(loadConfig(env))).toEqual(expected);
  });

  it.each([
    { env: { CLOUDFLARE_API_TOKEN: TOKEN }, auth: { kind: "token", token: TOKEN } },
    { env: { CLOUDFLARE_API_TOKEN: `  ${TOKEN}\n` }, auth: { kind: "token", token: TOKEN } },
    { env: { CLOUDFLARE_EMAIL: "ops@example.com", CLOUDFLARE_API_KEY: KEY }, auth: { kind: "key", email: "ops@example.com", key: KEY } },
    { env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_EMAIL: "ops@example.com", CLOUDFLARE_API_KEY: KEY }, auth: { kind: "token", token: TOKEN } },
  ])("auth from $env", ({ env, auth }) => {
    const config = loadConfig(env);
    expect(config.cloudflare.auth).toEqual(auth);
    expect(requireCloudflareAuth(config)).toEqual(auth);
  });

  it("requireCloudflareAuth without credentials names the variable", () => {
    expect(() => requireCloudflareAuth(loadConfig({}))).toThrow(/CLOUDFLARE_API_TOKEN/);
  });

  it("configSecrets lists the token and both spellings of URL passwords", () => {
    const config = loadConfig({ CLOUDFLARE_API_TOKEN: TOKEN, DATABASE_URL: "postgres://u:p%40ss@db/x" });
    expect(configSecrets(config).sort()).toEqual([TOKEN, "p%40ss", "p@ss"].sort());
  });
});

describe("loadConfig: ALERT_RETENTION", () => {
  it.each([
    { text: "90d", retentionMs: 90 * DAY },
    { text: "1d", retentionMs: DAY },
    { text: "24h", retentionMs: DAY },
    { text: "3650d", retentionMs: 3650 * DAY },
    { text: " 180d ", retentionMs: 180 * DAY },
  ])("$text -> $retentionMs ms", ({ text, retentionMs }) => {
    expect(loadConfig({ ALERT_RETENTION: text }).alerts.retentionMs).toBe(retentionMs);
  });

  it.each(["23h", "3651d", "0", "forever", "-1d", "1e3d"])("%j is refused with the allowed range", (text) => {
    expect(configError({ ALERT_RETENTION: text }).message).toBe(
      `Invalid configuration: ALERT_RETENTION: expected a duration from 1d to 3650d, such as "90d" (got ${JSON.stringify(text)})`,
    );
  });
});

describe("loadConfig: seed variables", () => {
  it.each([
    { env: {}, seed: { inviteIds: null, inviteIdsFile: null } },
    { env: { INVITE_IDS: "", INVITE_IDS_FILE: "" }, seed: { inviteIds: null, inviteIdsFile: null } },
    // Raw text, separators and all: the seed script's id reader splits it and names each bad id.
    { env: { INVITE_IDS: "aaa, bbb\tccc\nddd" }, seed: { inviteIds: "aaa, bbb\tccc\nddd", inviteIdsFile: null } },
    { env: { INVITE_IDS: "not-an-id" }, seed: { inviteIds: "not-an-id", inviteIdsFile: null } },
    { env: { INVITE_IDS_FILE: "./invites.txt" }, seed: { inviteIds: null, inviteIdsFile: "./invites.txt" } },
    { env: { INVITE_IDS: "4f5f0c14a2a41d5063dd301b2f829f04", INVITE_IDS_FILE: "/srv/ids" }, seed: { inviteIds: "4f5f0c14a2a41d5063dd301b2f829f04", inviteIdsFile: "/srv/ids" } },
  ])("$env", ({ env, seed }) => {
    expect(loadConfig(env).seed).toEqual(seed);
  });

  it("a blank INVITE_IDS_FILE is refused, not read as a file named by spaces", () => {
    expect(configError({ INVITE_IDS_FILE: "   " }).message).toBe('Invalid configuration: INVITE_IDS_FILE: expected a file path (got "   ")');
  });
});

describe("loadConfig: errors", () => {
  it.each([
    { env: { POLL_INTERVAL: "abc" }, variable: "POLL_INTERVAL", form: "duration" },
    { env: { POLL_INTERVAL: "500ms" }, variable: "POLL_INTERVAL", form: "from 1s to 30d" },
    { env: { CLOUDFLARE_TIMEOUT: "-1s" }, variable: "CLOUDFLARE_TIMEOUT", form: "duration" },
    { env: { SWEEP_INTERVAL: "0" }, variable: "SWEEP_INTERVAL", form: "duration" },
    { env: { CLOUDFLARE_BUDGET_SHARE: "0" }, variable: "CLOUDFLARE_BUDGET_SHARE", form: "fraction" },
    { env: { CLOUDFLARE_BUDGET_SHARE: "1.5" }, variable: "CLOUDFLARE_BUDGET_SHARE", form: "fraction" },
    { env: { CLOUDFLARE_BUDGET_SHARE: "25%" }, variable: "CLOUDFLARE_BUDGET_SHARE", form: "fraction" },
    { env: { POLL_JITTER: "0.9" }, variable: "POLL_JITTER", form: "fraction from 0 to 0.5" },
    { env: { CLOUDFLARE_RATE_LIMIT: "12.5" }, variable: "CLOUDFLARE_RATE_LIMIT", form: "whole number" },
    { env: { WORKER_CONCURRENCY: "0" }, variable: "WORKER_CONCURRENCY", form: "whole number from 1 to 256" },
    { env: { WORKER_CONCURRENCY: "   " }, variable: "WORKER_CONCURRENCY", form: "whole number" },
    { env: { EXPIRY_THRESHOLDS: "72h,soon" }, variable: "EXPIRY_THRESHOLDS", form: "comma-separated list of durations" },
    { env: { EXPIRY_THRESHOLDS: "0,1h" }, variable: "EXPIRY_THRESHOLDS", form: "comma-separated list of durations" },
    { env: { EXPIRY_THRESHOLDS: " , " }, variable: "EXPIRY_THRESHOLDS", form: "comma-separated list of durations" },
    { env: { DATABASE_URL: "mysql://db/x" }, variable: "DATABASE_URL", form: "postgresql://" },
    { env: { REDIS_URL: "localhost:6379" }, variable: "REDIS_URL", form: "redis://" },
    { env: { CLOUDFLARE_BASE_URL: "ftp://example.com" }, variable: "CLOUDFLARE_BASE_URL", form: "https://" },
    { env: { QUEUE_PREFIX: "invite monitor" }, variable: "QUEUE_PREFIX", form: "letters, digits" },
    { env: { LOG_LEVEL: "verbose" }, variable: "LOG_LEVEL", form: "one of fatal, error" },
    { env: { CLOUDFLARE_EMAIL: "not-an-email", CLOUDFLARE_API_KEY: KEY }, variable: "CLOUDFLARE_EMAIL", form: "email address" },
    { env: { CLOUDFLARE_EMAIL: "ops@example.com" }, variable: "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY", form: "set both" },
    { env: { CLOUDFLARE_API_KEY: KEY }, variable: "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY", form: "set both" },
    { env: { CLOUDFLARE_API_TOKEN: "   " }, variable: "CLOUDFLARE_API_TOKEN", form: "must not be empty" },
    { env: { SLACK_WEBHOOK_URL: "hooks.slack.com/services/T/B/X" }, variable: "SLACK_WEBHOOK_URL", form: "https://" },
    { env: { SLACK_DIGEST_THRESHOLD: "0" }, variable: "SLACK_DIGEST_THRESHOLD", form: "whole number" },
  ])("$env -> names $variable and expects $form", ({ env, variable, form }) => {
    const { message } = configError(env);
    expect(message).toContain(`${variable}:`);
    expect(message).toContain(form);
  });

  it("shows the offending value of a non-secret variable", () => {
    expect(configError({ POLL_INTERVAL: "abc" }).message).toContain('(got "abc")');
  });

  it.each([
    { name: "a good token beside a bad email", env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_EMAIL: "nope", CLOUDFLARE_API_KEY: KEY } },
    { name: "a good token beside many bad values", env: { CLOUDFLARE_API_TOKEN: TOKEN, POLL_INTERVAL: "x", LOG_LEVEL: "y", REDIS_URL: "z" } },
    { name: "a key without an email", env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_API_KEY: KEY } },
    { name: "a bad email beside a key", env: { CLOUDFLARE_EMAIL: "nope", CLOUDFLARE_API_KEY: KEY } },
    { name: "a Slack webhook without a scheme", env: { CLOUDFLARE_API_TOKEN: TOKEN, SLACK_WEBHOOK_URL: `hooks.slack.com/services/${KEY}` } },
  ])("never repeats a secret value: $name", ({ env }) => {
    const { message } = configError(env);
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain(KEY);
  });

  it.each(["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY"])("an invalid %s is named but its value is not echoed", (variable) => {
    const { message } = configError({ [variable]: " \t ", CLOUDFLARE_EMAIL: "ops@example.com" });
    expect(message).toContain(`${variable}: must not be empty when set`);
    expect(message).not.toContain("(got");
  });

  it("lists a half-set key pair together with other problems", () => {
    const { message } = configError({ POLL_INTERVAL: "abc", CLOUDFLARE_EMAIL: "ops@example.com" });
    expect(message).toContain("POLL_INTERVAL:");
    expect(message).toContain("CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY: set both");
  });

  it.each([
    { env: { DATABASE_URL: "mysql://u:hunter22@h/db" }, password: "hunter22" },
    { env: { REDIS_URL: "http://:p4ssw0rd@h" }, password: "p4ssw0rd" },
  ])("never echoes a URL that may carry a password: $env", ({ env, password }) => {
    expect(configError(env).message).not.toContain(password);
  });

  it("lists every problem in one error", () => {
    const { message } = configError({ POLL_INTERVAL: "abc", CLOUDFLARE_BUDGET_SHARE: "2", LOG_LEVEL: "loud", REDIS_URL: "nope" });
    expect(message.startsWith("Invalid configuration:")).toBe(true);
    for (const variable of ["POLL_INTERVAL:", "CLOUDFLARE_BUDGET_SHARE:", "LOG_LEVEL:", "REDIS_URL:"]) expect(message).toContain(variable);
    expect(message.split("\n")).toHaveLength(5);
  });
});

describe("loadConfig: the list call, the Slack app and the status page", () => {
  it("defaults: the list on every 30 s, no discovery, no Slack app, no status page", () => {
    const config = loadConfig({});
    expect(config.cloudflare).toMatchObject({ list: true, listIntervalMs: 30_000, trackDiscovered: false });
    expect(config.slack).toMatchObject({ app: null, apiUrl: "https://slack.com/api/" });
    expect(config.statusPage).toEqual({ enabled: false, token: null });
  });

  it("reads them when set", () => {
    const config = loadConfig({
      CLOUDFLARE_LIST: "off", LIST_INTERVAL: "1m", TRACK_DISCOVERED: "true",
      SLACK_BOT_TOKEN: "xoxb-1-2-secret", SLACK_CHANNEL: "C0123ABCD", SLACK_API_URL: "http://127.0.0.1:9/api",
      STATUS_PAGE: "on", STATUS_PAGE_TOKEN: "page-token-12345",
    });
    expect(config.cloudflare).toMatchObject({ list: false, listIntervalMs: 60_000, trackDiscovered: true });
    expect(config.slack).toMatchObject({ app: { botToken: "xoxb-1-2-secret", channel: "C0123ABCD" }, apiUrl: "http://127.0.0.1:9/api/" });
    expect(config.statusPage).toEqual({ enabled: true, token: "page-token-12345" });
    expect(configSecrets(config)).toEqual(expect.arrayContaining(["xoxb-1-2-secret", "page-token-12345"]));
  });

  it.each([
    [{ SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X", SLACK_BOT_TOKEN: "xoxb-1", SLACK_CHANNEL: "C0123ABCD" }, "SLACK_WEBHOOK_URL and SLACK_BOT_TOKEN: set one"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_BOT_TOKEN and SLACK_CHANNEL: the Slack app needs both"],
    [{ SLACK_CHANNEL: "C0123ABCD" }, "SLACK_BOT_TOKEN and SLACK_CHANNEL: the Slack app needs both"],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_CHANNEL: "#general" }, "SLACK_CHANNEL: expected a channel id such as C0123ABCD"],
    [{ CLOUDFLARE_LIST: "yes" }, "CLOUDFLARE_LIST: expected on or off"],
    [{ LIST_INTERVAL: "500ms" }, "LIST_INTERVAL: expected a duration from 1s to 30d"],
    [{ TRACK_DISCOVERED: "1" }, "TRACK_DISCOVERED: expected true or false"],
    [{ STATUS_PAGE: "true" }, "STATUS_PAGE: expected on or off"],
    [{ STATUS_PAGE_TOKEN: "abc" }, "STATUS_PAGE_TOKEN: expected at least 16 characters, e.g. the output of: openssl rand -hex 32"],
    [{ STATUS_PAGE_TOKEN: "0123456789abcde" }, "STATUS_PAGE_TOKEN: expected at least 16 characters"],
  ] as Array<[Record<string, string>, string]>)("%j -> %s", (env, message) => {
    expect(configError(env).message).toContain(message);
  });

  it("never repeats the bot token or the page token in an error", () => {
    const { message } = configError({ SLACK_BOT_TOKEN: "xoxb-never-shown", STATUS_PAGE_TOKEN: "   " });
    expect(message).not.toContain("xoxb-never-shown");
    expect(message).toContain("STATUS_PAGE_TOKEN: must not be empty when set");
  });
});
