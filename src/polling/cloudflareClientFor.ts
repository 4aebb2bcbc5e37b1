import { createCloudflareClient, type CloudflareClient } from "../cloudflare/cloudflareClient.js";
import { configSecrets, requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import { makeRedactor } from "../lib/redact.js";

/** The Cloudflare client of these settings: their base URL, credentials and timeout, redacting every secret they hold. */
export function cloudflareClientFor(config: Config, clock: Clock): CloudflareClient {
  return createCloudflareClient({
    baseUrl: config.cloudflare.baseUrl,
    auth: requireCloudflareAuth(config),
    timeoutMs: config.cloudflare.timeoutMs,
    redact: makeRedactor(configSecrets(config)),
    now: clock,
  });
}
