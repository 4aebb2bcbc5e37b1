import { got, RequestError, type Got } from "got";
import type { CloudflareAuth } from "./cloudflareAuth.js";
import type { InviteFields } from "../invites/inviteState.js";
import { describeIssues } from "../lib/describeIssues.js";
import { parseRetryAfter } from "../lib/parseRetryAfter.js";
import { envelopeSchema, parseInvite } from "./parseInvite.js";
import { readRateLimit, type RateLimitState } from "./rateLimitHeaders.js";

/** Everything one GET /user/invites/{id} can end in. Only "failure" and "unauthorized" mean "try again later". */
export type FetchOutcome =
  | { kind: "invite"; fields: InviteFields; payload: Record<string, unknown>; rateLimit: RateLimitState | null }
  | { kind: "gone"; rateLimit: RateLimitState | null }
  | { kind: "rate-limited"; retryAfterMs: number | null; rateLimit: RateLimitState | null }
  | { kind: "unauthorized"; status: number; message: string }
  | { kind: "failure"; message: string; rateLimit: RateLimitState | null };

export interface CloudflareClientOptions {
  baseUrl: string;
  auth: CloudflareAuth;
  timeoutMs: number;
  /** Masks secrets in any text that leaves the client. */
  redact: (text: string) => string;
  now?: () => Date;
}

export interface CloudflareClient {
  getInvite(inviteId: string): Promise<FetchOutcome>;
}

/** How much of an unexpected body an error message may quote. */
const SAMPLE_LENGTH = 120;

/**
 * Reads invites from Cloudflare with got. Retries are deliberately off here: a failed poll is rescheduled
 * through the shared rate budget instead, so a retry can never spend requests the budget did not grant.
 */
export function createCloudflareClient(options: CloudflareClientOptions, http: Got = got): CloudflareClient {
  const now = options.now ?? (() => new Date());
  const headers =
    options.auth.kind === "token"
      ? { authorization: `Bearer ${options.auth.token}` }
      : { "x-auth-email": options.auth.email, "x-auth-key": options.auth.key };

  return {
    async getInvite(inviteId) {
      let response;
      try {
        response = await http.get(`${options.baseUrl}/user/invites/${inviteId}`, {
          headers: { ...headers, accept: "application/json", "user-agent": "invite-monitor" },
          timeout: { request: options.timeoutMs },
          retry: { limit: 0 },
          throwHttpErrors: false,
          followRedirect: false,
          responseType: "text",
        });
      } catch (error) {
        const reason = error instanceof RequestError ? `${error.code}: ${error.message}` : String(error);
        return { kind: "failure", message: options.redact(`request failed (${reason})`), rateLimit: null };
      }

      const status = response.statusCode;
      const rateLimit = readRateLimit(response.headers["ratelimit"], response.headers["ratelimit-policy"]);
      if (status === 429) {
        return { kind: "rate-limited", retryAfterMs: parseRetryAfter(response.headers["retry-after"], now()), rateLimit };
      }

      const body = response.body;
      const envelope = parseEnvelope(body);
      if (status === 401 || status === 403) {
        const detail = envelope.ok ? envelopeErrors(envelope.value.errors) : sample(body);
        return { kind: "unauthorized", status, message: options.redact(`HTTP ${status}: credentials rejected (${detail})`) };
      }
      if (status === 404 && envelope.ok && envelope.value.success === false) return { kind: "gone", rateLimit };

      const fail = (message: string): FetchOutcome => ({ kind: "failure", message: options.redact(message), rateLimit });
      if (!envelope.ok) return fail(`HTTP ${status} with ${envelope.problem}: ${sample(body)}`);
      if (status < 200 || status >= 300) return fail(`HTTP ${status}: ${envelopeErrors(envelope.value.errors)}`);
      if (!envelope.value.success) return fail(`HTTP ${status} but success=false: ${envelopeErrors(envelope.value.errors)}`);

      const invite = parseInvite(envelope.value.result, inviteId);
      if (!invite.ok) return fail(`HTTP ${status}: ${invite.problem}`);
      return { kind: "invite", fields: invite.fields, payload: invite.payload, rateLimit };
    },
  };
}

type EnvelopeResult = { ok: true; value: ReturnType<typeof envelopeSchema.parse> } | { ok: false; problem: string };

function parseEnvelope(body: string): EnvelopeResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: body.trimStart().startsWith("<") ? "an HTML body, not JSON" : "a body that is not JSON" };
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: `a malformed envelope (${describeIssues(parsed.error)})` };
}

function envelopeErrors(errors: ReadonlyArray<{ code?: number; message?: string }>): string {
  if (errors.length === 0) return "no error details";
  return errors
    .slice(0, 3)
    .map((e) => `${e.code ?? "?"} ${(e.message ?? "").slice(0, SAMPLE_LENGTH)}`.trim())
    .join("; ");
}

/** A short, single-line quote of a body, so an error says what came back without storing a whole page. */
function sample(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty body)";
  return JSON.stringify(flat.length > SAMPLE_LENGTH ? `${flat.slice(0, SAMPLE_LENGTH)}...` : flat);
}
