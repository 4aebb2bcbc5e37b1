import { IncomingWebhook, IncomingWebhookHTTPError, type FetchFunction } from "@slack/webhook";
import type { SlackMessage } from "../alerts/slackText.js";
import { parseRetryAfter } from "../lib/parseRetryAfter.js";

/** How one send ended. Only "delivered" means Slack answered 200. */
export type SendOutcome =
  | { kind: "delivered" }
  | { kind: "rate-limited"; retryAfterMs: number }
  | { kind: "retry"; error: string }
  | { kind: "permanent"; error: string };

export interface AlertSender {
  send(message: SlackMessage): Promise<SendOutcome>;
}

/** Used when a 429 carries no Retry-After: Slack's documented pace is about one message per second. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Posts to a Slack incoming webhook with the official IncomingWebhook. Its own retries stay off: the outbox
 * retries with backoff, across restarts. The fetch is wrapped only to read Retry-After, which the package's error
 * does not carry.
 */
export function createSlackSender(options: { webhookUrl: string; timeoutMs: number; redact: (text: string) => string }): AlertSender {
  let lastRetryAfter: string | null = null;
  const fetchRecordingRetryAfter: FetchFunction = async (url, init) => {
    const response = await globalThis.fetch(url, init as RequestInit);
    lastRetryAfter = response.headers.get("retry-after");
    return response;
  };
  const webhook = new IncomingWebhook(options.webhookUrl, { timeout: options.timeoutMs, fetch: fetchRecordingRetryAfter });

  return {
    async send(message) {
      lastRetryAfter = null;
      try {
        await webhook.send({ text: message.text, blocks: message.blocks });
        return { kind: "delivered" };
      } catch (error) {
        if (error instanceof IncomingWebhookHTTPError) {
          const reason = options.redact(`HTTP ${error.statusCode}: ${error.body.replace(/\s+/g, " ").trim().slice(0, 200) || error.statusMessage}`);
          if (error.statusCode === 429) {
            return { kind: "rate-limited", retryAfterMs: parseRetryAfter(lastRetryAfter ?? undefined, new Date()) ?? DEFAULT_RETRY_AFTER_MS };
          }
          // 408 is the one 4xx that can succeed on retry; every other 4xx (invalid_payload, no_service,
          // channel_is_archived, action_prohibited) will fail the same way again.
          if (error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 408) return { kind: "permanent", error: reason };
          return { kind: "retry", error: reason };
        }
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
        return { kind: "retry", error: options.redact(`${error instanceof Error ? error.message : String(error)}${cause}`) };
      }
    },
  };
}
