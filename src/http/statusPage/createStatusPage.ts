import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import { cliErrorText } from "../../cli/cliErrorText.js";
import { configSecrets, type Config } from "../../config/loadConfig.js";
import { normalizeInviteId } from "../../invites/inviteId.js";
import type { Clock } from "../../lib/clock.js";
import { makeRedactor } from "../../lib/redact.js";
import { readOutbox } from "../../storage/alertQueries.js";
import type { Db } from "../../storage/db.js";
import { readInviteDetail } from "../../storage/inviteDetail.js";
import { isStatusFilter } from "../../storage/inviteFilter.js";
import { readInvitePage, readStatusCounts } from "../../storage/statusPageQueries.js";
import { SCRIPT, STYLES } from "./assets.js";
import { escapeHtml, html, layout, type PageFrame, type SafeHtml } from "./html.js";
import { readBudget, type MonitorView } from "./readBudget.js";
import { renderBudget } from "./renderBudget.js";
import { renderInvite } from "./renderInvite.js";
import { renderLogin } from "./renderLogin.js";
import { renderOutbox } from "./renderOutbox.js";
import { renderOverview, type OverviewFilter } from "./renderOverview.js";
import { clearedCookie, isAuthorized, safeNext, sameSecret, servedWithoutToken, sessionCookie } from "./statusGuard.js";
import { utcSeconds } from "./timeText.js";

/** What the status page reads: the database, the running monitor (budget, pause, queue), Redis and the clock. */
export interface StatusPageDeps {
  config: Config;
  db: Db;
  redis: Redis;
  monitor: MonitorView;
  clock: Clock;
}

/** Handles a request for the status page; false when the path is not one of its own. */
export type StatusPageHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

const PAGE_SIZE = 100;
const OUTBOX_LIMITS = { failed: 200, pending: 100, delivered: 50 };
/** A login form is a few hundred bytes; anything much larger is not one. */
const MAX_FORM_BYTES = 4_096;
/** Only our own two files may run or style the page: a label holding markup cannot inject either. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/**
 * The read-only status page: the invites with a summary bar, filter and search (GET /), a page per invite
 * (/invites/{id}), the alert outbox (/outbox) and the budget (/budget). Server-rendered, working without JavaScript.
 * With STATUS_PAGE_TOKEN set, every page needs the token (a bearer header, or the login form's cookie); the only
 * POSTs are the login and logout, which change a cookie and nothing else. No page shows a secret: every page is
 * passed through the same redaction as the logs before it is sent.
 */
