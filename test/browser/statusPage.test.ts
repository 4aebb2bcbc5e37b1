// The status page in real headless Chromium, on a real daemon (spawned as `invite-monitor start`) with invites
// registered by the seed script and polled from the Cloudflare simulator. A screenshot of each page is written to
// test-output/status-page/. Everything started here is stopped in afterAll, whatever failed.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { slackAnswers, startSlackSimulator, type SlackSimulator } from "../../src/simulator/slackSimulator.js";
import { launchChromium } from "../helpers/browser.js";
import { spawnDaemon, type DaemonProcess } from "../helpers/daemonProcess.js";
import { TOKEN } from "../helpers/harness.js";
import { acceptBob, SEEDED, seedFileText, serveSeeded, type SeededName } from "../helpers/seededInvites.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";
import { waitUntil } from "../helpers/waitUntil.js";

const run = promisify(execFile);
const SHOTS = "test-output/status-page";
const PAGE_TOKEN = `page-${randomBytes(12).toString("hex")}`;
const prefix = `imtest-${randomBytes(5).toString("hex")}`;

let database: TestDatabase | undefined;
let sim: CloudflareSimulator | undefined;
let slack: SlackSimulator | undefined;
let daemon: DaemonProcess | undefined;
let browser: Browser | undefined;
let dir: string | undefined;
const contexts: BrowserContext[] = [];
let url = "";

beforeAll(async () => {
  // First, so that a missing browser fails the file at once, with its own message.
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), "im-browser-"));
  database = await createTestDatabase();
  sim = await startCloudflareSimulator({ auth: { token: TOKEN } });
  slack = await startSlackSimulator();
  // The first message Slack refuses: the outbox has a failed alert and its reason.
  slack.script(slackAnswers.invalidPayload());
  serveSeeded(sim, new Date());

  const file = join(dir, "invites.txt");
  await writeFile(file, seedFileText());
  await run(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--file", file], { env: { PATH: process.env.PATH ?? "", DATABASE_URL: database.url } });

  daemon = spawnDaemon(["start"], {
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    QUEUE_PREFIX: prefix,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    CLOUDFLARE_LIST: "off",
    CLOUDFLARE_RATE_LIMIT: "1000",
    CLOUDFLARE_RATE_WINDOW: "10s",
    CLOUDFLARE_BUDGET_SHARE: "0.5",
    POLL_INTERVAL: "2s",
    POLL_JITTER: "0",
    SWEEP_INTERVAL: "200ms",
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    SLACK_SEND_INTERVAL: "100ms",
    HTTP_PORT: "0",
    STATUS_PAGE: "on",
    STATUS_PAGE_TOKEN: PAGE_TOKEN,
  });
  await daemon.waitForLog("invite-monitor started");
  url = daemon.logs.find((l) => l.msg === "invite-monitor started")!.http as string;

  const db = database.db;
  await waitUntil(async () => (await db.trackedInvite.count({ where: { lastCheckedAt: null } })) === 0);
  acceptBob(sim);
  await waitUntil(async () => (await db.trackedInvite.findUniqueOrThrow({ where: { id: SEEDED.bob.id } })).effectiveStatus === "accepted");
  // One message refused: one alert, or several when they went out together as a digest.
  await waitUntil(async () => (await db.alert.count({ where: { status: "failed" } })) >= 1 && (await db.alert.count({ where: { status: "pending" } })) === 0);
}, 90_000);

