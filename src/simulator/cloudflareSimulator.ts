import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A canned answer. `body` objects are sent as JSON; strings as they are. `hang` never answers. An answer with only
 * `delayMs` is the normal answer, late.
 */
export interface ScriptedResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  inviteId: string | null;
  headers: IncomingMessage["headers"];
  /** Date.now() when the request arrived. */
  at: number;
  /** The status it was answered with; 0 until answered (or when it hangs). */
  status: number;
  /** Date.now() when the client gave up on it (closed the connection) before any answer. */
  abandonedAt?: number;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Credentials the simulator accepts; any other answer is 401. Omit to accept anything. */
  auth?: { token: string } | { email: string; key: string };
  /**
   * Cloudflare's rule, scaled as you like: over `limit` requests in `windowMs`, every call is 429 for a whole window.
   * `burst` adds a second, shorter quota, reported as a second item of the Ratelimit header; going over it is a 429
   * for the rest of that short window only.
   */
  rateLimit?: { limit: number; windowMs: number; burst?: { limit: number; windowMs: number } };
  /** Delay of every answer that sets none of its own: a slow API. */
  latencyMs?: number;
  /** Serves ids never set with this invite instead of 404: for load with many invites. */
  defaultInvite?: (id: string) => Record<string, unknown>;
  /**
   * Whether GET /user/invites also lists invitations that are no longer pending (accepted, rejected, expired).
   * Cloudflare does not document which it does, so both must work. Default true.
   */
  listNonPending?: boolean;
  /** Pages GET /user/invites by this many, with `result_info` and `?page=`; unset: one page, as the SDK expects. */
  listPageSize?: number;
}

export interface CloudflareSimulator {
  /** The base URL to use as CLOUDFLARE_BASE_URL. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Sets (or replaces) the Invite object served for an id; unknown extra fields are served as given. */
  setInvite(invite: { id: string } & Record<string, unknown>): void;
  /** Changes fields of a served invite. */
  updateInvite(id: string, fields: Record<string, unknown>): void;
  /** Makes an id answer 404 from now on. */
  removeInvite(id: string): void;
  /** Queues answers for one id (or "*" for any request), used before the normal behaviour, in order. */
  script(id: string | "*", ...responses: ScriptedResponse[]): void;
  /** The GETs of one invite received so far. */
  requestsFor(id: string): RecordedRequest[];
  /** Replaces the credentials accepted from now on (revoking a token); null accepts anything. */
  setAuth(auth: SimulatorOptions["auth"] | null): void;
  /** While on, every path answers Cloudflare's routing error (404, code 7003), as a broken route or wrong base path would. */
  breakRouting(on: boolean): void;
  /** While on, this invite answers 403 (an invitation the token may not see), whatever the credentials. */
  forbidInvite(id: string, on: boolean): void;
  close(): Promise<void>;
}

/** Ready-made ugly answers. */
export const answers = {
  serverError: (status = 500): ScriptedResponse => ({ status, body: envelope(false, null, [{ code: 10000 + status, message: "Internal server error" }]) }),
  htmlError: (status = 502): ScriptedResponse => ({
    status,
    headers: { "content-type": "text/html" },
    body: `<html>\n<head><title>${status} Bad Gateway</title></head>\n<body><center><h1>${status} Bad Gateway</h1></center><hr><center>cloudflare</center></body>\n</html>`,
  }),
  malformedJson: (): ScriptedResponse => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"success": true, "result": {"id": ' }),
  wrongShape: (): ScriptedResponse => ({ status: 200, body: envelope(true, { status: 42, roles: "admin" }) }),
  rateLimited: (retryAfterSeconds: number): ScriptedResponse => ({
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds), ratelimit: `"default";r=0;t=${retryAfterSeconds}` },
    body: envelope(false, null, [{ code: 971, message: "Please wait and consider throttling your request speed" }]),
  }),
  unauthorized: (status = 401): ScriptedResponse => ({ status, body: envelope(false, null, [{ code: 10000, message: "Authentication error" }]) }),
  hang: (): ScriptedResponse => ({ hang: true }),
};

export function envelope(success: boolean, result: unknown, errors: Array<{ code: number; message: string }> = []): Record<string, unknown> {
  return { success, errors, messages: [], result };
}