export function createStatusPage(deps: StatusPageDeps): StatusPageHandler {
  const token = deps.config.statusPage.token;
  const secrets = configSecrets(deps.config);
  const redact = makeRedactor([...secrets, ...secrets.map(escapeHtml)]);
  const pages: Record<string, (url: URL, now: Date) => Promise<{ frame: Omit<PageFrame, "signedIn" | "generatedAt">; body: SafeHtml; status?: number }>> = {
    "/": overview,
    "/outbox": async (_url, now) => ({ frame: { title: "Outbox", section: "outbox" }, body: renderOutbox(await readOutbox(deps.db, OUTBOX_LIMITS), now) }),
    "/budget": async (_url, now) => ({ frame: { title: "Budget", section: "budget" }, body: renderBudget(await readBudget(deps.monitor, deps.redis, deps.config.cloudflare, now), now) }),
  };

  function send(res: ServerResponse, req: IncomingMessage, status: number, frame: Omit<PageFrame, "generatedAt">, body: SafeHtml, headers: Record<string, string> = {}): void {
    const notice = token === null ? "No STATUS_PAGE_TOKEN is set: anyone who can reach this port can read this page." : undefined;
    const page = redact(layout({ notice, ...frame, generatedAt: utcSeconds(deps.clock()) }, body));
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...SECURITY_HEADERS, ...headers });
    res.end(req.method === "HEAD" ? undefined : page);
  }

  function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
    res.writeHead(303, { location, "cache-control": "no-store", ...headers }).end();
  }

  async function overview(url: URL, now: Date) {
    const params = url.searchParams;
    const status = params.get("status") ?? "";
    const filter: OverviewFilter = {
      status: isStatusFilter(status) ? status : undefined,
      q: (params.get("q") ?? "").slice(0, 200) || undefined,
      failing: params.get("failing") === "1",
      all: params.get("all") === "1",
    };
    const page = Math.min(100_000, Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
    const query = { status: filter.status, search: filter.q, failing: filter.failing, includeUntracked: filter.all };
    const [counts, table, outbox, budget] = await Promise.all([
      readStatusCounts(deps.db, now),
      readInvitePage(deps.db, query, now, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
      readOutbox(deps.db, { failed: 0, pending: 0, delivered: 0 }),
      readBudget(deps.monitor, deps.redis, deps.config.cloudflare, now),
    ]);
    const body = renderOverview({
      counts,
      rows: table.rows,
      total: table.total,
      filter,
      page,
      pageSize: PAGE_SIZE,
      outbox: outbox.counts,
      budget: { spentPerMinute: budget.spentLastMinute, sharePerMinute: budget.sharePerMinute, pausedMs: budget.pausedMs ?? 0 },
      now,
    });
    return { frame: { title: "Invites", section: "invites" as const }, body };
  }

  async function invitePage(rawId: string, now: Date) {
    const id = normalizeInviteId(decodedOrNull(rawId) ?? "");
    const invite = id ? await readInviteDetail(deps.db, id) : null;
    if (!invite) {
      const body = html`<h1>Not found</h1><p>${id ? `Invite ${id} is not tracked.` : "That is not an invite id (32 hexadecimal characters)."}</p><p><a href="/">← all invites</a></p>`;
      return { frame: { title: "Not found", section: "invites" as const }, body, status: 404 };
    }
    return { frame: { title: invite.label ?? invite.id, section: "invites" as const }, body: renderInvite(invite, now) };
  }

  async function login(req: IncomingMessage, res: ServerResponse, url: URL, signedIn: boolean, secure: boolean): Promise<void> {
    const next = safeNext(url.searchParams.get("next"));
    if (token === null || (signedIn && req.method !== "POST")) return redirect(res, next);
    if (req.method === "GET" || req.method === "HEAD") {
      return send(res, req, 200, { title: "Log in", section: "login", signedIn: false }, renderLogin({ next, wrong: false }));
    }
    if (req.method !== "POST") return void methodNotAllowed(res, "GET, HEAD, POST");
    const form = await readForm(req);
    if (form === null) return void res.writeHead(413, { "content-type": "text/plain" }).end("a login form is smaller than this\n");
    const after = safeNext(form.get("next"));
    if (!sameSecret(form.get("token") ?? "", token)) {
      return send(res, req, 401, { title: "Log in", section: "login", signedIn: false }, renderLogin({ next: after, wrong: true }));
    }
    redirect(res, after, { "set-cookie": sessionCookie(token, secure) });
  }

  return async (req, res, url) => {
    const path = url.pathname;
    if (path === "/status.css" || path === "/status.js") {
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
      const css = path === "/status.css";
      res.writeHead(200, { "content-type": css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", "cache-control": "max-age=300", ...SECURITY_HEADERS });
      res.end(req.method === "HEAD" ? undefined : css ? STYLES : SCRIPT);
      return true;
    }
    const invite = /^\/invites\/([^/]+)$/.exec(path);
    const page = pages[path];
    if (!page && !invite && path !== "/login" && path !== "/logout") return false;
    if (token === null && !servedWithoutToken(req.headers.host)) {
      res.writeHead(421, { "content-type": "text/plain; charset=utf-8" });
      res.end("Without STATUS_PAGE_TOKEN the status page answers only to an IP address or localhost, not to a host name; set STATUS_PAGE_TOKEN to reach it by name.\n");
      return true;
    }
    const signedIn = token !== null && isAuthorized(req.headers, token);
    const secure = req.headers["x-forwarded-proto"] === "https";
    if (path === "/login") {
      await login(req, res, url, signedIn, secure);
      return true;
    }
    if (path === "/logout") {
      if (req.method !== "POST") return methodNotAllowed(res, "POST");
      redirect(res, token === null ? "/" : "/login", { "set-cookie": clearedCookie() });
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
    if (token !== null && !signedIn) {
      // Nothing of the page is read before the token is: the answer is the same login form whatever was asked.
      const next = safeNext(`${path}${url.search}`);
      send(res, req, 401, { title: "Log in", section: "login", signedIn: false }, renderLogin({ next, wrong: false }), { "www-authenticate": 'Bearer realm="invite-monitor status page"' });
      return true;
    }
    const now = deps.clock();
    try {
      const result = invite ? await invitePage(invite[1]!, now) : await page!(url, now);
      send(res, req, result.status ?? 200, { ...result.frame, signedIn }, result.body);
    } catch (error) {
      const reason = cliErrorText(error, secrets);
      send(res, req, 503, { title: "Unavailable", section: "invites", signedIn }, html`<h1>Unavailable</h1><p>The page could not be read: ${reason}</p><p>It shows again once the database answers.</p>`);
    }
    return true;
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  // Read-only: no method but these does anything here.
  res.writeHead(405, { allow, "content-type": "text/plain" }).end("the status page is read-only\n");
  return true;
}

/** A urlencoded form body, or null when it is larger than a login form can be. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** A path segment decoded, or null when its percent-encoding is broken (`%E0`): that is no invite id either. */
function decodedOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
