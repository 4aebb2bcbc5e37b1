import { describe, expect, it } from "vitest";
import { configSecrets, envSecrets, loadConfig } from "../../src/config/loadConfig.js";
import { configError } from "./configError.js";

const TOKEN = "cf-token-5uper-s3cret-VALUE";
const KEY = "legacy-global-key-0123456789";
const WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";

describe("CLOUDFLARE_BASE_URL: credentials, query and fragment are refused", () => {
  it.each([
    { url: "https://user:s3cretpass@api.example.com/client/v4", secret: "s3cretpass" },
    { url: "https://:s3cretpass@api.example.com/client/v4", secret: "s3cretpass" },
    { url: `https://${TOKEN}@api.example.com/client/v4`, secret: TOKEN },
    { url: "http://ops%40example.com:p%40ss-w0rd@127.0.0.1:8787", secret: "p%40ss-w0rd" },
  ])("$url", ({ url, secret }) => {
    const { message } = configError({ CLOUDFLARE_BASE_URL: url });
    expect(message).toBe(
      "Invalid configuration: CLOUDFLARE_BASE_URL: must not contain a user name or password: set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) instead",
    );
    expect(message).not.toContain(secret);
    expect(message).not.toContain("(got");
  });

  it.each(["https://api.example.com/client/v4?x=1", "https://api.example.com/client/v4?", "https://api.example.com/client/v4#top", "https://api.example.com/#"])(
    "%s: paths are appended, so a query or fragment is refused",
    (url) => {
      expect(configError({ CLOUDFLARE_BASE_URL: url }).message).toBe(
        `Invalid configuration: CLOUDFLARE_BASE_URL: must not have a query string (?) or fragment (#): API paths are appended to it (got ${JSON.stringify(url)})`,
      );
    },
  );

  it("a malformed URL is still shown, unless it has an '@' that may begin credentials", () => {
    expect(configError({ CLOUDFLARE_BASE_URL: "ftp://example.com" }).message).toContain('(got "ftp://example.com")');
    const { message } = configError({ CLOUDFLARE_BASE_URL: "api.example.com:s3cretpass@host/client/v4" });
    expect(message).toContain("CLOUDFLARE_BASE_URL: expected a URL starting with https:// or http://");
    expect(message).not.toContain("s3cretpass");
  });

  it.each(["http://127.0.0.1:8787/client/v4", "https://api.cloudflare.com/client/v4/", "https://example.com/a%40b/v4"])("%s is accepted", (url) => {
    expect(loadConfig({ CLOUDFLARE_BASE_URL: url }).cloudflare.baseUrl).toBe(url.replace(/\/$/, ""));
  });
});

describe("configSecrets and envSecrets: one secret list", () => {
  // Valid environments: the daemon (from the Config) and the CLI (from the raw variables) must redact the same values.
  it.each([
    { name: "nothing secret", env: {} },
    { name: "a token", env: { CLOUDFLARE_API_TOKEN: ` ${TOKEN}\n` } },
    { name: "a legacy key", env: { CLOUDFLARE_EMAIL: "ops@example.com", CLOUDFLARE_API_KEY: KEY } },
    { name: "a webhook", env: { SLACK_WEBHOOK_URL: WEBHOOK } },
    { name: "database and Redis passwords", env: { DATABASE_URL: "postgres://app:p%40ss-w0rd@db/x", REDIS_URL: "rediss://:r3dis-pass@cache:6380" } },
    { name: "a malformed percent escape", env: { DATABASE_URL: "postgres://app:bad%zzpass@db/x" } },
    { name: "everything", env: { CLOUDFLARE_API_TOKEN: TOKEN, SLACK_WEBHOOK_URL: WEBHOOK, DATABASE_URL: "postgres://u:hunter22@db/x", REDIS_URL: "redis://:hunter33@r" } },
  ])("agree on $name", ({ env }) => {
    expect(envSecrets(env).sort()).toEqual(configSecrets(loadConfig(env)).sort());
  });

  it.each([
    { name: "a token, trimmed as loadConfig trims it", env: { CLOUDFLARE_API_TOKEN: `  ${TOKEN}\n` }, secrets: [TOKEN] },
    { name: "the webhook and its path", env: { SLACK_WEBHOOK_URL: WEBHOOK }, secrets: [WEBHOOK, "/services/T000/B000/XXXXsecretXXXX"] },
    { name: "a password raw and decoded", env: { DATABASE_URL: "postgres://app:p%40ss-w0rd@db/x" }, secrets: ["p%40ss-w0rd", "p@ss-w0rd"] },
    { name: "a password with a malformed escape", env: { DATABASE_URL: "postgres://app:bad%zzpass@db/x" }, secrets: ["bad%zzpass"] },
    { name: "a Redis password", env: { REDIS_URL: "redis://:r3dis-pass@cache" }, secrets: ["r3dis-pass"] },
    { name: "empty variables", env: { CLOUDFLARE_API_TOKEN: "", SLACK_WEBHOOK_URL: "", DATABASE_URL: "" }, secrets: [] },
  ])("configSecrets: $name", ({ env, secrets }) => {
    expect(configSecrets(loadConfig(env)).sort()).toEqual(secrets.sort());
  });

  // The CLI redacts with envSecrets precisely when loadConfig throws: every row here is an environment it refuses.
  it.each([
    { name: "a token beside a bad interval", env: { CLOUDFLARE_API_TOKEN: TOKEN, POLL_INTERVAL: "often" }, secrets: [TOKEN] },
    { name: "a key without its email", env: { CLOUDFLARE_API_KEY: ` ${KEY} ` }, secrets: [KEY] },
    {
      name: "a token beside a key (the Config keeps only the token)",
      env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_API_KEY: KEY, CLOUDFLARE_EMAIL: "nope" },
      secrets: [TOKEN, KEY],
    },
    {
      name: "credentials in CLOUDFLARE_BASE_URL",
      env: { CLOUDFLARE_BASE_URL: "https://ops%40example.com:p%40ss-w0rd@api.example.com/v4" },
      secrets: ["ops%40example.com", "ops@example.com", "p%40ss-w0rd", "p@ss-w0rd"],
    },
    { name: "a token as the base URL's user name", env: { CLOUDFLARE_BASE_URL: `https://${TOKEN}@api.example.com/v4` }, secrets: [TOKEN] },
    { name: "a webhook without a scheme", env: { SLACK_WEBHOOK_URL: "hooks.slack.com/services/T0/B0/XXXXsecret" }, secrets: ["hooks.slack.com/services/T0/B0/XXXXsecret", "/services/T0/B0/XXXXsecret"] },
    { name: "a database URL of the wrong scheme", env: { DATABASE_URL: "mysql://app:hunter22@db/x" }, secrets: ["hunter22"] },
    { name: "a database URL that does not parse", env: { DATABASE_URL: "postgres://app:hunter22@db:notaport/x" }, secrets: ["hunter22"] },
    { name: "a Redis URL that does not parse", env: { REDIS_URL: "redis://:p%zz@[bad" }, secrets: ["p%zz"] },
    { name: "a future Slack bot token", env: { SLACK_BOT_TOKEN: " xoxb-1111-2222-secret ", POLL_INTERVAL: "often" }, secrets: ["xoxb-1111-2222-secret"] },
  ])("envSecrets without a valid configuration: $name", ({ env, secrets }) => {
    expect(() => loadConfig(env)).toThrow();
    expect(envSecrets(env).sort()).toEqual(secrets.sort());
  });
});
