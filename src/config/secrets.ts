import type { Config } from "./config.js";

/** Variables whose values are, or may contain, secrets (URLs carry passwords): never echoed back, even in an error. */
const SECRET_VARIABLES = new Set(["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN", "STATUS_PAGE_TOKEN", "DATABASE_URL", "REDIS_URL"]);

/**
 * Whether a configuration error may repeat `value`. CLOUDFLARE_BASE_URL is not a secret, but one with an "@" may
 * carry a user name and password (even when it does not parse as a URL), so that one is not repeated either.
 */
export function mayEcho(variable: string, value: string): boolean {
  if (SECRET_VARIABLES.has(variable)) return false;
  return !(variable === "CLOUDFLARE_BASE_URL" && value.includes("@"));
}

/** Every place a secret can hide, as loadConfig reads it: tokens trimmed, URLs as written. */
interface SecretSources {
  cloudflareToken: string | null;
  cloudflareKey: string | null;
  /** Refused by loadConfig when it carries credentials, so only the raw environment can supply such a one. */
  cloudflareBaseUrl: string | null;
  slackWebhookUrl: string | null;
  slackBotToken: string | null;
  statusPageToken: string | null;
  databaseUrl: string | null;
  redisUrl: string | null;
}

/** The one secret list: configSecrets and envSecrets both feed it, so the daemon and the CLI redact alike. */
function secretsOf(sources: SecretSources): string[] {
  const secrets: Array<string | null> = [sources.cloudflareToken, sources.cloudflareKey, sources.slackBotToken, sources.statusPageToken];
  if (sources.slackWebhookUrl) secrets.push(sources.slackWebhookUrl, webhookPath(sources.slackWebhookUrl));
  // A user name in a database URL is not a secret (and is often "postgres", which redaction would mangle).
  for (const raw of [sources.databaseUrl, sources.redisUrl]) if (raw) secrets.push(...bothSpellings(userInfo(raw).password));
  if (sources.cloudflareBaseUrl) {
    const { username, password } = userInfo(sources.cloudflareBaseUrl);
    secrets.push(...bothSpellings(username), ...bothSpellings(password));
  }
  return [...new Set(secrets.filter((s): s is string => typeof s === "string" && s !== ""))];
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The part of a Slack webhook URL that is the secret, so that it is masked even when logged without the host. */
function webhookPath(raw: string): string | null {
  const parsed = parseUrl(raw);
  if (parsed) return parsed.pathname;
  // Best effort for a value that is not a URL ("hooks.slack.com/services/T/B/X"): everything from the first path "/".
  return /^(?:[^/]*\/\/)?[^/]*(\/.+)$/.exec(raw)?.[1] ?? null;
}

/** The user name and password of a URL, as written (percent-encoded); best effort when it does not parse. */
function userInfo(raw: string): { username: string; password: string } {
  const parsed = parseUrl(raw);
  if (parsed) return { username: parsed.username, password: parsed.password };
  // "scheme://user:pass@host...": the authority's user info ends at its last "@".
  const info = /^[^/]*\/\/([^/?#]*)@/.exec(raw)?.[1];
  if (info === undefined) return { username: "", password: "" };
  const colon = info.indexOf(":");
  return colon === -1 ? { username: info, password: "" } : { username: info.slice(0, colon), password: info.slice(colon + 1) };
}

/** A URL's credential as written and percent-decoded: a log line may show either. */
function bothSpellings(encoded: string): string[] {
  if (encoded === "") return [];
  try {
    return [encoded, decodeURIComponent(encoded)];
  } catch {
    // Malformed escapes ("%zz") decode to nothing usable; the written form is still the secret.
    return [encoded];
  }
}

/** Every secret value in the config, for the log redactor. */
export function configSecrets(config: Config): string[] {
  const auth = config.cloudflare.auth;
  return secretsOf({
    cloudflareToken: auth?.kind === "token" ? auth.token : null,
    cloudflareKey: auth?.kind === "key" ? auth.key : null,
    cloudflareBaseUrl: config.cloudflare.baseUrl,
    slackWebhookUrl: config.slack.webhookUrl,
    slackBotToken: config.slack.app?.botToken ?? null,
    statusPageToken: config.statusPage.token,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
  });
}

/**
 * The same secrets read straight from the environment, for redacting an error from a configuration that does not
 * parse. Lists everything set, so it can hold more than configSecrets: a key beside a token (the Config keeps only
 * the token), or the credentials of a CLOUDFLARE_BASE_URL that loadConfig refuses.
 */
export function envSecrets(env: Record<string, string | undefined>): string[] {
  // Read as loadConfig reads them: empty is unset, tokens are trimmed, URLs are taken as written.
  const raw = (name: string) => (env[name] ? env[name] : null);
  const token = (name: string) => env[name]?.trim() || null;
  return secretsOf({
    cloudflareToken: token("CLOUDFLARE_API_TOKEN"),
    cloudflareKey: token("CLOUDFLARE_API_KEY"),
    cloudflareBaseUrl: raw("CLOUDFLARE_BASE_URL"),
    slackWebhookUrl: raw("SLACK_WEBHOOK_URL"),
    slackBotToken: token("SLACK_BOT_TOKEN"),
    statusPageToken: token("STATUS_PAGE_TOKEN"),
    databaseUrl: raw("DATABASE_URL"),
    redisUrl: raw("REDIS_URL"),
  });
}
