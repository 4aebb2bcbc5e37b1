import { describe, expect, it } from "vitest";
import type { SendOutcome } from "../../src/notifier/alertSender.js";
import { classifySlackReply, type SlackReply } from "../../src/notifier/classifySlackReply.js";

const NOW = new Date("2026-11-28T12:00:00.000Z");
const answer = (status: number, body = "", retryAfter: string | null = null): SlackReply => ({ status, body, retryAfter });
const noAnswer = (errorCode: string | null, error = "fetch failed"): SlackReply => ({ status: null, body: "", retryAfter: null, errorCode, error });

describe("classifySlackReply", () => {
  it.each<{ name: string; reply: SlackReply; expected: SendOutcome }>([
    { name: "200 ok", reply: answer(200, "ok"), expected: { kind: "delivered" } },
    { name: "204, any 2xx", reply: answer(204), expected: { kind: "delivered" } },
    { name: "429 with Retry-After in seconds", reply: answer(429, "rate_limited", "2"), expected: { kind: "rate-limited", retryAfterMs: 2_000 } },
    { name: "429 with Retry-After as an HTTP date", reply: answer(429, "rate_limited", "Sat, 28 Nov 2026 12:00:30 GMT"), expected: { kind: "rate-limited", retryAfterMs: 30_000 } },
    { name: "429 without Retry-After: the notifier backs off", reply: answer(429, "rate_limited"), expected: { kind: "rate-limited", retryAfterMs: null } },
    { name: "429 with an unreadable Retry-After", reply: answer(429, "rate_limited", "soon"), expected: { kind: "rate-limited", retryAfterMs: null } },
    { name: "400 invalid_payload", reply: answer(400, "invalid_payload"), expected: { kind: "permanent", error: "HTTP 400: invalid_payload" } },
    { name: "400 invalid_blocks", reply: answer(400, "invalid_blocks"), expected: { kind: "permanent", error: "HTTP 400: invalid_blocks" } },
    { name: "403 action_prohibited", reply: answer(403, "action_prohibited"), expected: { kind: "permanent", error: "HTTP 403: action_prohibited" } },
    { name: "404 no_service (revoked webhook)", reply: answer(404, "no_service"), expected: { kind: "permanent", error: "HTTP 404: no_service" } },
    { name: "410 channel_is_archived", reply: answer(410, "channel_is_archived"), expected: { kind: "permanent", error: "HTTP 410: channel_is_archived" } },
    { name: "302: a URL that is not Slack's webhook", reply: answer(302), expected: { kind: "permanent", error: "HTTP 302 (a redirect: Slack's webhooks never redirect; check SLACK_WEBHOOK_URL)" } },
    { name: "301 with a body", reply: answer(301, "Moved"), expected: { kind: "permanent", error: "HTTP 301: Moved (a redirect: Slack's webhooks never redirect; check SLACK_WEBHOOK_URL)" } },
    { name: "408: the one 4xx that can succeed on retry", reply: answer(408, "timeout"), expected: { kind: "retry", error: "HTTP 408: timeout" } },
    { name: "500 internal_error", reply: answer(500, "internal_error"), expected: { kind: "retry", error: "HTTP 500: internal_error" } },
    { name: "503 with no body", reply: answer(503), expected: { kind: "retry", error: "HTTP 503" } },
    { name: "a multi-line body is cut to one line", reply: answer(502, `bad\n  gateway${" x".repeat(200)}`), expected: { kind: "retry", error: `HTTP 502: ${`bad gateway${" x".repeat(200)}`.slice(0, 200)}` } },
    { name: "connection refused: nothing reached Slack", reply: noAnswer("ECONNREFUSED"), expected: { kind: "retry", error: "ECONNREFUSED: fetch failed" } },
    { name: "DNS failure", reply: noAnswer("ENOTFOUND"), expected: { kind: "retry", error: "ENOTFOUND: fetch failed" } },
    { name: "connect timeout", reply: noAnswer("UND_ERR_CONNECT_TIMEOUT"), expected: { kind: "retry", error: "UND_ERR_CONNECT_TIMEOUT: fetch failed" } },
    { name: "a bad certificate", reply: noAnswer("CERT_HAS_EXPIRED"), expected: { kind: "retry", error: "CERT_HAS_EXPIRED: fetch failed" } },
    { name: "our timeout: Slack may have posted it", reply: noAnswer("TimeoutError", "The operation was aborted due to timeout"), expected: { kind: "ambiguous", error: "TimeoutError: The operation was aborted due to timeout" } },
    { name: "socket closed while waiting for the answer", reply: noAnswer("UND_ERR_SOCKET", "fetch failed: other side closed"), expected: { kind: "ambiguous", error: "UND_ERR_SOCKET: fetch failed: other side closed" } },
    { name: "connection reset", reply: noAnswer("ECONNRESET"), expected: { kind: "ambiguous", error: "ECONNRESET: fetch failed" } },
    { name: "a failure with no code: assumed to be after the request", reply: noAnswer(null), expected: { kind: "ambiguous", error: "no answer: fetch failed" } },
  ])("$name", ({ reply, expected }) => {
    expect(classifySlackReply(reply, NOW)).toEqual(expected);
  });
});
