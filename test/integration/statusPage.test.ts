// The status page over HTTP, in-process: what each page shows of real rows, the guard (off, open, token), and that
// it changes nothing and shows no secret. test/browser/statusPage.test.ts drives the same pages in Chromium.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { Monitor } from "../../src/daemon/createMonitor.js";
import { startHttpServer, type HttpServer } from "../../src/http/startHttpServer.js";
import { slackAnswers } from "../../src/simulator/slackSimulator.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { startHarness, TOKEN, type Harness } from "../helpers/harness.js";
import { notifyUntilIdle } from "../helpers/notify.js";
import { acceptBob, SEEDED, serveSeeded } from "../helpers/seededInvites.js";

const PAGE_TOKEN = "status-page-token-3f9a1c7e5b2d4f6a8c0e";
let h: Harness;
let monitor: Monitor;
const servers: HttpServer[] = [];

/** A server over the harness's database and monitor, with these status page settings. */
async function serve(env: Record<string, string> | null): Promise<string> {
  const config = loadConfig({
    DATABASE_URL: h.config.databaseUrl,
    REDIS_URL: h.config.redisUrl,
    QUEUE_PREFIX: h.config.queuePrefix,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: h.sim.baseUrl,
    CLOUDFLARE_RATE_LIMIT: "100000",
    CLOUDFLARE_RATE_WINDOW: "10s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    ...env,
  });
  const server = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    registry: monitor.metrics.registry,
    checks: {},
    statusPage: config.statusPage.enabled ? { config, db: h.db, redis: h.redis, monitor, clock: h.clock } : undefined,
  });
  servers.push(server);
  return server.url;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: "manual" });

beforeAll(async () => {
  h = await startHarness({ slack: true, env: { CLOUDFLARE_LIST: "off", POLL_INTERVAL: "15m" } });
  serveSeeded(h.sim, h.clock());
  await trackInvites(h.db, Object.values(SEEDED).map((s) => ({ id: s.id, label: s.label, source: "test" })), h.clock());
  monitor = h.monitor();
  await monitor.start(["worker"]);
  await monitor.sweepOnce();
  await monitor.drain();
  acceptBob(h.sim);
  h.clock.advance(16 * 60_000);
  await monitor.sweepOnce();
  await monitor.drain();
  // The first message Slack refuses: a failed alert with its reason, for the outbox.
  h.slack!.script(slackAnswers.invalidPayload());
  await notifyUntilIdle(monitor);
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await h?.close();
});

