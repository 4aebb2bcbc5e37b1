import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { runCli } from "../../src/cli/program.js";
import { slackAnswers } from "../../src/simulator/slackSimulator.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { startHarness, type Harness } from "../helpers/harness.js";
import { startLoginPage } from "../helpers/loginPage.js";
import { notifyUntilIdle } from "../helpers/notify.js";
import { waitUntil } from "../helpers/waitUntil.js";

let h: Harness;
afterEach(async () => h?.close());

/** Puts alerts straight into the outbox, as a poll would have. */
async function raise(count: number): Promise<void> {
  const drafts = Array.from({ length: count }, (_, i) => credentialsAlert("credentials_rejected", `incident-${i}`, `test alert ${i}`, h.clock()));
  await insertAlerts(h.sql, drafts, h.clock());
}

async function cli(args: string[]) {
  let stdout = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: () => {}, stdin: process.stdin, env: { DATABASE_URL: h.database.url }, clock: h.clock });
  return { code, stdout };
}

describe("acceptance 3: Slack failures", () => {
  it("retries 500, 500 with backoff and marks the alert delivered after the 200, sending it no more", async () => {
    h = await startHarness({ slack: true, env: { SLACK_RETRY_BACKOFF: "5s" } });
    h.slack!.script(slackAnswers.serverError(), slackAnswers.serverError());
    await raise(1);
    const monitor = h.monitor();

    expect((await monitor.notifyOnce()).outcome).toBe("retry");
    expect((await monitor.notifyOnce()).outcome).toBe("idle");
    h.clock.advance(5_000);
    expect((await monitor.notifyOnce()).outcome).toBe("retry");
    h.clock.advance(9_999);
    expect((await monitor.notifyOnce()).outcome).toBe("idle");
    h.clock.advance(1);
    expect((await monitor.notifyOnce()).outcome).toBe("delivered");
    h.clock.advance(60 * 60_000);
    await notifyUntilIdle(monitor);

    expect(h.slack!.received.map((m) => m.status)).toEqual([500, 500, 200]);
    const alert = await h.db.alert.findFirstOrThrow();
    expect(alert).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
  });

  it("sends nothing to the webhook for 2 s after a 429 with Retry-After: 2", async () => {
    h = await startHarness({ slack: true, env: { SLACK_SEND_INTERVAL: "50ms", SLACK_DIGEST_THRESHOLD: "100" } });
    h.slack!.script(slackAnswers.rateLimited(2));
    await raise(3);
    const monitor = h.monitor();
    await monitor.start(["notifier"]);

    const deadline = Date.now() + 15_000;
    while (h.slack!.delivered().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const [limited, ...rest] = h.slack!.received;
    expect(limited!.status).toBe(429);
    expect(rest.map((m) => m.status)).toEqual([200, 200, 200]);
    expect(rest[0]!.at - limited!.at).toBeGreaterThanOrEqual(1_950);
    // Slack's 200 arrives before the row is marked: wait for the mark, not just the message.
    await waitUntil(async () => (await h.db.alert.count({ where: { status: "delivered" } })) === 3);
    expect(h.slack!.received).toHaveLength(4);
  });

  it("backs off from 429s without Retry-After with the one backoff rule: 1 s, then 2 s, and 1 s again after a 200", async () => {
    h = await startHarness({ slack: true });
    h.slack!.script(slackAnswers.rateLimited(), slackAnswers.rateLimited());
    await raise(1);
    const monitor = h.monitor();
    // The pause lives in Redis, in real time: tick until the next message goes out, as the notifier's schedule would.
    const sendNext = async () => {
      const before = h.slack!.received.length;
      const deadline = Date.now() + 10_000;
      while (h.slack!.received.length === before && Date.now() < deadline) {
        if ((await monitor.notifyOnce()).outcome === "paused") await new Promise((r) => setTimeout(r, 20));
      }
    };
    await sendNext();
    await sendNext();
    await sendNext();
    // A 200 ends the run of 429s: the next 429 without Retry-After pauses for the first step again.
    h.slack!.script(slackAnswers.rateLimited());
    await insertAlerts(h.sql, [credentialsAlert("credentials_restored", "incident-0", "test alert again", h.clock())], h.clock());
    await sendNext();
    await sendNext();

    const received = h.slack!.received;
    expect(received.map((m) => m.status)).toEqual([429, 429, 200, 429, 200]);
    const gaps = received.slice(1).map((m, i) => m.at - received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    expect(gaps[0]).toBeLessThan(1_900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_950);
    expect(gaps[3]).toBeGreaterThanOrEqual(950);
    expect(gaps[3]).toBeLessThan(1_900);
    expect(await h.db.alert.count({ where: { status: "delivered" } })).toBe(2);
  });

  it("marks an alert failed on 404 no_service, shows it in `alerts`, and sends it again on `alerts retry`", async () => {
    h = await startHarness({ slack: true });
    h.slack!.script(slackAnswers.noService());
    await raise(1);
    const monitor = h.monitor();
    await notifyUntilIdle(monitor);

    const failed = await h.db.alert.findFirstOrThrow();
    expect(failed).toMatchObject({ status: "failed", lastError: "HTTP 404: no_service" });
    const listing = await cli(["alerts"]);
    expect(listing.stdout).toMatch(/credentials_rejected\s+failed\s+-.*HTTP 404: no_service/);
    const json = JSON.parse((await cli(["alerts", "--json", "--status", "failed"])).stdout) as Array<{ id: number; status: string }>;
    expect(json).toEqual([expect.objectContaining({ id: failed.id, status: "failed" })]);
    // The webhook URL is a secret: it is in no error and no log line.
    expect(failed.lastError).not.toContain("services");
    expect(h.logs.lines.join("\n")).not.toContain(h.slack!.webhookUrl);

    expect((await cli(["alerts", "retry", "--failed"])).stdout).toContain("1 failed alert queued");
    await notifyUntilIdle(monitor);
    expect(h.slack!.received.map((m) => m.status)).toEqual([404, 200]);
    expect((await h.db.alert.findFirstOrThrow()).status).toBe("delivered");
  });

  it("never follows a redirect: a webhook URL that redirects to a login page is a failed alert, not a delivery", async () => {
    h = await startHarness({ slack: true });
    const loginPage = await startLoginPage();
    try {
      h.slack!.script({ status: 302, headers: { location: loginPage.url } });
      await raise(1);
      await notifyUntilIdle(h.monitor());

      const alert = await h.db.alert.findFirstOrThrow();
      expect(alert.status).toBe("failed");
      expect(alert.lastError).toMatch(/^HTTP 302\b.*check SLACK_WEBHOOK_URL/);
      expect(loginPage.visits()).toBe(0);
    } finally {
      await loginPage.close();
    }
  });
});
