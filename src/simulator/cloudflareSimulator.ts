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
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Credentials the simulator accepts; any other answer is 401. Omit to accept anything. */
  auth?: { token: string } | { email: string; key: string };
  /** Cloudflare's rule, scaled as you like: over `limit` requests in `windowMs`, every call is 429 for a whole window. */
  rateLimit?: { limit: number; windowMs: number };
  /** Delay of every answer that sets none of its own: a slow API. */
  latencyMs?: number;
  /** Serves ids never set with this invite instead of 404: for load with many invites. */
  defaultInvite?: (id: string) => Record<string, unknown>;
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

/** A local fake of Cloudflare's invite API, speaking the real envelope. Tests and `simulate` both use it. */
export async function startCloudflareSimulator(options: SimulatorOptions = {}): Promise<CloudflareSimulator> {
  const invites = new Map<string, Record<string, unknown>>();
  const scripts = new Map<string, ScriptedResponse[]>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let window = { start: 0, count: 0, blockedUntil: 0 };

  const server = createServer((req, res) => {
    const match = INVITE_PATH.exec(req.url ?? "");
    const inviteId = match?.[1] ? decodeURIComponent(match[1]) : null;
    const record: RecordedRequest = { method: req.method ?? "GET", path: req.url ?? "", inviteId, headers: req.headers, at: Date.now(), status: 0 };
    requests.push(record);
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk.slice(0, 10_000)));
    res.on("finish", () => (record.status = res.statusCode));
    req.on("end", () => void respond(req, res, match, inviteId, body));
  });

  async function respond(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray | null, inviteId: string | null, body: string): Promise<void> {
    const scripted = (inviteId ? scripts.get(inviteId)?.shift() : undefined) ?? scripts.get("*")?.shift();
    if (scripted && (scripted.status !== undefined || scripted.body !== undefined || scripted.hang)) return send(res, scripted);
    // A script with only a delay means "the normal answer, slowly".
    const slow = scripted?.delayMs;

    if (!match) return send(res, { status: 404, body: envelope(false, null, [{ code: 7003, message: "Could not route to " + req.url }]) }, slow);
    if (!authorized(req)) return send(res, answers.unauthorized(), slow);
    const limited = rateLimitAnswer();
    if (limited) return send(res, limited, slow);

    if (!inviteId) {
      if (req.method !== "GET") return send(res, { status: 405, body: envelope(false, null, [{ code: 10405, message: "Method not allowed" }]) }, slow);
      return send(res, { status: 200, body: envelope(true, [...invites.values()]) }, slow);
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

  function authorized(req: IncomingMessage): boolean {
    const auth = options.auth;
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
      const remaining = Math.max(0, limit.limit - window.count);
      const reset = Math.max(0, Math.ceil((window.start + limit.windowMs - Date.now()) / 1000));
      headers.ratelimit = `"default";r=${remaining};t=${reset}`;
      headers["ratelimit-policy"] = `"default";q=${limit.limit};w=${Math.round(limit.windowMs / 1000)}`;
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
