import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One message as a channel shows it now, with every version it had. */
export interface ApiMessage {
  channel: string;
  ts: string;
  /** The parent's ts for a reply in a thread; null for a message in the channel itself. */
  threadTs: string | null;
  text: string;
  blocks: unknown[];
  /** The posted version first, then each edit (chat.update). */
  versions: Array<{ at: number; text: string; blocks: unknown[] }>;
  deleted: boolean;
}

/** Every request, in order, with what the simulator answered. */
export interface ApiCall {
  at: number;
  method: string;
  channel: string | null;
  ts: string | null;
  threadTs: string | null;
  text: string | null;
  /** The HTTP status answered; 0 when the simulator hung or reset the connection instead. */
  status: number;
  ok: boolean;
  error: string | null;
}

/** A canned answer for the next call of a method. An `error` is answered the Slack way: HTTP 200, `ok: false`. */
export interface SlackApiAnswer {
  error?: string;
  /** An HTTP status other than 200 (429 gets a Retry-After of `retryAfter` seconds, when given). */
  status?: number;
  retryAfter?: number;
  /** Handled normally (a post is made), the answer comes this much later. */
  delayMs?: number;
  /** Handled normally, then no answer ever comes. */
  hang?: boolean;
  /** Handled normally, then the connection is closed without an answer. */
  reset?: boolean;
  /** Extra headers on the answer (a `location` for a redirect). */
  headers?: Record<string, string>;
  /** Fields left out of the answer's JSON, for odd answers: `["ts"]` is an `ok: true` without the message's ts. */
  omit?: string[];
}

export interface SlackApiSimulatorOptions {
  port?: number;
  /** The bot token it accepts. */
  token?: string;
  /** The channel ids that exist; the first is the default channel. */
  channels?: string[];
  /** The channels the bot is in (default: all). Elsewhere a post is not_in_channel, unless `chatWritePublic`. */
  memberOf?: string[];
  chatWritePublic?: boolean;
  /** Like Slack, at most one chat.postMessage per channel per this many ms (stricter: Slack allows short bursts). */
  postIntervalMs?: number;
  /** At most one chat.update per this many ms (Slack's Tier 3 is about 50 a minute: 1,200). */
  updateIntervalMs?: number;
  /** How long every unscripted answer takes. */
  delayMs?: number;
  /** Each call as it is handled, before its answer is sent. */
  onCall?: (call: ApiCall) => void;
  /** Each message posted or edited, after the change. */
  onChange?: (message: ApiMessage) => void;
}

export interface SlackApiSimulator {
  /** For SLACK_API_URL (and WebClient's slackApiUrl). */
  readonly apiUrl: string;
  readonly token: string;
  /** The first channel: for SLACK_CHANNEL. */
  readonly channel: string;
  readonly calls: ApiCall[];
  /** The messages of a channel (default: the first), as it shows them now: not deleted, not replies, oldest first. */
  messages(channel?: string): ApiMessage[];
  /** The replies in a message's thread, oldest first. */
  thread(ts: string, channel?: string): ApiMessage[];
  /** The answers to give the next calls of `method` ("*": any method), in order. */
  script(method: string, ...answers: SlackApiAnswer[]): void;
  /** A person deletes a message: it leaves the channel, and editing it is message_not_found. */
  deleteMessage(ts: string, channel?: string): void;
  /** Every later call is answered token_revoked (the app was uninstalled), or with this error. */
  revokeToken(error?: "token_revoked" | "account_inactive" | "invalid_auth"): void;
  restoreToken(): void;
  /** The bot leaves (or is removed from) a channel, or is invited to it. */
  leave(channel: string): void;
  join(channel: string): void;
  close(): Promise<void>;
}

const BOT = { user: "invite-monitor", user_id: "U0SIMBOT1", bot_id: "B0SIMBOT1", team: "Simulated Workspace", team_id: "T0SIMTEAM1" };

