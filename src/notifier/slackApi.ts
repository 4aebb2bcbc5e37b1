import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type Logger as SlackLogger,
} from "@slack/web-api";
import type { SlackMessage } from "../alerts/slackText.js";
import type { Clock } from "../lib/clock.js";
import { answerRecordingFetch, type HeardAnswer } from "./answerRecordingFetch.js";
import { classifyApiReply, type ApiFailure, type ApiMethod, type ApiReply } from "./classifyApiReply.js";
import { describeTransportError, transportCode } from "./transportCode.js";

/** A call's result: Slack's answer on success, else what the outbox should do about the failure. */
export type ApiOutcome<T> = ({ kind: "ok" } & T) | ApiFailure;

/** The three Web API calls the app mode makes. None throws for Slack's or the network's failures. */
export interface SlackApi {
  /** A new message, or (with `threadTs`) a reply in that message's thread. */
  postMessage(args: { channel: string; message: SlackMessage; threadTs?: string }): Promise<ApiOutcome<{ channel: string; ts: string }>>;
  /** Edits a message the bot posted. */
  update(args: { channel: string; ts: string; message: SlackMessage }): Promise<ApiOutcome<{ channel: string; ts: string }>>;
  /** Checks the token; names the bot and its workspace. */
  authTest(): Promise<ApiOutcome<{ user: string; userId: string; team: string; botId: string | null }>>;
}

export interface SlackApiOptions {
  token: string;
  /** SLACK_API_URL. */
  apiUrl: string;
  timeoutMs: number;
  /** Masks the secrets in any error text we keep. */
  redact: (text: string) => string;
  now?: Clock;
}

/** The client's own log lines would repeat what the outcome says; ours is the one log. */
const silent: SlackLogger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

/**
 * The Web API through the official @slack/web-api WebClient, with its retries and its 429 queueing off
 * (`retryConfig: { retries: 0 }`, `rejectRateLimitedCalls`): the outbox is the only retry loop and owns the pacing.
 * Its fetch is answerRecordingFetch: never a redirect, and what was heard before a failure.
 */
export function createSlackApi(options: SlackApiOptions): SlackApi {
  const now = options.now ?? (() => new Date());

  async function call<T>(method: ApiMethod, run: (client: WebClient) => Promise<T>): Promise<({ kind: "ok" } & { value: T }) | ApiFailure> {
    // One client per call, so what its fetch heard belongs to this call even if two run at once.
    const recording = answerRecordingFetch();
    const client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs,
      fetch: recording.fetch,
      logger: silent,
    });
    try {
      return { kind: "ok", value: await run(client) };
    } catch (error) {
      const failure = classifyApiReply(replyOf(method, error, recording.heard()), now());
      return "error" in failure ? { ...failure, error: options.redact(failure.error) } : failure;
    }
  }

  return {
    async postMessage({ channel, message, threadTs }) {
      const result = await call("chat.postMessage", (client) =>
        client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (result.kind !== "ok") return result;
      const { ts } = result.value;
      // Slack says it posted, yet without the ts nothing can address the message: a lost answer, as for a timeout.
      if (typeof ts !== "string" || ts === "") return { kind: "ambiguous", error: "chat.postMessage: ok, but the answer has no ts" };
      return { kind: "ok", channel: result.value.channel ?? channel, ts };
    },
    async update({ channel, ts, message }) {
      const result = await call("chat.update", (client) => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }));
      return result.kind === "ok" ? { kind: "ok", channel: result.value.channel ?? channel, ts: String(result.value.ts ?? ts) } : result;
    },
    async authTest() {
      const result = await call("auth.test", (client) => client.auth.test());
      if (result.kind !== "ok") return result;
      const v = result.value;
      return { kind: "ok", user: v.user ?? "(unnamed bot)", userId: v.user_id ?? "", team: v.team ?? "(unnamed workspace)", botId: v.bot_id ?? null };
    },
  };
}

/** What the client's error says about Slack's answer, completed by what the fetch saw. */
function replyOf(method: ApiMethod, error: unknown, heard: HeardAnswer | null): ApiReply {
  const base = { method, retryAfter: heard?.retryAfter ?? null };
  if (error instanceof WebAPIPlatformError) return { ...base, status: heard?.status ?? 200, error: String(error.data.error) };
  if (error instanceof WebAPIRateLimitedError) return { ...base, status: 429, error: null, retryAfter: heard?.retryAfter ?? String(error.retryAfter) };
  if (error instanceof WebAPIHTTPError) return { ...base, status: error.statusCode, error: null };
  // A 429 without a readable Retry-After comes back as a plain error: the status says what it was.
  if (heard && heard.status !== 200) return { ...base, status: heard.status, error: null };
  // A 200 whose body never arrived whole: Slack may have posted, and we have no ts. As a lost answer: ambiguous.
  if (heard) return { ...base, status: null, error: null, errorCode: "ERR_BODY_INCOMPLETE", transportError: describeTransportError(error) };
  const original = error instanceof WebAPIRequestError ? error.original : error;
  return { ...base, status: null, error: null, errorCode: transportCode(original), transportError: describeTransportError(original) };
}
