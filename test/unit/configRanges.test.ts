import { describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config/loadConfig.js";
import { configError } from "./configError.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

// Every duration variable with the range loadConfig allows, its default, and where it lands in Config.
const DURATIONS: Array<{ variable: string; min: string; max: string; example: string; pick: (c: Config) => number }> = [
  { variable: "CLOUDFLARE_TIMEOUT", min: "100ms", max: "10m", example: "30s", pick: (c) => c.cloudflare.timeoutMs },
  { variable: "SLACK_TIMEOUT", min: "100ms", max: "10m", example: "10s", pick: (c) => c.slack.timeoutMs },
  { variable: "POLL_INTERVAL", min: "1s", max: "30d", example: "15m", pick: (c) => c.polling.intervalMs },
  { variable: "SWEEP_INTERVAL", min: "100ms", max: "30d", example: "5s", pick: (c) => c.polling.sweepIntervalMs },
  { variable: "FAILURE_BACKOFF", min: "100ms", max: "30d", example: "30s", pick: (c) => c.polling.failureBackoffMs },
  { variable: "CLOUDFLARE_AUTH_RETRY", min: "100ms", max: "30d", example: "60s", pick: (c) => c.cloudflare.authRetryMs },
  { variable: "CLOUDFLARE_RATE_WINDOW", min: "1s", max: "30d", example: "300s", pick: (c) => c.cloudflare.rateWindowMs },
  { variable: "SLACK_SEND_INTERVAL", min: "10ms", max: "30d", example: "1s", pick: (c) => c.slack.sendIntervalMs },
  { variable: "SLACK_RETRY_BACKOFF", min: "10ms", max: "30d", example: "5s", pick: (c) => c.slack.retryBackoffMs },
];
const MAX_MS: Record<string, number> = { "10m": 10 * MINUTE, "30d": 30 * DAY };

describe("loadConfig: duration bounds", () => {
  it.each(DURATIONS)("$variable accepts its upper bound, $max", ({ variable, max, pick }) => {
    expect(pick(loadConfig({ [variable]: max }))).toBe(MAX_MS[max]);
  });

  // Past Node's 2^31 - 1 ms timer limit a timeout fires after 1 ms; past a few hundred thousand years a date is
  // invalid. Each row is one value above the bound, a value that used to be accepted.
  it.each(
    DURATIONS.flatMap((d) =>
      [`${MAX_MS[d.max]! + 1}ms`, d.max === "10m" ? "11m" : "31d", "1000000000d", "99999999999999999999d"].map((text) => ({ ...d, text })),
    ),
  )("$variable=$text is refused, naming the range", ({ variable, min, max, example, text }) => {
    expect(configError({ [variable]: text }).message).toBe(
      `Invalid configuration: ${variable}: expected a duration from ${min} to ${max}, such as ${JSON.stringify(example)} (got ${JSON.stringify(text)})`,
    );
  });

  it("the message of the issue that prompted this: an interval of a billion days", () => {
    expect(configError({ POLL_INTERVAL: "1000000000d" }).message).toBe(
      'Invalid configuration: POLL_INTERVAL: expected a duration from 1s to 30d, such as "15m" (got "1000000000d")',
    );
  });

  it.each([
    { text: "30d", expected: [30 * DAY] },
    { text: "30d,1ms", expected: [30 * DAY, 1] },
  ])("EXPIRY_THRESHOLDS=$text is within bounds", ({ text, expected }) => {
    expect(loadConfig({ EXPIRY_THRESHOLDS: text }).polling.expiryThresholdsMs).toEqual(expected);
  });

  it.each(["72h,31d", "2592000001ms", "1h,1000000000d", "99999999999999999999d"])("EXPIRY_THRESHOLDS=%j: every value is bounded", (text) => {
    expect(configError({ EXPIRY_THRESHOLDS: text }).message).toBe(
      `Invalid configuration: EXPIRY_THRESHOLDS: expected a comma-separated list of durations, each from 1ms to 30d, such as "72h,24h,1h" (got ${JSON.stringify(text)})`,
    );
  });
});

const INTEGERS: Array<{ variable: string; range: string; pick: (c: Config) => number }> = [
  { variable: "WORKER_CONCURRENCY", range: "a whole number from 1 to 256, such as 4", pick: (c) => c.polling.concurrency },
  { variable: "CLOUDFLARE_RATE_LIMIT", range: "a whole number of requests from 1 to 1000000000, such as 1200", pick: (c) => c.cloudflare.rateLimit },
  { variable: "SLACK_DIGEST_THRESHOLD", range: "a whole number from 1 to 1000000, such as 5", pick: (c) => c.slack.digestThreshold },
  { variable: "HTTP_PORT", range: "a port number from 0 to 65535, such as 8080", pick: (c) => c.http.port },
];

describe("loadConfig: whole numbers are decimal digits only", () => {
  it.each(INTEGERS.flatMap((i) => ["16", " 16 ", "016"].map((text) => ({ ...i, text }))))("$variable=$text -> 16", ({ variable, text, pick }) => {
    expect(pick(loadConfig({ [variable]: text }))).toBe(16);
  });

  // Number() reads these as 16, 10, 4, 4, 3 and 7, so each was accepted until now.
  it.each(INTEGERS.flatMap((i) => ["0x10", "1e1", "+4", "4.0", "0b11", "0o7"].map((text) => ({ ...i, text }))))(
    "$variable=$text is refused",
    ({ variable, range, text }) => {
      expect(configError({ [variable]: text }).message).toBe(`Invalid configuration: ${variable}: expected ${range} (got ${JSON.stringify(text)})`);
    },
  );

  it.each([
    { variable: "WORKER_CONCURRENCY", text: "257" },
    { variable: "HTTP_PORT", text: "65536" },
    { variable: "CLOUDFLARE_RATE_LIMIT", text: "1000000001" },
    { variable: "CLOUDFLARE_RATE_LIMIT", text: "99999999999999999999" },
    { variable: "SLACK_DIGEST_THRESHOLD", text: "1000001" },
  ])("$variable=$text is above its range", ({ variable, text }) => {
    expect(configError({ [variable]: text }).message).toContain(`${variable}: expected a `);
  });
});

const FRACTIONS: Array<{ variable: string; form: string; pick: (c: Config) => number }> = [
  { variable: "CLOUDFLARE_BUDGET_SHARE", form: "a fraction greater than 0 and at most 1, such as 0.25", pick: (c) => c.cloudflare.budgetShare },
  { variable: "POLL_JITTER", form: "a fraction from 0 to 0.5, such as 0.1", pick: (c) => c.polling.jitter },
];

describe("loadConfig: fractions are plain decimals", () => {
  it.each(FRACTIONS.flatMap((f) => ["0.25", " 0.25 ", "0.250", "00.25"].map((text) => ({ ...f, text }))))("$variable=$text -> 0.25", ({ variable, text, pick }) => {
    expect(pick(loadConfig({ [variable]: text }))).toBe(0.25);
  });

  // ".5" and "5." are refused like parseDuration refuses ".5s" and "5.s": one decimal form everywhere.
  it.each(FRACTIONS.flatMap((f) => ["0x0", "1e-1", "2.5e-1", "+0.1", ".1", "0.", "0,1", "Infinity", "0.1.2"].map((text) => ({ ...f, text }))))(
    "$variable=$text is refused",
    ({ variable, form, text }) => {
      expect(configError({ [variable]: text }).message).toBe(`Invalid configuration: ${variable}: expected ${form} (got ${JSON.stringify(text)})`);
    },
  );
});

describe("loadConfig: one error for everything", () => {
  it("lists every out-of-range or malformed number, and still hides secrets", () => {
    const token = "cf-token-5uper-s3cret-VALUE";
    const { message } = configError({
      CLOUDFLARE_API_TOKEN: token,
      CLOUDFLARE_TIMEOUT: "30d",
      POLL_INTERVAL: "1000000000d",
      WORKER_CONCURRENCY: "0x10",
      POLL_JITTER: "1e-1",
      ALERT_RETENTION: "3651d",
      CLOUDFLARE_BASE_URL: `https://user:${token}@api.example.com/client/v4`,
    });
    expect(message.split("\n")).toEqual([
      "Invalid configuration:",
      expect.stringMatching(/^ {2}CLOUDFLARE_BASE_URL: must not contain a user name or password/),
      '  CLOUDFLARE_TIMEOUT: expected a duration from 100ms to 10m, such as "30s" (got "30d")',
      '  POLL_INTERVAL: expected a duration from 1s to 30d, such as "15m" (got "1000000000d")',
      '  POLL_JITTER: expected a fraction from 0 to 0.5, such as 0.1 (got "1e-1")',
      '  WORKER_CONCURRENCY: expected a whole number from 1 to 256, such as 4 (got "0x10")',
      '  ALERT_RETENTION: expected a duration from 1d to 3650d, such as "90d" (got "3651d")',
    ]);
    expect(message).not.toContain(token);
  });
});