/** A local Slack Web API: auth.test, chat.postMessage and chat.update with Slack's wire format and its errors. */
export async function startSlackApiSimulator(options: SlackApiSimulatorOptions = {}): Promise<SlackApiSimulator> {
  const token = options.token ?? "xoxb-simulated-bot-token-0000000000";
  const channels = options.channels ?? ["C0SIMULATE1"];
  const members = new Set(options.memberOf ?? channels);
  const all: ApiMessage[] = [];
  const calls: ApiCall[] = [];
  const scripted = new Map<string, SlackApiAnswer[]>();
  const lastPost = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let lastUpdate = -Infinity;
  let tokenError: string | null = null;
  let counter = 0;
  const find = (channel: string, ts: string) => all.find((m) => m.channel === channel && m.ts === ts && !m.deleted);

  /** The answer Slack would give, with the state change it makes; `retryAfterMs` means a 429 (rate limited). */
  function handle(method: string, args: Record<string, unknown>, auth: string | null, at: number): { body: Record<string, unknown>; retryAfterMs?: number } {
    const fail = (error: string) => ({ body: { ok: false, error } });
    if (!auth) return fail("not_authed");
    if (auth !== token) return fail("invalid_auth");
    if (tokenError) return fail(tokenError);
    if (method === "auth.test") return { body: { ok: true, url: "https://simulated.slack.com/", ...BOT } };
    if (method !== "chat.postMessage" && method !== "chat.update") return fail("unknown_method");
    const channel = String(args.channel ?? "");
    const text = typeof args.text === "string" ? args.text : "";
    const blocks = parseBlocks(args.blocks);
    if (!channels.includes(channel)) return fail("channel_not_found");
    if (blocks === "invalid" || (Array.isArray(blocks) && blocks.length > 50)) return fail("invalid_blocks");
    if (text.length > 40_000) return fail("msg_too_long");
    if (!text && blocks.length === 0) return fail("no_text");
    if (method === "chat.update") {
      const message = find(channel, String(args.ts ?? ""));
      if (!message) return fail("message_not_found");
      const wait = lastUpdate + (options.updateIntervalMs ?? 0) - at;
      if (wait > 0) return { body: { ok: false, error: "ratelimited" }, retryAfterMs: wait };
      lastUpdate = at;
      Object.assign(message, { text, blocks });
      message.versions.push({ at, text, blocks });
      options.onChange?.(message);
      return { body: { ok: true, channel, ts: message.ts, text, message: { type: "message", text, blocks, bot_id: BOT.bot_id, user: BOT.user_id, ts: message.ts } } };
    }
    if (!members.has(channel) && !options.chatWritePublic) return fail("not_in_channel");
    const threadTs = typeof args.thread_ts === "string" && args.thread_ts ? args.thread_ts : null;
    if (threadTs && !find(channel, threadTs)) return fail("thread_not_found");
    const wait = (lastPost.get(channel) ?? -Infinity) + (options.postIntervalMs ?? 0) - at;
    if (wait > 0) return { body: { ok: false, error: "ratelimited" }, retryAfterMs: wait };
    lastPost.set(channel, at);
    const ts = `${Math.floor(at / 1000)}.${String(++counter).padStart(6, "0")}`;
    const message: ApiMessage = { channel, ts, threadTs, text, blocks, versions: [{ at, text, blocks }], deleted: false };
    all.push(message);
    options.onChange?.(message);
    const reply = { type: "message", text, blocks, bot_id: BOT.bot_id, user: BOT.user_id, ts, ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { body: { ok: true, channel, ts, message: reply } };
  }

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const at = Date.now();
      const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      const args = parseArgs(raw, req.headers["content-type"]);
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? (typeof args.token === "string" ? args.token : null);
      const queue = scripted.get(method)?.length ? scripted.get(method)! : (scripted.get("*") ?? []);
      const answer = queue.shift() ?? {};
      let status = answer.status ?? 200;
      let body: Record<string, unknown>;
      let retryAfterMs: number | undefined;
      if (answer.error) body = { ok: false, error: answer.error };
      else if (answer.status && answer.status !== 200) body = { ok: false, error: answer.status === 429 ? "ratelimited" : "http_error" };
      else ({ body, retryAfterMs } = handle(method, args, auth, at));
      for (const field of answer.omit ?? []) delete body[field];
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...answer.headers };
      if (retryAfterMs !== undefined) status = 429;
      const retryAfter = answer.retryAfter ?? (retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : undefined);
      if (status === 429 && retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
      const call: ApiCall = {
        at,
        method,
        channel: typeof args.channel === "string" ? args.channel : null,
        ts: typeof body.ts === "string" ? body.ts : typeof args.ts === "string" ? args.ts : null,
        threadTs: typeof args.thread_ts === "string" ? args.thread_ts : null,
        text: typeof args.text === "string" ? args.text : null,
        status: answer.hang || answer.reset ? 0 : status,
        ok: body.ok === true && status === 200,
        error: typeof body.error === "string" ? body.error : null,
      };
      calls.push(call);
      options.onCall?.(call);
      if (answer.hang) return void hanging.add(res);
      if (answer.reset) return void req.socket.destroy();
      const send = () => {
        if (status >= 500) res.writeHead(status, { "content-type": "text/plain" }).end("upstream error");
        else res.writeHead(status, headers).end(JSON.stringify(body));
      };
      const delay = answer.delayMs ?? options.delayMs;
      if (delay) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const first = channels[0]!;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    token,
    channel: first,
    calls,
    messages: (channel = first) => all.filter((m) => m.channel === channel && !m.threadTs && !m.deleted),
    thread: (ts, channel = first) => all.filter((m) => m.channel === channel && m.threadTs === ts && !m.deleted),
    script(method, ...answers) {
      scripted.set(method, [...(scripted.get(method) ?? []), ...answers]);
    },
    deleteMessage(ts, channel = first) {
      for (const m of all) if (m.channel === channel && (m.ts === ts || m.threadTs === ts)) m.deleted = true;
    },
    revokeToken: (error = "token_revoked") => void (tokenError = error),
    restoreToken: () => void (tokenError = null),
    leave: (channel) => void members.delete(channel),
    join: (channel) => void members.add(channel),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
  });
}

/** WebClient sends a form (nested values as JSON text); other clients may send JSON. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json")) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function parseBlocks(value: unknown): unknown[] | "invalid" {
  if (value === undefined || value === null || value === "") return [];
  if (Array.isArray(value)) return value;
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) ? parsed : "invalid";
  } catch {
    return "invalid";
  }
}
