// `invite-monitor check <id>`: one poll now, through the poll queue (the shared budget and pause), recorded like any
// poll, with what changed. With a worker connected it is that worker's job; without one, the CLI runs one and stops it.
import { afterEach, describe, expect, it } from "vitest";
import { answers } from "../../src/simulator/cloudflareSimulator.js";
import { runCliIn } from "../helpers/cli.js";
import { freePort } from "../helpers/ownRedis.js";
import { inviteFixture, inviteId, startHarness, TOKEN, type Harness } from "../helpers/harness.js";

const A = inviteId(0xa);
const NOW = "2026-11-28T12:00:00.000Z";
let h: Harness;
afterEach(async () => h?.close());

async function setUp(): Promise<void> {
  h = await startHarness({ env: { CLOUDFLARE_LIST: "off" }, now: NOW });
  h.sim.setInvite(inviteFixture(A));
  await h.track([A]);
}

function cli(args: string[], env: Record<string, string> = {}) {
  return runCliIn(
    {
      DATABASE_URL: h.config.databaseUrl,
      REDIS_URL: h.config.redisUrl,
      QUEUE_PREFIX: h.config.queuePrefix,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_BASE_URL: h.sim.baseUrl,
      CLOUDFLARE_RATE_LIMIT: "100000",
      CLOUDFLARE_RATE_WINDOW: "10s",
      CLOUDFLARE_BUDGET_SHARE: "1",
      CLOUDFLARE_LIST: "off",
      POLL_JITTER: "0",
      ...env,
    },
    args,
  );
}

const row = () => h.db.trackedInvite.findUniqueOrThrow({ where: { id: A } });
/** The check jobs the poll queue completed: proof that the poll went through the queue and its limiter. */
const checkJobs = async () => (await h.redis.zrange(`${h.config.queuePrefix}:poll:completed`, 0, -1)).filter((id) => id.startsWith(`check-${A}-`));

