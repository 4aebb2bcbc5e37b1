import { got, RequestError, type Got } from "got";
import type { InviteFields } from "../invites/inviteState.js";
import { parseRetryAfter } from "../lib/parseRetryAfter.js";
import type { CloudflareAuth } from "./cloudflareAuth.js";
import { classifyResponse } from "./classifyResponse.js";
import { parseInvite } from "./parseInvite.js";
import { readRateLimit, type RateLimitState } from "./rateLimitHeaders.js";

/** The ways any Cloudflare call can end other than as asked; each carries the quota Cloudflare reported. */
export type CloudflareFailure =
  /** 404: evidence, not a verdict (see classifyResponse). `route` when Cloudflare said it could not route the path. */
  | { kind: "not-found"; route: boolean; message: string; rateLimit: RateLimitState | null }
  | { kind: "rate-limited"; retryAfterMs: number | null; rateLimit: RateLimitState | null }
  /** 401/403, or a token that Cloudflare reports as not active. */
  | { kind: "rejected"; status: number; message: string; rateLimit: RateLimitState | null }
  /** `routed`: a 2xx answer too long to read (MAX_ANSWER_BYTES): Cloudflare routed the request and took the credentials. */
  | { kind: "failure"; message: string; rateLimit: RateLimitState | null; routed?: true };

/** GET /user/invites/{id}. */
export type FetchOutcome = { kind: "invite"; fields: InviteFields; payload: Record<string, unknown>; rateLimit: RateLimitState | null } | CloudflareFailure;
/** GET /user/invites: the raw entries (each checked by the caller) and the pagination, if any. */
export type ListOutcome = { kind: "list"; invites: unknown[]; resultInfo: unknown; rateLimit: RateLimitState | null } | CloudflareFailure;
/** The credentials probe: GET /user/tokens/verify for a token, GET /user for the key pair. */
export type ProbeOutcome = { kind: "accepted"; rateLimit: RateLimitState | null } | CloudflareFailure;

export interface CloudflareClientOptions {
  baseUrl: string;
  auth: CloudflareAuth;
  timeoutMs: number;
  /** Masks secrets in any text that leaves the client. */
  redact: (text: string) => string;
  now?: () => Date;
  /** Answers longer than this are not read (MAX_ANSWER_BYTES unless a test says otherwise). */
  maxAnswerBytes?: number;
}

/**
 * The longest answer read, about 20,000 list entries. A longer one (a list of every invitation a huge account ever
 * sent, or a proxy's endless page) would be held three times over while parsed: the body, its JSON and the parsed
 * invites, against the image's 128 MB heap. It is a failed call instead, and a failed list means per-id polling.
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface CloudflareClient {
  getInvite(inviteId: string): Promise<FetchOutcome>;
  listInvites(page?: number): Promise<ListOutcome>;
  verifyCredentials(): Promise<ProbeOutcome>;
}

type Answer = { kind: "ok"; result: unknown; resultInfo: unknown; rateLimit: RateLimitState | null } | CloudflareFailure;

/**
 * Talks to Cloudflare with got. Retries are deliberately off here: a failed poll is rescheduled through the shared
 * rate budget instead, so a retry can never spend requests the budget did not grant.
 */
export function createCloudflareClient(options: CloudflareClientOptions, http: Got = got): CloudflareClient {
  const now = options.now ?? (() => new Date());
  const headers =
    options.auth.kind === "token"
      ? { authorization: `Bearer ${options.auth.token}` }
      : { "x-auth-email": options.auth.email, "x-auth-key": options.auth.key };

  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;

  async function call(path: string): Promise<Answer> {
    // An answer cut short has no body, but its status and headers (retry-after, Ratelimit) still count.
    let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: string | null };
    let tooLong = false;
    try {
      const request = http.get(`${options.baseUrl}${path}`, {
        headers: { ...headers, accept: "application/json", "user-agent": "invite-monitor" },
        timeout: { request: options.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: "text",
      });
      // Stopped as soon as it is too long (by its content-length, or by what has arrived), before it is all buffered.
      request.on("downloadProgress", ({ transferred, total }) => {
        if (!tooLong && Math.max(transferred, total ?? 0) > maxAnswerBytes) {
          tooLong = true;
          request.cancel();
        }
      });
      response = await request;
    } catch (error) {
      // got's cancel error carries the response whose head had arrived.
      const head = error instanceof RequestError ? error.response : undefined;
      if (!tooLong || !head) {
        const reason = error instanceof RequestError ? `${error.code}: ${error.message}` : String(error);
        return { kind: "failure", message: options.redact(`request failed (${reason})`), rateLimit: null };
      }
      response = { statusCode: head.statusCode, headers: head.headers, body: null };
    }
    const rateLimit = readRateLimit(response.headers["ratelimit"], response.headers["ratelimit-policy"]);
    const answer = classifyResponse(response.statusCode, response.body);
    switch (answer.kind) {
      case "ok":
        return { ...answer, rateLimit };
      case "rate-limited":
        return { kind: "rate-limited", retryAfterMs: parseRetryAfter(response.headers["retry-after"], now()), rateLimit };
      case "rejected":
        return { kind: "rejected", status: answer.status, message: options.redact(answer.detail), rateLimit };
      case "not-found":
        return { kind: "not-found", route: answer.route, message: options.redact(answer.detail), rateLimit };
      case "failure":
        return { kind: "failure", message: options.redact(answer.detail), rateLimit, ...(answer.routed ? { routed: true as const } : {}) };
    }
  }

  return {
    async getInvite(inviteId) {
      const answer = await call(`/user/invites/${inviteId}`);
      if (answer.kind !== "ok") return answer;
      const invite = parseInvite(answer.result, inviteId);
      if (!invite.ok) return { kind: "failure", message: options.redact(`HTTP 200: ${invite.problem}`), rateLimit: answer.rateLimit };
      return { kind: "invite", fields: invite.fields, payload: invite.payload, rateLimit: answer.rateLimit };
    },
    async listInvites(page = 1) {
      const answer = await call(page === 1 ? "/user/invites" : `/user/invites?page=${page}`);
      if (answer.kind !== "ok") return answer;
      if (!Array.isArray(answer.result)) return { kind: "failure", message: "HTTP 200: the list's result is not an array", rateLimit: answer.rateLimit };
      return { kind: "list", invites: answer.result, resultInfo: answer.resultInfo, rateLimit: answer.rateLimit };
    },
    async verifyCredentials() {
      const answer = await call(options.auth.kind === "token" ? "/user/tokens/verify" : "/user");
      if (answer.kind !== "ok") return answer;
      // A token Cloudflare knows but has disabled or expired verifies with 200 and says so in its status.
      const status = (answer.result as { status?: unknown } | null)?.status;
      if (options.auth.kind === "token" && status !== "active") {
        const message = typeof status === "string" ? `the API token is ${JSON.stringify(status.slice(0, 40))}, not "active"` : "the API token has no status";
        return { kind: "rejected", status: 200, message: options.redact(message), rateLimit: answer.rateLimit };
      }
      return { kind: "accepted", rateLimit: answer.rateLimit };
    },
  };
}
