// Webhooks have no idempotency key: when Slack may have taken a message but no answer came back, sending it again
// may show it twice. Such sends are retried (never lost) and counted; every other failure retries without a count.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { slackAnswers, type SlackAnswer } from "../../src/simulator/slackSimulator.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { startHarness, type Harness } from "../helpers/harness.js";
import { readMetric } from "../helpers/prometheusText.js";

let h: Harness;
afterEach(async () => h?.close());

const AMBIGUOUS = "invite_monitor_alerts_ambiguous_total";

async function ambiguousCount(monitor: ReturnType<Harness["monitor"]>): Promise<number> {
  return readMetric(monitor.metrics.registry, AMBIGUOUS);
}

async function raiseOne(): Promise<void> {
  await insertAlerts(h.sql, [credentialsAlert("credentials_rejected", "incident-1", "the-one-alert", h.clock())], h.clock());
}

/** A port nothing listens on: a connection to it is refused before any byte of the request is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("a send whose outcome Slack never told us", () => {
  it.each<{ name: string; fault: SlackAnswer; outcome: string; ambiguous: number; firstStatus: number }>([
    { name: "a timeout after the request was sent", fault: slackAnswers.hang(), outcome: "ambiguous", ambiguous: 1, firstStatus: 0 },
    { name: "a connection reset after the request was sent", fault: slackAnswers.reset(), outcome: "ambiguous", ambiguous: 1, firstStatus: 0 },
    { name: "a 500 (Slack said it did not post)", fault: slackAnswers.serverError(), outcome: "retry", ambiguous: 0, firstStatus: 500 },
  ])("$name: sent again until delivered, counted as ambiguous $ambiguous time(s)", async ({ fault, outcome, ambiguous, firstStatus }) => {
    h = await startHarness({ slack: true, env: { SLACK_TIMEOUT: "300ms", SLACK_RETRY_BACKOFF: "5s" } });
    h.slack!.script(fault);
    await raiseOne();
    const monitor = h.monitor();

    expect((await monitor.notifyOnce()).outcome).toBe(outcome);
    const waiting = await h.db.alert.findFirstOrThrow();
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    expect(waiting.lastError).not.toBeNull();
    h.clock.advance(5_000);
    expect((await monitor.notifyOnce()).outcome).toBe("delivered");

    expect(h.slack!.received.map((m) => m.status)).toEqual([firstStatus, 200]);
    // The same message both times: if Slack had posted the first, the channel shows it twice.
    expect(h.slack!.received.every((m) => m.text.includes("the-one-alert"))).toBe(true);
    expect(await h.db.alert.findFirstOrThrow()).toMatchObject({ status: "delivered", attempts: 2, lastError: null });
    expect(await ambiguousCount(monitor)).toBe(ambiguous);
  });

  it("a refused connection reached nobody: retried, not counted as ambiguous", async () => {
    const port = await closedPort();
    h = await startHarness({ env: { SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T0/B0/refused`, SLACK_TIMEOUT: "300ms" } });
    await raiseOne();
    const monitor = h.monitor();

    expect((await monitor.notifyOnce()).outcome).toBe("retry");
    const alert = await h.db.alert.findFirstOrThrow();
    expect(alert).toMatchObject({ status: "pending", attempts: 1 });
    expect(alert.lastError).toContain("ECONNREFUSED");
    expect(await ambiguousCount(monitor)).toBe(0);
  });
});
