import { describe, expect, it } from "vitest";
import { classifyApiReply, type ApiFailure, type ApiReply } from "../../src/notifier/classifyApiReply.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const post = (reply: Partial<ApiReply>): ApiReply => ({ method: "chat.postMessage", status: 200, error: null, retryAfter: null, ...reply });

describe("classifyApiReply", () => {
  it.each<{ name: string; reply: ApiReply; expected: ApiFailure | { kind: ApiFailure["kind"]; error: RegExp } }>([
    { name: "429 with Retry-After", reply: post({ status: 429, error: "ratelimited", retryAfter: "3" }), expected: { kind: "rate-limited", retryAfterMs: 3_000 } },
    { name: "429 without Retry-After", reply: post({ status: 429 }), expected: { kind: "rate-limited", retryAfterMs: null } },
    { name: "ratelimited at HTTP 200", reply: post({ error: "ratelimited", retryAfter: "1" }), expected: { kind: "rate-limited", retryAfterMs: 1_000 } },
    { name: "channel_not_found is permanent, with what to check", reply: post({ error: "channel_not_found" }), expected: { kind: "permanent", error: /^chat\.postMessage: channel_not_found \(check SLACK_CHANNEL/ } },
    { name: "not_in_channel names the fix", reply: post({ error: "not_in_channel" }), expected: { kind: "permanent", error: /invite the bot .* chat:write\.public/ } },
    { name: "invalid_auth", reply: post({ error: "invalid_auth" }), expected: { kind: "permanent", error: /^chat\.postMessage: invalid_auth \(check SLACK_BOT_TOKEN\)$/ } },
    { name: "account_inactive", reply: post({ error: "account_inactive" }), expected: { kind: "permanent", error: /account_inactive/ } },
    { name: "token_revoked", reply: post({ error: "token_revoked" }), expected: { kind: "permanent", error: /token_revoked \(the token was revoked/ } },
    { name: "msg_too_long", reply: post({ error: "msg_too_long" }), expected: { kind: "permanent", error: /^chat\.postMessage: msg_too_long$/ } },
    { name: "invalid_blocks", reply: post({ error: "invalid_blocks" }), expected: { kind: "permanent", error: /invalid_blocks/ } },
    { name: "a code we do not know is shown, not looped on", reply: post({ error: "something_new" }), expected: { kind: "permanent", error: /something_new/ } },
    { name: "Slack's internal_error retries", reply: post({ error: "internal_error" }), expected: { kind: "retry", error: /internal_error/ } },
    { name: "message_not_found on an update: the card is gone", reply: post({ method: "chat.update", error: "message_not_found" }), expected: { kind: "card-gone", error: /^chat\.update: message_not_found$/ } },
    { name: "thread_not_found on a reply: the card is gone", reply: post({ error: "thread_not_found" }), expected: { kind: "card-gone", error: /thread_not_found/ } },
    { name: "cant_update_message: a new card", reply: post({ method: "chat.update", error: "cant_update_message" }), expected: { kind: "card-gone", error: /cant_update_message/ } },
    { name: "HTTP 503 retries", reply: post({ status: 503 }), expected: { kind: "retry", error: /^chat\.postMessage: HTTP 503$/ } },
    { name: "HTTP 408 retries", reply: post({ status: 408 }), expected: { kind: "retry", error: /HTTP 408/ } },
    { name: "HTTP 302 (a redirect, never followed) is permanent", reply: post({ status: 302 }), expected: { kind: "permanent", error: /^chat\.postMessage: HTTP 302 \(a redirect: .*check SLACK_API_URL\)$/ } },
    { name: "HTTP 404 (a wrong SLACK_API_URL) is permanent", reply: post({ status: 404 }), expected: { kind: "permanent", error: /HTTP 404/ } },
    { name: "refused connection: nothing was sent", reply: post({ status: null, errorCode: "ECONNREFUSED", transportError: "connect ECONNREFUSED" }), expected: { kind: "retry", error: /ECONNREFUSED/ } },
    { name: "timeout after the request was written: ambiguous", reply: post({ status: null, errorCode: "TimeoutError", transportError: "timed out" }), expected: { kind: "ambiguous", error: /TimeoutError/ } },
    { name: "a reset: ambiguous", reply: post({ status: null, errorCode: "ECONNRESET" }), expected: { kind: "ambiguous", error: /ECONNRESET/ } },
    { name: "a long non-JSON body is cut short", reply: post({ error: `<html>${"x".repeat(500)}</html>` }), expected: { kind: "permanent", error: /^chat\.postMessage: <html>x{94}$/ } },
  ])("$name", ({ reply, expected }) => {
    const outcome = classifyApiReply(reply, NOW);
    if ("error" in expected && expected.error instanceof RegExp) {
      expect(outcome.kind).toBe(expected.kind);
      expect("error" in outcome ? outcome.error : "").toMatch(expected.error);
    } else {
      expect(outcome).toEqual(expected);
    }
  });
});
