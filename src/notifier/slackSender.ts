import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from "@slack/webhook";
import type { Clock } from "../lib/clock.js";
import type { AlertSender, SendOutcome } from "./alertSender.js";
import { answerRecordingFetch } from "./answerRecordingFetch.js";
import { classifySlackReply, type SlackReply } from "./classifySlackReply.js";
import { describeTransportError as describe, transportCode } from "./transportCode.js";

export type { AlertSender, SendOutcome } from "./alertSender.js";

/**
 * Posts to a Slack incoming webhook with the official IncomingWebhook. Its own retries stay off: the outbox
 * retries with backoff, across restarts. Its fetch is answerRecordingFetch: never a redirect, and what was heard.
 */
export function createSlackSender(options: { webhookUrl: string; timeoutMs: number; redact: (text: string) => string; now?: Clock }): AlertSender {
  const now = options.now ?? (() => new Date());

  return {
    async send(message) {
      // One webhook client per send, so what its fetch heard belongs to this send even if two run at once.
      const recording = answerRecordingFetch();
      const webhook = new IncomingWebhook(options.webhookUrl, { timeout: options.timeoutMs, fetch: recording.fetch });
      let reply: SlackReply;
      try {
        await webhook.send({ text: message.text, blocks: message.blocks });
        reply = { status: recording.heard()?.status ?? 200, body: "", retryAfter: null };
      } catch (error) {
        const heard = recording.heard();
        if (error instanceof IncomingWebhookHTTPError) reply = { status: error.statusCode, body: error.body || error.statusMessage, retryAfter: heard?.retryAfter ?? null };
        // The status line came and only reading the body failed: Slack has already said what it did.
        else if (heard) reply = { status: heard.status, body: "", retryAfter: heard.retryAfter };
        else {
          const original = error instanceof IncomingWebhookRequestError ? error.original : error;
          reply = { status: null, body: "", retryAfter: null, errorCode: transportCode(original), error: describe(original) };
        }
      }
      return redacted(classifySlackReply(reply, now()), options.redact);
    },
  };
}

function redacted(outcome: SendOutcome, redact: (text: string) => string): SendOutcome {
  return "error" in outcome ? { ...outcome, error: redact(outcome.error) } : outcome;
}
