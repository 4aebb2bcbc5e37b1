// npm run demo [-- --follow] [-- --slack-app]: the whole product in about a minute, on this machine's Postgres and Redis, with no
// Cloudflare account and no Slack workspace. A local Cloudflare simulator plays a timeline of invite changes; the
// real daemon (`invite-monitor start`, as a child process) polls it, and a local Slack webhook prints what a
// channel would receive. Only the URLs and the intervals differ from production.
import { spawn, spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { startCloudflareSimulator } from "../src/simulator/cloudflareSimulator.js";
import { parseScenario, playScenario } from "../src/simulator/scenario.js";
import { startSlackSimulator } from "../src/simulator/slackSimulator.js";
import { startDemoCards } from "./demoCards.js";
import { createDb } from "../src/storage/db.js";
import { ensureDatabase } from "../src/storage/ensureDatabase.js";
import { deployMigrations, pendingMigrations } from "../src/storage/migrations.js";

const follow = process.argv.includes("--follow");
// A Slack app instead of a webhook: one living card per invite, its history in the thread.
const slackApp = process.argv.includes("--slack-app");
const SEND_INTERVAL_MS = 300;
const DATABASE_URL = process.env.DEMO_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/invite_monitor_demo";
const REDIS_URL = process.env.DEMO_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = "invite-monitor-demo";
const TOKEN = "demo-token-not-a-real-secret";
const DEADLINE_MS = 90_000;
const ids = {
  accepted: "a0000000000000000000000000000001",
  rejected: "b0000000000000000000000000000002",
  expiring: "c0000000000000000000000000000003",
  expiredByApi: "d0000000000000000000000000000004",
  gone: "e0000000000000000000000000000005",
};
const person = (name: string, role: string) => ({
  invited_member_id: null,
  organization_id: "023e105f4ecef8ad9ca31a8372d0c353",
  organization_name: "Acme Corp",
  invited_by: "ops-lead@acme.example",
  invited_member_email: `${name}@acme.example`,
  invited_on: new Date().toISOString(),
  organization_is_enforcing_twofactor: true,
  roles: [role],
  status: "pending",
});

const started = Date.now();
const stamp = () => `[${String(Math.floor((Date.now() - started) / 1000)).padStart(2, "0")}s]`;
const say = (text: string) => process.stdout.write(`${stamp()} ${text}\n`);

await checkServices();
say("preparing the demo database (invite_monitor_demo) ...");
await ensureDatabase(DATABASE_URL);
const db = createDb(DATABASE_URL);
if ((await pendingMigrations(db)).length > 0 && deployMigrations(DATABASE_URL, { quiet: true }) !== 0) {
  fail(`applying the migrations failed: run \`DATABASE_URL=${DATABASE_URL} npm run db:migrate\` to see why`);
}
await db.$executeRawUnsafe("TRUNCATE tracked_invite, snapshot, alert, slack_card CASCADE");
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const stale = await redis.keys(`${PREFIX}:*`);
if (stale.length > 0) await redis.del(...stale);

const cloudflare = await startCloudflareSimulator({ auth: { token: TOKEN } });
const seen = new Map<string, number>();
const cards = slackApp ? await startDemoCards(SEND_INTERVAL_MS, say) : null;
const slack = await startSlackSimulator({
  onMessage: (message) => {
    if (message.status !== 200) return;
    say(`SLACK  ${message.text}`);
    const count = (kind: string, n = 1) => seen.set(kind, (seen.get(kind) ?? 0) + n);
    // Alerts that come due together arrive as one digest: "3 invite updates: 1 accepted, 2 expiring".
    const digest = /^\d+ invite updates?[^:]*: (.+)$/.exec(message.text);
    if (digest) for (const [, n, kind] of digest[1]!.matchAll(/(\d+) (\w+)/g)) count(kind === "expiring" ? "expires" : kind!, Number(n));
    else for (const kind of ["accepted", "rejected", "expired", "gone", "expires"]) if (message.text.includes(kind === "expires" ? "expires" : `Invite ${kind}`)) count(kind);
  },
});
const scenario = parseScenario(
  {
    invites: [
      { id: ids.accepted, ...person("alice", "Administrator"), expires_in: "7d" },
      { id: ids.rejected, ...person("bob", "Billing"), expires_in: "7d" },
      { id: ids.expiring, ...person("carol", "DNS"), expires_in: "45s" },
      { id: ids.expiredByApi, ...person("dave", "Analytics"), expires_in: "7d" },
      { id: ids.gone, ...person("erin", "Firewall"), expires_in: "7d" },
    ],
    timeline: [
      { at: "6s", invite: ids.accepted, respond: { status: 503 } },
      { at: "10s", invite: ids.accepted, set: { status: "accepted" } },
      { at: "14s", invite: ids.rejected, set: { status: "rejected" } },
      { at: "18s", respond: { status: 429, retryAfter: 2 } },
      { at: "20s", invite: ids.expiredByApi, set: { status: "expired" } },
      { at: "26s", invite: ids.gone, remove: true },
    ],
  },
  "demo scenario",
);
// The invites now; their timeline once the daemon has seen each of them (below), so a slow start (a cold tsx cache
// on a fresh clone, a busy machine) cannot make it meet an invite already changed, which would raise nothing.
playScenario(cloudflare, { ...scenario, timeline: [] }, new Date());
say(`Cloudflare simulator on ${cloudflare.baseUrl}; ${cards ? `Slack Web API simulator (a Slack app, channel ${cards.sim.channel})` : "Slack webhook simulator"} ready.`);

say("registering 5 invites through the seed script ...");
const seed = spawnSync(process.execPath, ["--import", "tsx", "prisma/seed.ts"], {
  env: { ...process.env, DATABASE_URL, INVITE_IDS: Object.values(ids).join(",") },
  encoding: "utf8",
});
if (seed.status !== 0) fail(`the seed script failed:\n${seed.stderr}`);
say(seed.stdout.trim());

const daemon = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "start"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: {
    PATH: process.env.PATH ?? "",
    DATABASE_URL,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: cloudflare.baseUrl,
    ...(cards ? { SLACK_BOT_TOKEN: cards.sim.token, SLACK_CHANNEL: cards.sim.channel, SLACK_API_URL: cards.sim.apiUrl } : { SLACK_WEBHOOK_URL: slack.webhookUrl }),
    POLL_INTERVAL: "3s",
    POLL_JITTER: "0",
    SWEEP_INTERVAL: "500ms",
    FAILURE_BACKOFF: "2s",
    EXPIRY_THRESHOLDS: "30s,10s",
    SLACK_SEND_INTERVAL: `${SEND_INTERVAL_MS}ms`,
    HTTP_PORT: "0",
    LOG_LEVEL: "warn",
    // Run by npm (npm run demo): the daemon then stops by itself if this script is killed outright.
    ...(process.env.npm_lifecycle_event ? { npm_lifecycle_event: process.env.npm_lifecycle_event } : {}),
  },
});
const firstSeenBy = Date.now() + 60_000;
while (Number((await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM tracked_invite WHERE effective_status IS NOT NULL`)[0]!.n) < 5) {
  if (daemon.exitCode !== null || Date.now() > firstSeenBy) fail("the daemon did not observe the 5 invites within 60 s");
  await new Promise((resolve) => setTimeout(resolve, 200));
}
playScenario(cloudflare, { ...scenario, invites: [] }, new Date());
say(`daemon started (invite-monitor start) and has seen every invite: ${cards ? "each invite's card and its thread appear below as they change" : "the alerts a Slack channel would receive appear below"}.\n`);

const kinds = ["accepted", "rejected", "expires", "expired", "gone"];
const counts = cards?.seen ?? seen;
const allSeen = () => kinds.every((k) => (counts.get(k) ?? 0) > 0) && (counts.get("expired") ?? 0) >= 2;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if ((!follow && allSeen()) || Date.now() - started > (follow ? Infinity : DEADLINE_MS) || daemon.exitCode !== null) {
      clearInterval(timer);
      resolve();
    }
  }, 200);
  // Ctrl-C, or a SIGTERM to `npm run demo`: stop the daemon and print the summary either way.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      clearInterval(timer);
      resolve();
    });
  }
});

await new Promise((resolve) => setTimeout(resolve, 500));
daemon.kill("SIGTERM");
await new Promise((resolve) => daemon.once("exit", resolve));
const invites = await db.trackedInvite.findMany({ orderBy: { id: "asc" } });
const alerts = await db.alert.groupBy({ by: ["kind", "status"], _count: { _all: true } });
process.stdout.write(`\nSummary after ${Math.round((Date.now() - started) / 1000)}s\n\n`);
process.stdout.write(table(["INVITE", "EMAIL", "API STATUS", "EFFECTIVE", "SNAPSHOTS"], await Promise.all(invites.map(async (i) => [
  i.id, i.invitedMemberEmail ?? "-", i.apiStatus ?? "-", i.effectiveStatus ?? "-", String(await db.snapshot.count({ where: { inviteId: i.id } })),
]))));
process.stdout.write(`\n${table(["ALERT", "STATUS", "COUNT"], alerts.map((a) => [a.kind, a.status, String(a._count._all)]))}\n`);
if (cards) process.stdout.write(`${table(["CARD OF INVITE", "SHOWS NOW", "REPLIES"], cards.rows())}\n`);
await Promise.all([cloudflare.close(), slack.close(), cards?.sim.close(), redis.quit(), db.$disconnect()]);
if (!follow && !allSeen()) fail(`not every alert kind was seen within ${DEADLINE_MS / 1000}s (seen: ${[...counts.keys()].join(", ") || "none"})`);
process.stdout.write(
  cards
    ? "\nOne card per invite, each edited to its final state, with every change in its thread: accepted, rejected, expiring, expired (by the API and by the date) and gone.\n"
    : "\nEvery alert kind was delivered: accepted, rejected, expiring, expired (by the API and by the date) and gone.\n",
);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}

async function checkServices(): Promise<void> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    fail(`Redis is not reachable at ${REDIS_URL}. Start it with: docker compose up -d postgres redis`);
  } finally {
    probe.disconnect();
  }
  try {
    await ensureDatabase(DATABASE_URL);
  } catch (error) {
    fail(`Postgres is not reachable at ${new URL(DATABASE_URL).host} (${(error as Error).message}). Start it with: docker compose up -d postgres redis`);
  }
}

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}
