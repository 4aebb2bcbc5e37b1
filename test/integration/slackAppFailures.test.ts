// The Slack app mode keeps the outbox's guarantees: permanent refusals are failed alerts with their reason
// (`invite-monitor alerts`) until `alerts retry`; 429s wait for Retry-After through our own pacing (the client
// neither retries nor queues); chat.postMessage and chat.update keep to Slack's paces across processes.
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { makeSlackAppCheck } from "../../src/notifier/slackAppCheck.js";
import type { SlackApiSimulator } from "../../src/simulator/slackApiSimulator.js";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { readMetric } from "../helpers/prometheusText.js";
import { startLoginPage } from "../helpers/loginPage.js";
import { deliverAll, headerOf } from "../helpers/slackApp.js";
import { waitUntil } from "../helpers/waitUntil.js";

let h: Harness;
afterEach(async () => h?.close());

const HOUR = 3_600_000;

async function cli(args: string[]) {
  let stdout = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: () => {}, stdin: process.stdin, env: { DATABASE_URL: h.database.url }, clock: h.clock });
  return { code, stdout };
}

async function poll(monitor: ReturnType<Harness["monitor"]>): Promise<void> {
  await monitor.sweepOnce();
  await monitor.drain();
}

/** Tracks the invites, sees them pending, then `status`: one alert each, ready to deliver. */
async function transition(monitor: ReturnType<Harness["monitor"]>, ids: readonly string[], status = "accepted"): Promise<void> {
  for (const id of ids) h.sim.setInvite(inviteFixture(id));
  await h.track(ids);
  await monitor.start(["worker"]);
  await poll(monitor);
  for (const id of ids) h.sim.updateInvite(id, { status });
  h.clock.advance(HOUR);
  await poll(monitor);
}

const OTHER = "C0NOWHERE1";
const routeTo = (channel: string | null) => h.db.trackedInvite.updateMany({ data: { slackChannel: channel } });

describe("permanent refusals", () => {
  it.each<{ code: string; hint: string; refuse: (s: SlackApiSimulator) => Promise<unknown> | void; fix: (s: SlackApiSimulator) => Promise<unknown> | void }>([
    { code: "token_revoked", hint: "reinstall it and update SLACK_BOT_TOKEN", refuse: (s) => s.revokeToken("token_revoked"), fix: (s) => s.restoreToken() },
    { code: "account_inactive", hint: "deactivated", refuse: (s) => s.revokeToken("account_inactive"), fix: (s) => s.restoreToken() },
    { code: "invalid_auth", hint: "check SLACK_BOT_TOKEN", refuse: (s) => s.revokeToken("invalid_auth"), fix: (s) => s.restoreToken() },
    { code: "channel_not_found", hint: "check SLACK_CHANNEL", refuse: () => routeTo(OTHER), fix: () => routeTo(null) },
    { code: "not_in_channel", hint: "chat:write.public", refuse: (s) => s.leave(s.channel), fix: (s) => s.join(s.channel) },
  ])("$code marks the alerts failed with the reason, shown by `alerts`, and `alerts retry` delivers them once fixed", async ({ code, hint, refuse, fix }) => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms" } });
    const ids = [inviteId(1), inviteId(2)];
    const monitor = h.monitor();
    await transition(monitor, ids);
    await refuse(h.slackApi!);
    await deliverAll(monitor, h.db, h.clock);

    const failed = await h.db.alert.findMany({ orderBy: { id: "asc" } });
    expect(failed.map((a) => a.status)).toEqual(["failed", "failed"]);
    for (const a of failed) {
      expect(a.lastError).toContain(`chat.postMessage: ${code}`);
      expect(a.lastError).toContain(hint);
      expect(a.lastError).not.toContain(h.slackApi!.token);
    }
    expect(h.slackApi!.messages()).toHaveLength(0);
    // The bot token is a secret: it is in no row and no log line (the test's logger does not mask it).
    expect(h.logs.lines.join("\n")).not.toContain(h.slackApi!.token);
    const listing = await cli(["alerts", "--status", "failed"]);
    expect(listing.stdout.match(new RegExp(`accepted\\s+failed\\s.*chat\\.postMessage: ${code}`, "g"))).toHaveLength(2);

    await fix(h.slackApi!);
    expect((await cli(["alerts", "retry", "--failed"])).stdout).toContain("2 failed alerts queued");
    await deliverAll(monitor, h.db, h.clock);
    expect((await h.db.alert.findMany()).map((a) => a.status)).toEqual(["delivered", "delivered"]);
    const cards = h.slackApi!.messages();
    expect(cards).toHaveLength(2);
    for (const card of cards) {
      expect(headerOf(card)).toBe("✅ Accepted");
      expect(h.slackApi!.thread(card.ts)).toHaveLength(1);
    }
  });
});

