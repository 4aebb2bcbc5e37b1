import { parseRetryAfter } from "../lib/parseRetryAfter.js";
import type { SendOutcome } from "./alertSender.js";

/** What came back from one webhook POST. */
export interface SlackReply {
  /** The HTTP status; null when no answer arrived. */
  status: number | null;
  /** The answer's body (Slack's webhook errors are plain words, such as "no_service"). */
  body: string;
  /** The answer's Retry-After header, as sent. */
  retryAfter: string | null;
  /** With no answer: the transport error's code (ECONNREFUSED, ECONNRESET, TimeoutError, ...), null if it had none. */
  errorCode?: string | null;
  /** With no answer: the transport error's message. */
  error?: string;
}

/**
 * Transport errors raised before any byte of the request could reach Slack: the connection was never made, so
 * sending again cannot post the message twice. Every other failure without an answer (our timeout, a reset, a
 * socket closed while we waited, a code we do not know) may come after Slack took the message.
 */
export const NOT_SENT: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * Slack's answer to a webhook POST as what the outbox should do (../shared/SLACK.md): 2xx delivered; 429 waits
 * for Retry-After; 408 and 5xx retry; a 3xx (never followed) and any other 4xx (invalid_payload, no_service, channel_is_archived,
 * action_prohibited) fails the same way again, so it is permanent. With no answer, a failure before the connection
 * retries, and anything later is ambiguous: webhooks have no idempotency key, so the retry may post it twice.
 */
export function classifySlackReply(reply: SlackReply, now: Date): SendOutcome {
  const { status } = reply;
  if (status === null) {
    const error = `${reply.errorCode ?? "no answer"}: ${reply.error ?? "the request failed"}`;
    return reply.errorCode && NOT_SENT.has(reply.errorCode) ? { kind: "retry", error } : { kind: "ambiguous", error };
  }
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 429) return { kind: "rate-limited", retryAfterMs: parseRetryAfter(reply.retryAfter ?? undefined, now) };
  const body = reply.body.replace(/\s+/g, " ").trim().slice(0, 200);
  const error = body ? `HTTP ${status}: ${body}` : `HTTP ${status}`;
  // A redirect is a URL that is not Slack's webhook (or no longer is): it answers the same way until it is changed.
  if (status >= 300 && status < 400) return { kind: "permanent", error: `${error} (a redirect: Slack's webhooks never redirect; check SLACK_WEBHOOK_URL)` };
  if (status >= 400 && status < 500 && status !== 408) return { kind: "permanent", error };
  return { kind: "retry", error };
}
