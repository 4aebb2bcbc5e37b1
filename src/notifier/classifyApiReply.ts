import { parseRetryAfter } from "../lib/parseRetryAfter.js";
import { NOT_SENT } from "./classifySlackReply.js";

export type ApiMethod = "chat.postMessage" | "chat.update" | "auth.test";

/** What came back from one Web API call that did not succeed. */
export interface ApiReply {
  method: ApiMethod;
  /** The HTTP status; null when no answer arrived. */
  status: number | null;
  /** Slack's `error` for an `ok: false` answer (HTTP 200), such as "channel_not_found". */
  error: string | null;
  /** The answer's Retry-After header, as sent. */
  retryAfter: string | null;
  /** With no answer: the transport error's code (ECONNREFUSED, TimeoutError, ...), null if it had none. */
  errorCode?: string | null;
  /** With no answer: the transport error's message. */
  transportError?: string;
}

/** A failed call as what the outbox should do. */
export type ApiFailure =
  /** A 429 (`ratelimited`): that method and channel wait for Retry-After; null when unreadable (then: backoff). */
  | { kind: "rate-limited"; retryAfterMs: number | null }
  /** Slack did not take it (5xx, its internal errors, no connection): sending again cannot duplicate it. */
  | { kind: "retry"; error: string }
  /** It will fail the same way again until someone changes something: the alert is failed, with the reason. */
  | { kind: "permanent"; error: string }
  /** The request reached Slack and no answer came back: a post may have been made. */
  | { kind: "ambiguous"; error: string }
  /** The card is no longer there to edit or reply to (deleted): post a new card. */
  | { kind: "card-gone"; error: string };

/** The permanent errors an operator can fix, with what to do; the alerts show it (`invite-monitor alerts`). */
const HINTS: Record<string, string> = {
  channel_not_found: "check SLACK_CHANNEL or the invite's channel: an id such as C0123ABCD; a private channel needs the bot invited",
  not_in_channel: "invite the bot to the channel (/invite @bot), or add the chat:write.public scope",
  is_archived: "the channel is archived",
  invalid_auth: "check SLACK_BOT_TOKEN",
  not_authed: "check SLACK_BOT_TOKEN",
  account_inactive: "the bot or its workspace was deactivated",
  token_revoked: "the token was revoked or the app uninstalled: reinstall it and update SLACK_BOT_TOKEN",
  missing_scope: "add the chat:write scope and reinstall the app",
};

/** Slack's own trouble, worth trying again with backoff. */
const TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

/** The card was deleted (or is not ours to edit): a new one is posted instead. */
const CARD_GONE = new Set(["message_not_found", "thread_not_found", "cant_update_message"]);

/**
 * A Web API failure as what the outbox should do (../shared/SLACK.md). Slack answers errors as HTTP 200 with
 * `ok: false`; the codes an operator must fix are permanent, as is any code we do not know (shown, retried by
 * hand, never looped on); Slack's internal errors and 5xx retry; 429 or `ratelimited` waits. With no answer, a
 * failure before the connection retries, and anything later is ambiguous, as for webhooks.
 */
export function classifyApiReply(reply: ApiReply, now: Date): ApiFailure {
  const { method, status, error } = reply;
  if (status === null) {
    const text = `${method}: ${reply.errorCode ?? "no answer"}: ${reply.transportError ?? "the request failed"}`;
    return reply.errorCode && NOT_SENT.has(reply.errorCode) ? { kind: "retry", error: text } : { kind: "ambiguous", error: text };
  }
  if (status === 429 || error === "ratelimited") return { kind: "rate-limited", retryAfterMs: parseRetryAfter(reply.retryAfter ?? undefined, now) };
  if (status !== 200) {
    const text = `${method}: HTTP ${status}${status >= 300 && status < 400 ? " (a redirect: the Web API never redirects; check SLACK_API_URL)" : ""}`;
    return status >= 500 || status === 408 ? { kind: "retry", error: text } : { kind: "permanent", error: text };
  }
  // An `ok: false` answer; a body that was not Slack's JSON comes back as its text, so it is cut short.
  const code = (error ?? "unknown_error").replace(/\s+/g, " ").trim().slice(0, 100);
  const hint = HINTS[code];
  const text = `${method}: ${code}${hint ? ` (${hint})` : ""}`;
  if (CARD_GONE.has(code) && method !== "auth.test") return { kind: "card-gone", error: text };
  if (TRANSIENT.has(code)) return { kind: "retry", error: text };
  return { kind: "permanent", error: text };
}