describe("Slack's limits", () => {
  it("waits out a 429's Retry-After (2 s) before the next chat.postMessage, with no retry behind our back", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms" } });
    h.slackApi!.script("chat.postMessage", { status: 429, retryAfter: 2 });
    const monitor = h.monitor();
    await transition(monitor, [inviteId(3)]);
    await deliverAll(monitor, h.db, h.clock);

    const [limited, card, reply, ...rest] = h.slackApi!.calls;
    expect(rest).toEqual([]);
    expect([limited!.status, card!.status, reply!.status]).toEqual([429, 200, 200]);
    expect(card!.at - limited!.at).toBeGreaterThanOrEqual(1_950);
    expect(await h.db.alert.findFirstOrThrow()).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("paces chat.postMessage per channel and chat.update by its tier across two notifier processes: no 429", async () => {
    // The simulator answers 429 to a post less than 200 ms after the channel's last, and to an update less than
    // 240 ms after the last: Slack's 1/s and Tier 3, scaled by SLACK_SEND_INTERVAL=200ms.
    h = await startHarness({ slackApp: { postIntervalMs: 200, updateIntervalMs: 240 }, env: { SLACK_SEND_INTERVAL: "200ms", EXPIRY_THRESHOLDS: "24h", SLACK_DIGEST_THRESHOLD: "10" } });
    const ids = [inviteId(4), inviteId(5), inviteId(6)];
    const expires = new Date(h.clock().getTime() + 30 * HOUR).toISOString();
    for (const id of ids) h.sim.setInvite(inviteFixture(id, { expires_on: expires }));
    await h.track(ids);
    const worker = h.monitor();
    await worker.start(["worker"]);
    await poll(worker);
    h.clock.advance(7 * HOUR);
    await poll(worker);
    for (const id of ids) h.sim.updateInvite(id, { status: "rejected" });
    h.clock.advance(HOUR);
    await poll(worker);
    expect(await h.db.alert.count()).toBe(6);
    const [one, two] = [h.monitor(), h.monitor()];
    await Promise.all([one.start(["notifier"]), two.start(["notifier"])]);
    await waitUntil(async () => (await h.db.alert.count({ where: { status: "delivered" } })) === 6, 20_000);

    const calls = h.slackApi!.calls;
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    const gaps = (method: string) => calls.filter((c) => c.method === method).map((c, i, all) => (i === 0 ? Infinity : c.at - all[i - 1]!.at));
    expect(Math.min(...gaps("chat.postMessage"))).toBeGreaterThanOrEqual(200);
    expect(Math.min(...gaps("chat.update"))).toBeGreaterThanOrEqual(240);
    const cards = h.slackApi!.messages();
    expect(cards).toHaveLength(3);
    for (const card of cards) {
      expect(headerOf(card)).toBe("❌ Rejected");
      expect(h.slackApi!.thread(card.ts)).toHaveLength(2);
    }
  });

  /** Ticks, moving the injected clock past each retry's backoff, until every alert is delivered. */
  async function deliverThroughRetries(monitor: ReturnType<Harness["monitor"]>, total: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await h.db.alert.count({ where: { status: "delivered" } })) < total && Date.now() < deadline) {
      await monitor.notifyOnce();
      h.clock.advance(1_000);
    }
  }
  const ambiguousCount = (monitor: ReturnType<Harness["monitor"]>) => readMetric(monitor.metrics.registry, "invite_monitor_alerts_ambiguous_total");

  it("sends a reply again when Slack took it but no answer came, and counts it as ambiguous (the second duplicate window)", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms", SLACK_TIMEOUT: "300ms", SLACK_RETRY_BACKOFF: "10ms" } });
    const monitor = h.monitor();
    await transition(monitor, [inviteId(8)]);
    // The card post is answered; the reply is taken by Slack and never answered.
    h.slackApi!.script("chat.postMessage", {}, { hang: true });
    await deliverThroughRetries(monitor, 1);

    const [card, ...others] = h.slackApi!.messages();
    expect(others).toEqual([]);
    expect(h.slackApi!.thread(card!.ts)).toHaveLength(2);
    expect(await ambiguousCount(monitor)).toBe(1);
    expect(await h.db.alert.findFirstOrThrow()).toMatchObject({ status: "delivered" });
  });

  it("edits a card again when an edit got no answer, without counting it: an edit sent twice shows once", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms", SLACK_TIMEOUT: "300ms", SLACK_RETRY_BACKOFF: "10ms", EXPIRY_THRESHOLDS: "24h" } });
    const id = inviteId(9);
    h.sim.setInvite(inviteFixture(id, { expires_on: new Date(h.clock().getTime() + 20 * HOUR).toISOString() }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await poll(monitor);
    await deliverThroughRetries(monitor, 1);
    h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(HOUR);
    await poll(monitor);
    h.slackApi!.script("chat.update", { hang: true });
    await deliverThroughRetries(monitor, 2);

    const [card, ...others] = h.slackApi!.messages();
    expect(others).toEqual([]);
    expect(headerOf(card!)).toBe("✅ Accepted");
    expect(h.slackApi!.calls.filter((c) => c.method === "chat.update").map((c) => c.status)).toEqual([0, 200]);
    expect(h.slackApi!.thread(card!.ts)).toHaveLength(2);
    expect(await ambiguousCount(monitor)).toBe(0);
  });

  it("stores no card for an ok answer without a ts: the post counts as ambiguous and is made again", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms", SLACK_RETRY_BACKOFF: "10ms" } });
    const id = inviteId(10);
    const monitor = h.monitor();
    await transition(monitor, [id]);
    h.slackApi!.script("chat.postMessage", { omit: ["ts"] });
    await deliverThroughRetries(monitor, 1);

    const card = await h.db.slackCard.findUniqueOrThrow({ where: { inviteId: id } });
    expect(card.ts).toBe(h.slackApi!.calls.find((c) => c.ok && c.ts)!.ts);
    expect(h.slackApi!.thread(card.ts)).toHaveLength(1);
    expect(await ambiguousCount(monitor)).toBe(1);
  });

  it("never follows a redirect: a SLACK_API_URL that redirects to a login page fails the alert, naming the variable", async () => {
    const loginPage = await startLoginPage();
    try {
      h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms" } });
      const monitor = h.monitor();
      await transition(monitor, [inviteId(11)]);
      h.slackApi!.script("chat.postMessage", { status: 302, headers: { location: loginPage.url } });
      await deliverAll(monitor, h.db, h.clock);

      const alert = await h.db.alert.findFirstOrThrow();
      expect(alert.status).toBe("failed");
      expect(alert.lastError).toMatch(/^chat\.postMessage: HTTP 302 .*check SLACK_API_URL/);
      expect(loginPage.visits()).toBe(0);
      expect(await h.db.slackCard.count()).toBe(0);
    } finally {
      await loginPage.close();
    }
  });
});

describe("/readyz in the Slack app mode", () => {
  it("reports Slack refusing the token, reusing each auth.test verdict for a while", async () => {
    h = await startHarness({ slackApp: true });
    const check = makeSlackAppCheck(h.config, { clock: h.clock, verdictMs: 15_000 })!;
    await check.readiness();
    h.slackApi!.revokeToken();
    await check.readiness();
    h.clock.advance(15_000);
    await expect(check.readiness()).rejects.toThrow(/^Slack: auth\.test: token_revoked \(the token was revoked/);
    expect(h.slackApi!.calls.map((c) => `${c.method} ${c.ok ? "ok" : c.error}`)).toEqual(["auth.test ok", "auth.test token_revoked"]);
    h.slackApi!.restoreToken();
    h.clock.advance(15_000);
    await check.readiness();
  });
});