afterAll(async () => {
  // Each step on its own: one failing must not leave the others running.
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await daemon?.stop("SIGKILL").catch(() => {});
  await sim?.close().catch(() => {});
  await slack?.close().catch(() => {});
  const redis = new Redis(inject("redisUrl"));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  contexts.push(context);
  return context.newPage();
}

async function logIn(page: Page, path = "/"): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.fill('input[name="token"]', PAGE_TOKEN);
  await Promise.all([page.waitForURL(`${url}${path}`), page.click('button[type="submit"]')]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** The seeded invites the table shows, by name, with the status each row says. */
async function tableRows(page: Page): Promise<Partial<Record<SeededName, string>>> {
  const rows = await page.$$eval("table.invites tbody tr", (trs) => trs.map((tr) => [tr.getAttribute("data-id"), tr.querySelector("td:nth-child(4) .badge")?.textContent ?? ""]));
  const byId = new Map(rows as Array<[string, string]>);
  return Object.fromEntries((Object.keys(SEEDED) as SeededName[]).filter((n) => byId.has(SEEDED[n].id)).map((n) => [n, byId.get(SEEDED[n].id)!]));
}

describe("the status page in Chromium", () => {
  it("refuses a browser without the token: a login form, and none of the invites", async () => {
    const page = await newPage();
    const response = await page.goto(`${url}/`);
    expect(response!.status()).toBe(401);
    expect(await page.isVisible('form.login input[name="token"]')).toBe(true);
    const text = await page.textContent("body");
    for (const s of Object.values(SEEDED)) {
      expect(text).not.toContain(s.label);
      if (s.email) expect(text).not.toContain(s.email);
    }
    await page.fill('input[name="token"]', "not the token");
    await page.click('button[type="submit"]');
    expect(await page.textContent("form.login")).toContain("That is not the token.");
    await shot(page, "login");
  });

  it("lists the seeded invites with the right statuses, after logging in", async () => {
    const page = await newPage();
    await logIn(page);
    expect(await tableRows(page)).toEqual({
      alice: "pending", bob: "accepted", carol: "rejected", dave: "expired", erin: "not checked yet", frank: "not visible",
    });
    expect(await page.textContent(".summary")).toMatch(/6\s+tracked/);
    expect(await page.textContent(".facts")).toContain("Alice (new SRE)");
    // The label with markup is shown as text, and ran nothing.
    expect(await page.textContent(`tr[data-id="${SEEDED.dave.id}"] td:first-child`)).toBe("Dave <script>alert(1)</script>");
    // The refresh switch is the script's: shown with JavaScript on.
    expect(await page.isVisible("#auto-refresh")).toBe(true);
    await shot(page, "invites");
  });

  it("narrows the table by status and by search, with JavaScript off", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await logIn(page);
    expect(await page.isVisible("#auto-refresh")).toBe(false);
    await page.selectOption('select[name="status"]', "accepted");
    await Promise.all([page.waitForURL(/status=accepted/), page.click('form.filter button[type="submit"]')]);
    expect(await tableRows(page)).toEqual({ bob: "accepted" });

    await page.selectOption('select[name="status"]', "");
    await page.fill('input[name="q"]', "acme infra");
    await Promise.all([page.waitForURL(/q=acme/), page.click('form.filter button[type="submit"]')]);
    expect(await tableRows(page)).toEqual({ alice: "pending", carol: "rejected" });
    await shot(page, "invites-filtered");
  });

  it("shows an invite's page with its timeline, old → new per field, and its alerts", async () => {
    const page = await newPage();
    await logIn(page);
    await Promise.all([page.waitForURL(`${url}/invites/${SEEDED.bob.id}`), page.click(`a[href="/invites/${SEEDED.bob.id}"]`)]);
    expect(await page.textContent("h1")).toContain("Bob, finance");
    const snapshots = page.locator("ol.timeline li.snapshot");
    expect(await snapshots.count()).toBe(2);
    expect(await snapshots.nth(0).textContent()).toContain("first observation");
    const change = snapshots.nth(1).locator("table.changes tr", { hasText: /^status/ });
    expect(await change.locator("th").textContent()).toBe("status");
    expect(await change.locator("td.old").textContent()).toBe("pending");
    expect(await change.locator("td.new").textContent()).toBe("accepted");
    expect(await page.textContent("table.alerts")).toContain("accepted");
    expect(await page.textContent(".fields")).toContain("C0FINANCE1");
    await shot(page, "invite");
  });

  it("shows the outbox with the failed alert and its reason first, and the budget", async () => {
    const page = await newPage();
    await logIn(page, "/outbox");
    const headings = await page.$$eval("main h2", (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(["Failed", "Pending", "Recently delivered"]);
    expect(await page.textContent("table.alerts.failed")).toContain("invalid_payload");
    await shot(page, "outbox");

    await page.goto(`${url}/budget`);
    const spent = Number(await page.textContent(".meter-line strong"));
    expect(spent).toBeGreaterThan(0);
    expect(await page.textContent(".meter-line")).toContain("of a share of 3000.0/min (50% of 1000 requests per 10s)");
    await shot(page, "budget");
  });
});
