import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { answers } from "../../src/simulator/cloudflareSimulator.js";
import { startHarness, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { notifyUntilIdle } from "../helpers/notify.js";

let h: Harness;
afterEach(async () => h?.close());

const HOUR = 3_600_000;

async function cycle(monitor: ReturnType<Harness["monitor"]>): Promise<void> {
  await monitor.sweepOnce();
  await monitor.drain();
  await notifyUntilIdle(monitor);
}

const allText = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;

describe("acceptance 1: one Slack message per transition", () => {
  it("sends accepted, rejected, expired (API), expired (date) and gone once each, and nothing on identical polls", async () => {
    h = await startHarness({ slack: true, env: { SLACK_DIGEST_THRESHOLD: "100", EXPIRY_THRESHOLDS: "1m" } });
    const start = h.clock();
    const [accepted, rejected, expiredByApi, expiredByDate, gone] = [1, 2, 3, 4, 5].map(inviteId) as [string, string, string, string, string];
    for (const id of [accepted, rejected, expiredByApi, gone]) h.sim.setInvite(inviteFixture(id, { invited_member_email: `${id.slice(-1)}@example.com` }));
    h.sim.setInvite(inviteFixture(expiredByDate, { invited_member_email: "4@example.com", expires_on: new Date(start.getTime() + 2 * HOUR).toISOString() }));
    await h.track([accepted, rejected, expiredByApi, expiredByDate, gone]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    await cycle(monitor);
    expect(h.slack!.received).toHaveLength(0);

    h.sim.updateInvite(accepted, { status: "accepted" });
    h.sim.updateInvite(rejected, { status: "rejected" });
    h.sim.updateInvite(expiredByApi, { status: "expired" });
    h.sim.removeInvite(gone);
    h.clock.set(start.getTime() + 3 * HOUR);
    await cycle(monitor);
    // "Gone" needs a second 404, FAILURE_BACKOFF later, while Cloudflare answers the other requests normally.
    h.clock.advance(30_000);
    await cycle(monitor);

    const messages = h.slack!.delivered();
    expect(messages).toHaveLength(5);
    const expectations: Array<[string, string, string]> = [
      [accepted, "Invite accepted", "pending → accepted"],
      [rejected, "Invite rejected", "pending → rejected"],
      [expiredByApi, "Invite expired", "pending → expired"],
      [expiredByDate, "Invite expired", "pending → expired"],
      [gone, "Invite gone", "pending → gone"],
    ];
    for (const [id, title, change] of expectations) {
      const mine = messages.filter((m) => m.text.includes(id));
      expect(mine, id).toHaveLength(1);
      const body = allText(mine[0]!);
      expect(body).toContain(title);
      expect(body).toContain(change);
      expect(body).toContain(`${id.slice(-1)}@example.com`);
      expect(body).toContain("Example Org");
      expect(body).toContain("Account Administrator");
    }
    const rows = await h.db.alert.findMany();
    expect(rows.every((r) => r.status === "delivered")).toBe(true);

    // Nothing changes any more: final invites are not polled, and identical answers raise nothing.
    h.clock.advance(HOUR);
    await cycle(monitor);
    expect(h.slack!.received).toHaveLength(5);
  });
});

describe("without SLACK_WEBHOOK_URL", () => {
  it("writes each alert to the log in readable form and marks it delivered", async () => {
    h = await startHarness();
    const id = inviteId(3);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await cycle(monitor);
    h.sim.updateInvite(id, { status: "rejected" });
    h.clock.advance(HOUR);
    await cycle(monitor);

    const lines = h.logs.entries().filter((e) => e.msg.startsWith("ALERT "));
    expect(lines.map((e) => e.msg)).toEqual([`ALERT ❌ Invite rejected: new.member@example.com to Example Org (pending → rejected) [${id}]`]);
    expect((await h.db.alert.findFirstOrThrow()).status).toBe("delivered");
  });
});

describe("acceptance 2: expiring thresholds", () => {
  it("sends one message at each of 72h, 24h and 1h, and re-arms them when the invite is re-sent", async () => {
    h = await startHarness({ slack: true, env: { POLL_INTERVAL: "12h" } });
    const start = h.clock().getTime();
    const id = inviteId(9);
    const firstExpiry = new Date(start + 80 * HOUR);
    h.sim.setInvite(inviteFixture(id, { expires_on: firstExpiry.toISOString() }));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);

    const expiring = () => h.slack!.delivered().filter((m) => m.text.includes("expires"));
    const pollAt = async (t: number) => {
      h.clock.set(t);
      await cycle(monitor);
    };
    await pollAt(start);
    expect(expiring()).toHaveLength(0);
    await pollAt(firstExpiry.getTime() - 72 * HOUR);
    expect(expiring().map((m) => m.text)).toEqual([expect.stringContaining("expires in 3 days")]);
    await pollAt(firstExpiry.getTime() - 50 * HOUR);
    expect(expiring()).toHaveLength(1);
    await pollAt(firstExpiry.getTime() - 24 * HOUR);
    expect(expiring()).toHaveLength(2);
    expect(expiring()[1]!.text).toContain("expires in 24 hours");
    await pollAt(firstExpiry.getTime() - 1 * HOUR);
    expect(expiring()).toHaveLength(3);
    expect(expiring()[2]!.text).toContain("expires in 1 hour");

    // Re-sent: a later expires_on arms every threshold again.
    const secondExpiry = new Date(firstExpiry.getTime() + 7 * 24 * HOUR);
    h.sim.updateInvite(id, { expires_on: secondExpiry.toISOString() });
    await pollAt(firstExpiry.getTime() - 30 * 60_000);
    expect(expiring()).toHaveLength(3);
    await pollAt(secondExpiry.getTime() - 72 * HOUR);
    expect(expiring()).toHaveLength(4);
    expect(h.slack!.received).toHaveLength(4);
  });
});

describe("acceptance 5: bursts become a digest", () => {
  it("sends one digest naming all 20 invites instead of 20 messages", async () => {
    h = await startHarness({ slack: true, env: { SLACK_DIGEST_THRESHOLD: "5" } });
    const ids = Array.from({ length: 20 }, (_, i) => inviteId(100 + i));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await cycle(monitor);

    for (const id of ids) h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(HOUR);
    await cycle(monitor);

    const messages = h.slack!.delivered();
    expect(messages).toHaveLength(1);
    const body = allText(messages[0]!);
    for (const id of ids) expect(body).toContain(id);
    expect(messages[0]!.text).toContain("20 invite updates");
    expect(await h.db.alert.count({ where: { status: "delivered" } })).toBe(20);
  });
});

describe("a queue of alerts does not wait at Slack's pace", () => {
  it("sends a few fresh alerts one by one, but several that already waited a send interval as one digest", async () => {
    h = await startHarness({ slack: true, env: { SLACK_DIGEST_THRESHOLD: "5", SLACK_SEND_INTERVAL: "1s" } });
    const ids = Array.from({ length: 6 }, (_, i) => inviteId(200 + i));
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await cycle(monitor);

    // Three transitions, sent as soon as they are recorded: one message each.
    for (const id of ids.slice(0, 3)) h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(HOUR);
    await cycle(monitor);
    expect(h.slack!.delivered().map((m) => ids.filter((id) => allText(m).includes(id)).length)).toEqual([1, 1, 1]);

    // Three more, but the notifier gets to them a send interval late: one digest naming all three.
    for (const id of ids.slice(3)) h.sim.updateInvite(id, { status: "rejected" });
    h.clock.advance(HOUR);
    await monitor.sweepOnce();
    await monitor.drain();
    h.clock.advance(1_000);
    await notifyUntilIdle(monitor);
    const last = h.slack!.delivered().slice(3);
    expect(last).toHaveLength(1);
    for (const id of ids.slice(3)) expect(allText(last[0]!)).toContain(id);
    expect(await h.db.alert.count({ where: { status: "delivered" } })).toBe(6);
  });
});

describe("acceptance 6: muting and the credentials alert", () => {
  it("records a muted invite's change but raises nothing", async () => {
    h = await startHarness({ slack: true });
    const [muted, loud] = [inviteId(1), inviteId(2)];
    for (const id of [muted, loud]) h.sim.setInvite(inviteFixture(id));
    await h.track([muted, loud]);
    const cli = (args: string[]) =>
      runCli(args, { stdout: () => {}, stderr: () => {}, stdin: process.stdin, env: { DATABASE_URL: h.database.url }, clock: h.clock });
    expect(await cli(["mute", muted.toUpperCase()])).toBe(0);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await cycle(monitor);

    for (const id of [muted, loud]) h.sim.updateInvite(id, { status: "accepted" });
    h.clock.advance(HOUR);
    await cycle(monitor);

    expect(await h.db.snapshot.count({ where: { inviteId: muted } })).toBe(2);
    expect(await h.db.alert.count({ where: { inviteId: muted } })).toBe(0);
    expect(h.slack!.delivered().map((m) => m.text)).toEqual([expect.stringContaining(loud)]);
  });

  it("alerts once when Cloudflare rejects the credentials, and once when it accepts them again", async () => {
    h = await startHarness({ slack: true, env: { CLOUDFLARE_AUTH_RETRY: "300ms", WORKER_CONCURRENCY: "2" } });
    const ids = [inviteId(1), inviteId(2), inviteId(3)];
    for (const id of ids) h.sim.setInvite(inviteFixture(id));
    h.sim.script("*", answers.unauthorized(401), answers.unauthorized(401), answers.unauthorized(403), answers.unauthorized(401));
    await h.track(ids);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.sweepOnce();
    await monitor.drain({ timeoutMs: 20_000 });
    await notifyUntilIdle(monitor);

    const texts = h.slack!.delivered().map((m) => m.text);
    expect(texts.filter((t) => t.includes("Cloudflare rejected the credentials"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("Cloudflare accepts the credentials again"))).toHaveLength(1);
    expect(h.slack!.received).toHaveLength(2);
  });
});
