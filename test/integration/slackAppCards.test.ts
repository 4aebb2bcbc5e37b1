// The Slack app mode: one living message (card) per invite, edited to each new state, with the history as
// replies in its thread. Real Postgres, Redis and BullMQ; Slack is the Web API simulator, reached by the official
// @slack/web-api client through SLACK_API_URL.
import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { purgeInvites, untrackInvites, WITHHELD_REASON } from "../../src/storage/untrackInvites.js";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { deliverAll, headerOf, shown } from "../helpers/slackApp.js";
import { waitUntil } from "../helpers/waitUntil.js";

let h: Harness;
afterEach(async () => h?.close());

const HOUR = 3_600_000;
const EXPIRES = new Date("2026-12-04T12:00:00Z");

async function poll(monitor: ReturnType<Harness["monitor"]>): Promise<void> {
  await monitor.sweepOnce();
  await monitor.drain();
}

describe("one living message per invite", () => {
  it("pending → expiring (24h) → accepted: one top-level card showing accepted, and two replies in its thread", async () => {
    h = await startHarness({ slackApp: { postIntervalMs: 40, updateIntervalMs: 50 }, env: { EXPIRY_THRESHOLDS: "24h", SLACK_SEND_INTERVAL: "50ms" } });
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id, { invited_member_email: "alice@example.com" }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await poll(monitor);
    expect(await h.db.alert.count()).toBe(0);

    h.clock.set(EXPIRES.getTime() - 23 * HOUR);
    await poll(monitor);
    await deliverAll(monitor, h.db, h.clock);
    const [card] = h.slackApi!.messages();
    expect(headerOf(card!)).toBe("⏳ Pending: expires in 23 hours");
    expect(shown(card!)).toContain("alice@example.com");

    h.sim.updateInvite(id, { status: "accepted" });
    h.clock.set(EXPIRES.getTime() - 2 * HOUR);
    await poll(monitor);
    await deliverAll(monitor, h.db, h.clock);

    const top = h.slackApi!.messages();
    expect(top).toHaveLength(1);
    expect(top[0]!.ts).toBe(card!.ts);
    expect(headerOf(top[0]!)).toBe("✅ Accepted");
    expect(shown(top[0]!)).toContain("*Status:* accepted (final)");
    expect(top[0]!.versions).toHaveLength(2);
    const thread = h.slackApi!.thread(card!.ts);
    expect(thread.map((m) => m.text.split(" · ")[0])).toEqual(["⏰ still pending, 23 hours before expiry (24h warning, expires <!date^1796385600^{date_short_pretty} {time}|2026-12-04 12:00 UTC>)", "✅ pending → accepted, 2 hours before expiry"]);
    expect(h.slackApi!.calls.map((c) => `${c.method}${c.threadTs ? " (reply)" : ""} ${c.ok ? "ok" : c.error}`)).toEqual([
      "chat.postMessage ok",
      "chat.postMessage (reply) ok",
      "chat.update ok",
      "chat.postMessage (reply) ok",
    ]);

    const stored = await h.db.slackCard.findUniqueOrThrow({ where: { inviteId: id } });
    expect(stored).toMatchObject({ channel: h.slackApi!.channel, ts: card!.ts });
    const alerts = await h.db.alert.findMany({ orderBy: { id: "asc" } });
    expect(alerts.map((a) => [a.kind, a.status, a.slackTs])).toEqual([
      ["expiring", "delivered", thread[0]!.ts],
      ["accepted", "delivered", thread[1]!.ts],
    ]);
    expect(stored.shownAlertId).toBe(alerts[1]!.id);
  });
});

/** Tracks the invites, sees them pending once, then sees them accepted: one "accepted" alert each. */
async function acceptAll(monitor: ReturnType<Harness["monitor"]>, ids: readonly string[]): Promise<void> {
  for (const id of ids) h.sim.setInvite(inviteFixture(id, { invited_member_email: `${id.slice(-2)}@example.com` }));
  await h.track(ids);
  await monitor.start(["worker"]);
  await poll(monitor);
  for (const id of ids) h.sim.updateInvite(id, { status: "accepted" });
  h.clock.advance(HOUR);
  await poll(monitor);
}