describe("STATUS_PAGE off (the default)", () => {
  it("serves no page: / is a 404 that says how to turn it on", async () => {
    const url = await serve(null);
    const response = await get(`${url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("the status page is off: set STATUS_PAGE=on");
    expect((await get(`${url}/invites/${SEEDED.alice.id}`)).status).toBe(404);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });
});

describe("STATUS_PAGE=on without a token", () => {
  let url: string;
  beforeAll(async () => {
    url = await serve({ STATUS_PAGE: "on" });
  });

  it("answers no host name without a token (DNS rebinding): a 421 and none of the data; /metrics is not its to refuse", async () => {
    const asHost = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.get(`${url}${path}`, { headers: { host } }, (response) => {
          let body = "";
          response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => resolve({ status: response.statusCode!, body }));
        });
        request.on("error", reject);
      });
    for (const path of ["/", `/invites/${SEEDED.alice.id}`, "/outbox", "/budget", "/login"]) {
      const answer = await asHost(path, "evil.example:8080");
      expect(answer.status).toBe(421);
      expect(answer.body).not.toContain(SEEDED.alice.id);
      expect(answer.body).not.toContain("Alice");
    }
    expect((await asHost("/metrics", "evil.example:8080")).status).toBe(200);
    expect((await asHost("/", "localhost")).status).toBe(200);
  });

  it("lists every invite with its status, the summary counts and the next expiry, and warns that it is open", async () => {
    const page = await (await get(`${url}/`)).text();
    const row = (id: string) => new RegExp(`<tr data-id="${id}" data-status="([a-z-]+)">`).exec(page)?.[1];
    expect(Object.fromEntries(Object.entries(SEEDED).map(([name, s]) => [name, row(s.id)]))).toEqual({
      alice: "pending", bob: "accepted", carol: "rejected", dave: "expired", erin: "unchecked", frank: "not-visible",
    });
    expect(page).toContain("No STATUS_PAGE_TOKEN is set");
    expect(page).toMatch(/<strong>6<\/strong> tracked/);
    // Erin's 502s, and Frank's 404s (checked again with backoff until it is seen).
    expect(page).toMatch(/<strong>2<\/strong> failing/);
    // Alice expires in 3 days minus the 16 minutes the clock moved: the countdown and the absolute time in UTC.
    expect(page).toMatch(new RegExp(`Next expiry</dt><dd><a href="/invites/${SEEDED.alice.id}">Alice \\(new SRE\\)</a> <time class="countdown later" datetime="2026-12-01T12:00:00.000Z">2d 23h</time> <span class="abs">2026-12-01 12:00 UTC</span>`));
    // A label holding markup is shown, not run.
    expect(page).toContain("Dave &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>alert(1)</script>");
  });

  it.each([
    { query: "?status=accepted", expected: ["bob"] },
    { query: "?status=not-visible", expected: ["frank"] },
    { query: "?failing=1", expected: ["erin", "frank"] },
    // Erin was never seen, so her organization is not known yet: it is found by its label only.
    { query: "?q=acme%20infra", expected: ["alice", "carol"] },
    { query: "?q=erin", expected: ["erin"] },
    { query: "?q=BOB%40", expected: ["bob"] },
    { query: "?status=pending&q=alice", expected: ["alice"] },
    { query: "?q=%25", expected: [] },
    { query: "?status=nonsense", expected: ["alice", "bob", "carol", "dave", "erin", "frank"] },
  ])("the filter $query narrows the table", async ({ query, expected }) => {
    const page = await (await get(`${url}/${query}`)).text();
    const shown = [...page.matchAll(/<tr data-id="([0-9a-f]{32})"/g)].map((m) => m[1]);
    const names = Object.entries(SEEDED).filter(([, s]) => shown.includes(s.id)).map(([name]) => name);
    expect(names.sort()).toEqual(expected);
  });

  it("shows an invite's page: its fields, the timeline old → new per field, and its alerts", async () => {
    const page = await (await get(`${url}/invites/${SEEDED.bob.id}`)).text();
    expect(page).toContain("<h1>Bob, finance <span class=\"badge status-accepted\">accepted</span>");
    expect(page).toContain("bob@example.com");
    expect(page.match(/<li class="snapshot"/g)).toHaveLength(2);
    expect(page).toContain('<span class="first">first observation</span>');
    expect(page).toMatch(/<th scope="row">status<\/th><td class="old">pending<\/td><td class="arrow" aria-label="became">→<\/td><td class="new">accepted<\/td>/);
    expect(page).toMatch(/<td>accepted<\/td><td><span class="badge alert-(delivered|failed)">/);
    expect((await get(`${url}/invites/${"0".repeat(32)}`)).status).toBe(404);
    expect((await get(`${url}/invites/not-an-id`)).status).toBe(404);
    // Broken percent-encoding is no id either: a 404, not a 503 that blames the database.
    expect((await get(`${url}/invites/%E0`)).status).toBe(404);
  });

  it("shows the outbox with failed alerts and their reasons first", async () => {
    const page = await (await get(`${url}/outbox`)).text();
    const failed = page.indexOf('<h2 id="failed">');
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(page.indexOf('<h2 id="pending">'));
    expect(page.slice(failed, page.indexOf('<h2 id="pending">'))).toContain("invalid_payload");
  });

  it("shows the budget: the share, what was spent, and no pause", async () => {
    const page = await (await get(`${url}/budget`)).text();
    expect(page).toMatch(/<strong>\d+<\/strong> polls in the last minute, of a share of <strong>600000.0<\/strong>\/min \(100% of 100000 requests per 10s\)/);
    expect(page).toMatch(/<h2>Pause in force<\/h2>\n<p>none<\/p>/);
    expect(page).toMatch(/<td>invite<\/td><td>\d+<\/td>/);
  });

  it("is read-only: any other method is refused, and nothing changed", async () => {
    const before = await h.db.trackedInvite.findMany({ orderBy: { id: "asc" } });
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      expect((await fetch(`${url}/`, { method })).status).toBe(405);
      expect((await fetch(`${url}/invites/${SEEDED.alice.id}`, { method })).status).toBe(405);
    }
    expect(await h.db.trackedInvite.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});

describe("STATUS_PAGE=on with STATUS_PAGE_TOKEN", () => {
  let url: string;
  beforeAll(async () => {
    url = await serve({ STATUS_PAGE: "on", STATUS_PAGE_TOKEN: PAGE_TOKEN });
  });

  it("refuses every page without the token: a 401 login form, and none of the data", async () => {
    for (const path of ["/", `/invites/${SEEDED.alice.id}`, "/outbox", "/budget", "/?status=pending"]) {
      const response = await get(`${url}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="invite-monitor status page"');
      const body = await response.text();
      expect(body).toContain('<form class="login" method="post" action="/login">');
      expect(body).not.toContain("alice@example.com");
      expect(body).not.toContain(SEEDED.alice.label);
      expect(body).not.toContain("Acme");
    }
    expect((await get(`${url}/`, { authorization: "Bearer wrong-token" })).status).toBe(401);
    expect((await get(`${url}/`, { cookie: "invite_monitor_status=forged" })).status).toBe(401);
  });

  it("takes the token as a bearer header", async () => {
    const response = await get(`${url}/`, { authorization: `Bearer ${PAGE_TOKEN}` });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain("alice@example.com");
    expect(body).not.toContain("No STATUS_PAGE_TOKEN is set");
  });

  it("logs in through the form with a cookie that is not the token, sends it back only to this site, and logs out", async () => {
    const login = (token: string, next: string) =>
      fetch(`${url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token, next }).toString() });
    const wrong = await login("not-it", "/outbox");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).toContain("That is not the token.");

    const right = await login(PAGE_TOKEN, "/outbox");
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/outbox");
    const cookie = right.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^invite_monitor_status=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=2592000$/);
    expect(cookie).not.toContain(PAGE_TOKEN);
    const session = cookie.split(";")[0]!;
    const page = await get(`${url}/outbox`, { cookie: session });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("invalid_payload");

    // A next that leaves the site is replaced by "/".
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/invites/\u{1F5D1}é"]) {
      expect((await login(PAGE_TOKEN, next)).headers.get("location")).toBe("/");
    }
    const logout = await fetch(`${url}/logout`, { method: "POST", redirect: "manual", headers: { cookie: session } });
    expect(logout.headers.get("set-cookie")).toMatch(/^invite_monitor_status=; .*Max-Age=0/);
  });

  it("never shows a secret: not the page token, the Cloudflare token, nor the database or Redis URL", async () => {
    const auth = { authorization: `Bearer ${PAGE_TOKEN}` };
    const pages = await Promise.all(["/", `/invites/${SEEDED.erin.id}`, "/outbox", "/budget", "/login"].map(async (p) => (await get(`${url}${p}`, auth)).text()));
    for (const page of pages) {
      for (const secret of [PAGE_TOKEN, TOKEN, h.config.databaseUrl, h.config.redisUrl]) expect(page).not.toContain(secret);
    }
  });
});