const INVITE_PATH = /^\/client\/v4\/user\/invites(?:\/([^/?]+))?\/?(?:\?.*)?$/;
const PROBE_PATH = /^\/client\/v4\/user(\/tokens\/verify)?\/?(?:\?.*)?$/;
const routingError = (url: string): ScriptedResponse => ({ status: 404, body: envelope(false, null, [{ code: 7003, message: `Could not route to ${url}, perhaps your object identifier is invalid?` }]) });

/** A local fake of Cloudflare's invite API, speaking the real envelope. Tests and `simulate` both use it. */
export async function startCloudflareSimulator(options: SimulatorOptions = {}): Promise<CloudflareSimulator> {
  const invites = new Map<string, Record<string, unknown>>();
  const scripts = new Map<string, ScriptedResponse[]>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const forbidden = new Set<string>();
  let auth = options.auth ?? null;
  let routingBroken = false;
  let window = { start: 0, count: 0, blockedUntil: 0 };
  let burst = { start: 0, count: 0 };

  const server = createServer((req, res) => {
    const match = INVITE_PATH.exec(req.url ?? "");
    const inviteId = match?.[1] ? decodeURIComponent(match[1]) : null;
    const record: RecordedRequest = { method: req.method ?? "GET", path: req.url ?? "", inviteId, headers: req.headers, at: Date.now(), status: 0 };
    requests.push(record);
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk.slice(0, 10_000)));
    res.on("finish", () => (record.status = res.statusCode));
    res.on("close", () => {
      if (!res.writableFinished) record.abandonedAt = Date.now();
    });
    req.on("end", () => void respond(req, res, match, inviteId, body));
  });

  async function respond(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray | null, inviteId: string | null, body: string): Promise<void> {
    const scripted = (inviteId ? scripts.get(inviteId)?.shift() : undefined) ?? scripts.get("*")?.shift();
    if (scripted && (scripted.status !== undefined || scripted.body !== undefined || scripted.hang)) return send(res, scripted);
    // A script with only a delay means "the normal answer, slowly".
    const slow = scripted?.delayMs;

    const probe = match ? null : PROBE_PATH.exec(req.url ?? "");
    if ((!match && !probe) || routingBroken) return send(res, routingError(req.url ?? ""), slow);
    if (!authorized(req)) return send(res, answers.unauthorized(), slow);
    const limited = rateLimitAnswer();
    if (limited) return send(res, limited, slow);
    if (probe) return send(res, probeAnswer(req, Boolean(probe[1])), slow);
    if (inviteId && forbidden.has(inviteId)) return send(res, answers.unauthorized(403), slow);

    if (!inviteId) {
      if (req.method !== "GET") return send(res, { status: 405, body: envelope(false, null, [{ code: 10405, message: "Method not allowed" }]) }, slow);
      return send(res, listAnswer(req.url ?? ""), slow);
    }
    let invite = invites.get(inviteId);
    if (!invite && options.defaultInvite && /^[0-9a-f]{32}$/.test(inviteId)) {
      invite = { ...options.defaultInvite(inviteId), id: inviteId };
      invites.set(inviteId, invite);
    }
    if (!invite) return send(res, { status: 404, body: envelope(false, null, [{ code: 1003, message: "Invite not found" }]) }, slow);
    if (req.method === "PATCH") {
      const status = safeJson(body)?.status;
      if (status !== "accepted" && status !== "rejected") {
        return send(res, { status: 400, body: envelope(false, null, [{ code: 1004, message: 'status must be "accepted" or "rejected"' }]) }, slow);
      }
      invite.status = status;
    }
    return send(res, { status: 200, body: envelope(true, invite) }, slow);
  }

  /** GET /user/tokens/verify (a token's status) and GET /user (who the credentials belong to). */
  function probeAnswer(req: IncomingMessage, verify: boolean): ScriptedResponse {
    if (req.method !== "GET") return { status: 405, body: envelope(false, null, [{ code: 10405, message: "Method not allowed" }]) };
    if (verify && !req.headers.authorization) return { status: 400, body: envelope(false, null, [{ code: 6003, message: "Invalid request headers" }]) };
    return { status: 200, body: envelope(true, verify ? { id: "simulated-token", status: "active" } : { id: "simulated-user", email: "user@example.com" }) };
  }

  function listAnswer(url: string): ScriptedResponse {
    const listed = [...invites.values()].filter((invite) => options.listNonPending !== false || invite.status === "pending");
    const size = options.listPageSize;
    if (!size) return { status: 200, body: envelope(true, listed) };
    const page = Math.max(1, Number(new URL(url, "http://sim").searchParams.get("page") ?? 1) || 1);
    const total_pages = Math.max(1, Math.ceil(listed.length / size));
    const result_info = { page, per_page: size, count: 0, total_count: listed.length, total_pages };
    const slice = listed.slice((page - 1) * size, page * size);
    return { status: 200, body: { ...envelope(true, slice), result_info: { ...result_info, count: slice.length } } };
  }

  function authorized(req: IncomingMessage): boolean {
    if (!auth) return true;
    if ("token" in auth) return req.headers.authorization === `Bearer ${auth.token}`;
    return req.headers["x-auth-email"] === auth.email && req.headers["x-auth-key"] === auth.key;
  }

  function rateLimitAnswer(): ScriptedResponse | null {
    const limit = options.rateLimit;
    if (!limit) return null;
    const now = Date.now();
    if (now < window.blockedUntil) return answers.rateLimited(Math.ceil((window.blockedUntil - now) / 1000));
    if (now - window.start >= limit.windowMs) window = { start: now, count: 0, blockedUntil: 0 };
    window.count += 1;
    if (window.count > limit.limit) {
      // Like Cloudflare: going over blocks every call for a whole window.
      window.blockedUntil = now + limit.windowMs;
      return answers.rateLimited(Math.ceil(limit.windowMs / 1000));
    }
    if (limit.burst) {
      if (now - burst.start >= limit.burst.windowMs) burst = { start: now, count: 0 };
      burst.count += 1;
      if (burst.count > limit.burst.limit) return answers.rateLimited(Math.max(1, Math.ceil((burst.start + limit.burst.windowMs - now) / 1000)));
    }
    return null;
  }

  async function send(res: ServerResponse, answer: ScriptedResponse, extraDelayMs = 0): Promise<void> {
    if (answer.hang) {
      hanging.add(res);
      return;
    }
    const delay = (answer.delayMs ?? options.latencyMs ?? 0) + extraDelayMs;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const headers: Record<string, string> = { "content-type": "application/json", ...answer.headers };
    const limit = options.rateLimit;
    if (limit && !headers.ratelimit) {
      const item = (name: string, quota: number, count: number, start: number, windowMs: number) =>
        `"${name}";r=${Math.max(0, quota - count)};t=${Math.max(0, Math.ceil((start + windowMs - Date.now()) / 1000))}`;
      const policy = (name: string, quota: number, windowMs: number) => `"${name}";q=${quota};w=${Math.round(windowMs / 1000)}`;
      headers.ratelimit = [item("default", limit.limit, window.count, window.start, limit.windowMs), ...(limit.burst ? [item("burst", limit.burst.limit, burst.count, burst.start, limit.burst.windowMs)] : [])].join(", ");
      headers["ratelimit-policy"] = [policy("default", limit.limit, limit.windowMs), ...(limit.burst ? [policy("burst", limit.burst.limit, limit.burst.windowMs)] : [])].join(", ");
    }
    const body = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, headers).end(body);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  return {
    baseUrl: `http://${options.host ?? "127.0.0.1"}:${address.port}/client/v4`,
    requests,
    setInvite(invite) {
      invites.set(invite.id, { ...invite });
    },
    updateInvite(id, fields) {
      const invite = invites.get(id);
      if (!invite) throw new Error(`simulator: no invite ${id}`);
      Object.assign(invite, fields);
    },
    removeInvite(id) {
      invites.delete(id);
    },
    script(id, ...responses) {
      scripts.set(id, [...(scripts.get(id) ?? []), ...responses]);
    },
    requestsFor(id) {
      return requests.filter((r) => r.inviteId === id && r.method === "GET");
    },
    setAuth(next) {
      auth = next ?? null;
    },
    breakRouting(on) {
      routingBroken = on;
    },
    forbidInvite(id, on) {
      if (on) forbidden.add(id);
      else forbidden.delete(id);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