describe("cards that go missing, bursts and routing", () => {
  it("posts a new card when the old one was deleted (message_not_found), stores its ts, and threads the reply under it", async () => {
    h = await startHarness({ slackApp: true, env: { EXPIRY_THRESHOLDS: "24h", SLACK_SEND_INTERVAL: "50ms" } });
    const id = inviteId(7);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    h.clock.set(EXPIRES.getTime() - 23 * HOUR);
    await poll(monitor);
    await deliverAll(monitor, h.db, h.clock);
    const [deleted] = h.slackApi!.messages();
    h.slackApi!.deleteMessage(deleted!.ts);
    expect(h.slackApi!.messages()).toHaveLength(0);

    h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(HOUR);
    await poll(monitor);
    await deliverAll(monitor, h.db, h.clock);

    const [card, ...others] = h.slackApi!.messages();
    expect(others).toHaveLength(0);
    expect(card!.ts).not.toBe(deleted!.ts);
    expect(headerOf(card!)).toBe("✅ Accepted");
    expect((await h.db.slackCard.findUniqueOrThrow({ where: { inviteId: id } })).ts).toBe(card!.ts);
    expect(h.slackApi!.thread(card!.ts).map((m) => m.text.split(",")[0])).toEqual(["✅ pending → accepted"]);
    expect(h.slackApi!.calls.slice(2).map((c) => `${c.method}${c.threadTs ? " (reply)" : ""} ${c.ok ? "ok" : c.error}`)).toEqual([
      "chat.update message_not_found",
      "chat.postMessage ok",
      "chat.postMessage (reply) ok",
    ]);
    expect((await h.db.alert.findMany()).every((a) => a.status === "delivered")).toBe(true);
  });

  it("stops posting new cards for a card that keeps vanishing: the alert fails with the reason once it has taken 10 calls", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "30ms" } });
    // Every card is taken, every reply in its thread is answered thread_not_found.
    h.slackApi!.script("chat.postMessage", ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? {} : { error: "thread_not_found" })));
    const monitor = h.monitor();
    await acceptAll(monitor, [inviteId(9)]);
    await deliverAll(monitor, h.db, h.clock);

    expect(await h.db.alert.findFirstOrThrow()).toMatchObject({ status: "failed", attempts: 12, lastError: "chat.postMessage: thread_not_found" });
    expect(h.slackApi!.calls.filter((c) => c.method === "chat.postMessage" && !c.threadTs)).toHaveLength(6);
  });

  it("announces a burst with one digest, then still brings every invite's card to its final state", async () => {
    h = await startHarness({ slackApp: { postIntervalMs: 30 }, env: { SLACK_SEND_INTERVAL: "40ms", SLACK_DIGEST_THRESHOLD: "5" } });
    const ids = Array.from({ length: 8 }, (_, i) => inviteId(0x10 + i));
    const monitor = h.monitor();
    await acceptAll(monitor, ids);
    await deliverAll(monitor, h.db, h.clock);

    const [digest, ...cards] = h.slackApi!.messages();
    expect(digest!.text).toBe("8 invite updates: 8 accepted");
    for (const id of ids) expect(shown(digest!)).toContain(id);
    expect(cards).toHaveLength(8);
    for (const id of ids) {
      const mine = cards.filter((c) => c.text.includes(id));
      expect(mine, id).toHaveLength(1);
      expect(headerOf(mine[0]!)).toBe("✅ Accepted");
      expect(h.slackApi!.thread(mine[0]!.ts)).toHaveLength(1);
    }
    expect(h.slackApi!.calls.filter((c) => !c.ok)).toEqual([]);
    const alerts = await h.db.alert.findMany();
    expect(alerts.every((a) => a.status === "delivered" && a.digestedAt !== null)).toBe(true);
  });

  it("sends an invite with a channel of its own (tracked_invite.slack_channel) there, the others to SLACK_CHANNEL", async () => {
    h = await startHarness({ slackApp: { channels: ["C0SIMULATE1", "C0ROUTED01"] }, env: { SLACK_SEND_INTERVAL: "50ms" } });
    const [plain, routed] = [inviteId(0x21), inviteId(0x22)] as [string, string];
    const monitor = h.monitor();
    await h.db.trackedInvite.createMany({ data: [{ id: routed, slackChannel: "C0ROUTED01", nextCheckAt: h.clock() }] });
    await acceptAll(monitor, [plain, routed]);
    await deliverAll(monitor, h.db, h.clock);

    const home = h.slackApi!.messages("C0SIMULATE1");
    const away = h.slackApi!.messages("C0ROUTED01");
    expect(home.map((m) => m.text)).toEqual([expect.stringContaining(plain)]);
    expect(away.map((m) => m.text)).toEqual([expect.stringContaining(routed)]);
    expect(h.slackApi!.thread(away[0]!.ts, "C0ROUTED01")).toHaveLength(1);
    expect(await h.db.slackCard.findUniqueOrThrow({ where: { inviteId: routed } })).toMatchObject({ channel: "C0ROUTED01", ts: away[0]!.ts });
  });

  it("posts an operations alert (credentials) as one message in SLACK_CHANNEL, with no card", async () => {
    h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms" } });
    await insertAlerts(h.sql, [credentialsAlert("credentials_rejected", "incident-1", "HTTP 403 from /user/tokens/verify", h.clock())], h.clock());
    const monitor = h.monitor();
    await deliverAll(monitor, h.db, h.clock);

    const [message, ...others] = h.slackApi!.messages();
    expect(others).toHaveLength(0);
    expect(headerOf(message!)).toBe("🔑 Cloudflare rejected the credentials");
    expect(await h.db.slackCard.count()).toBe(0);
    expect(await h.db.alert.findFirstOrThrow()).toMatchObject({ status: "delivered", slackTs: message!.ts });
  });

  it("an invite purged while its card is on the way to Slack holds nothing up: the next invite's card follows", async () => {
    const ids = [inviteId(0x31), inviteId(0x32)];
    // The first card's answer comes late; its invite is purged (untrack --purge) while it is on the way.
    const { monitor, first, inFlight: purged } = await firstCardInFlight(ids);
    const next = ids.find((id) => id !== purged)!;
    expect(await purgeInvites(h.db, [purged])).toMatchObject({ invites: 1 });
    await first;
    await deliverAll(monitor, h.db, h.clock);

    expect(await h.db.slackCard.findMany({ select: { inviteId: true } })).toEqual([{ inviteId: next }]);
    const cardOfNext = h.slackApi!.messages().find((m) => m.text.includes(next));
    expect(headerOf(cardOfNext!)).toBe("✅ Accepted");
    expect(await h.db.alert.findMany({ select: { inviteId: true, status: true } })).toEqual([{ inviteId: next, status: "delivered" }]);
  });

  it("an invite untracked while its card is on the way keeps its alert withheld, with the reason", async () => {
    const { monitor, first, inFlight: untracked } = await firstCardInFlight([inviteId(0x41), inviteId(0x42)]);
    await untrackInvites(h.db, [untracked], h.clock());
    await first;
    await deliverAll(monitor, h.db, h.clock);

    // Slack did take the card; the alert stays what untrack made it: withheld, and said why (alerts, retry --failed).
    expect(await h.db.alert.findFirstOrThrow({ where: { inviteId: untracked }, select: { status: true, lastError: true } })).toEqual({ status: "failed", lastError: WITHHELD_REASON });
  });
});

/** Two accepted invites in the app mode; the first card's post is answered late: returns while it is on the way. */
async function firstCardInFlight(ids: string[]) {
  h = await startHarness({ slackApp: true, env: { SLACK_SEND_INTERVAL: "50ms" } });
  const monitor = h.monitor();
  await acceptAll(monitor, ids);
  h.slackApi!.script("chat.postMessage", { delayMs: 1_500 });
  const first = monitor.notifyOnce();
  await waitUntil(() => h.slackApi!.calls.length === 1);
  return { monitor, first, inFlight: ids.find((id) => h.slackApi!.calls[0]!.text?.includes(id))! };
}