describe("check", () => {
  it("with no worker connected, runs one, polls through the queue, records the first observation, and stops it", async () => {
    await setUp();
    const result = await cli(["check", A]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(`${A}: first observation: pending, expires 2026-12-04 12:00Z (in 6 days)\n  next check: 2026-11-28 12:15Z (in 15 minutes)\n`);
    expect(await row()).toMatchObject({ effectiveStatus: "pending", lastCheckedAt: new Date(NOW), nextCheckAt: new Date("2026-11-28T12:15:00Z") });
    expect(await h.db.snapshot.count({ where: { inviteId: A } })).toBe(1);
    expect(h.sim.requestsFor(A)).toHaveLength(1);
    expect(await checkJobs()).toHaveLength(1);
    // The CLI's worker is gone with it.
    expect(await h.monitor().queues.poll.getWorkersCount()).toBe(0);
  });

  it("with a worker connected, leaves the poll to it, and reports the change and the end of polling", async () => {
    await setUp();
    const daemon = h.monitor();
    await daemon.start(["worker"]);
    await daemon.sweepOnce();
    await daemon.drain();
    h.sim.updateInvite(A, { status: "accepted" });
    const json = await cli(["check", A, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: A,
      outcome: "invite",
      result: "changed",
      status: "accepted",
      changes: [{ field: "apiStatus", old: "pending", new: "accepted" }, { field: "effectiveStatus", old: "pending", new: "accepted" }],
      nextCheckAt: null,
      ranOwnWorker: false,
    });
    expect(await row()).toMatchObject({ effectiveStatus: "accepted", active: false });
    expect(await h.db.alert.count({ where: { inviteId: A, kind: "accepted" } })).toBe(1);
    expect(await checkJobs()).toHaveLength(1);
  });

  it("says what changed in words a person reads", async () => {
    await setUp();
    await cli(["check", A]);
    h.sim.updateInvite(A, { status: "rejected", organization_name: "Renamed Org" });
    const result = await cli(["check", A]);
    expect(result.stdout).toBe(`${A}: rejected\n  changed: API status: pending → rejected; status: pending → rejected; organization: Example Org → Renamed Org\n  no longer polled: rejected is final\n`);
  });

  it("reports a failed poll, recorded with its backoff", async () => {
    await setUp();
    h.sim.script(A, answers.serverError(502));
    const result = await cli(["check", A]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${A}: the poll failed \\(1 in a row\\): .*502.*\n  next check: 2026-11-28 12:00Z \\(in 30 seconds\\)\n$`));
    expect(await row()).toMatchObject({ consecutiveFailures: 1, effectiveStatus: null });
  });

  it("waits out a pause in force, as every poll does", async () => {
    await setUp();
    await h.monitor().pollPause.extend(1_500);
    const started = Date.now();
    const result = await cli(["check", A]);
    expect(result.code).toBe(0);
    expect(h.sim.requestsFor(A)[0]!.at - started).toBeGreaterThanOrEqual(1_400);
  });

  it("refuses to queue behind a pause longer than its timeout, and changes nothing", async () => {
    await setUp();
    await h.monitor().pollPause.extend(600_000);
    const result = await cli(["check", A, "--timeout", "5s"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: every poll worker is paused for another 10m (Cloudflare asked us to wait, or the credentials or base URL were refused: see /readyz); nothing was queued, try again later\n");
    expect(await h.monitor().queues.poll.getJobCounts("waiting", "active", "delayed", "prioritized", "completed")).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0 });
    expect((await row()).lastCheckedAt).toBeNull();
  });

  it.each([
    { name: "an invalid id", args: () => ["check", "xyz"], stderr: 'invite-monitor: "xyz" is not an invite id (expected 32 hexadecimal characters, e.g. 4f5f0c14a2a41d5063dd301b2f829f04)\n' },
    { name: "an unknown id", args: () => ["check", inviteId(0xdead)], stderr: `invite-monitor: invite ${inviteId(0xdead)} is not tracked (add it with: invite-monitor track ${inviteId(0xdead)})\n` },
    { name: "a bare --timeout", args: () => ["check", A, "--timeout", "30"], stderr: "error: option '--timeout <duration>' argument '30' is invalid. Expected a duration from 1s to 1h, such as 30s or 5m.\n" },
    { name: "a --timeout over an hour", args: () => ["check", A, "--timeout", "2h"], stderr: "error: option '--timeout <duration>' argument '2h' is invalid. Expected a duration from 1s to 1h, such as 30s or 5m.\n" },
  ])("refuses $name before any request, and changes nothing", async ({ args, stderr }) => {
    await setUp();
    const result = await cli(args());
    expect(result).toEqual({ code: 1, stdout: "", stderr });
    expect(h.sim.requests).toHaveLength(0);
    expect((await row()).lastCheckedAt).toBeNull();
  });

  it.each([
    {
      name: "a wrong token",
      env: (): Record<string, string> => ({ CLOUDFLARE_API_TOKEN: "not-the-daemons-token-0123456789" }),
      stderr: /^invite-monitor: Cloudflare rejected this command's credentials \(CLOUDFLARE_API_TOKEN\): .+; nothing was queued\n$/,
    },
    {
      name: "a wrong base URL",
      env: (): Record<string, string> => ({ CLOUDFLARE_BASE_URL: h.sim.baseUrl.replace("/client/v4", "/client/v3") }),
      stderr: /^invite-monitor: Cloudflare answers 404 to GET \/user\/tokens\/verify: check CLOUDFLARE_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\/client\/v3\); nothing was queued\n$/,
    },
  ])("with no worker connected, refuses $name in this shell before its worker runs: no incident, no pause, no alert", async ({ env, stderr }) => {
    await setUp();
    const result = await cli(["check", A], env());
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toContain("not-the-daemons-token");
    // Before the fix its own worker opened an incident: a 🔑 alert that no daemon would close, and every worker paused.
    expect(await h.db.alert.count()).toBe(0);
    expect(await h.redis.keys(`${h.config.queuePrefix}:cf-incident:*`)).toEqual([]);
    expect(h.sim.requestsFor(A)).toHaveLength(0);
    expect(await h.monitor().queues.poll.getJobCounts("waiting", "active", "delayed", "prioritized", "completed")).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0 });
    expect((await row()).lastCheckedAt).toBeNull();
    // The daemon's polls go on at once: the probe held the queue off for one request's gap, not an incident's pause.
    expect(await h.monitor().pollPause.remainingMs()).toBeLessThan(1_000);
  });

  it("says so when Redis cannot be reached, without its password, and changes nothing", async () => {
    await setUp();
    const port = await freePort();
    const result = await cli(["check", A], { REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` });
    expect(result).toEqual({ code: 1, stdout: "", stderr: `invite-monitor: cannot reach Redis at 127.0.0.1:${port}; check REDIS_URL, and that Redis is running\n` });
    expect(h.sim.requests).toHaveLength(0);
  });

  it("refuses an untracked or a final invite: it is not polled, so a request would record nothing", async () => {
    await setUp();
    await cli(["untrack", A]);
    expect(await cli(["check", A])).toEqual({ code: 1, stdout: "", stderr: `invite-monitor: invite ${A} is untracked, so it is not polled; track it again first: invite-monitor track ${A}\n` });
    await cli(["track", A]);
    h.sim.updateInvite(A, { status: "accepted" });
    await cli(["check", A]);
    const requests = h.sim.requests.length;
    expect(await cli(["check", A])).toEqual({ code: 1, stdout: "", stderr: `invite-monitor: invite ${A} is accepted, a final status: it is no longer polled (see: invite-monitor history ${A})\n` });
    expect(h.sim.requests).toHaveLength(requests);
  });
});

describe("untrack stops polling", () => {
  it("the sweep no longer queues an untracked invite, and a poll already queued records nothing", async () => {
    await setUp();
    const monitor = h.monitor();
    await monitor.queues.poll.add("poll", { inviteId: A, dueAt: 1 }, { jobId: "queued-before-untrack" });
    expect((await cli(["untrack", A])).code).toBe(0);
    expect(await monitor.sweepOnce()).toEqual({ queued: 0 });
    await monitor.start(["worker"]);
    await monitor.drain();
    expect(await row()).toMatchObject({ lastCheckedAt: null, effectiveStatus: null, active: false });
    expect(await h.db.snapshot.count()).toBe(0);
    expect(await h.db.alert.count()).toBe(0);
  });
});
