import { afterEach, describe, expect, it } from "vitest";
import { credentialsAlert } from "../../src/alerts/decideAlerts.js";
import { insertAlerts } from "../../src/storage/alertRows.js";
import { startHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
afterEach(async () => h?.close());

const DAY = 86_400_000;

describe("growth is bounded: the outbox keeps ALERT_RETENTION of settled alerts", () => {
  it("prunes delivered and failed alerts older than the retention, never a pending one, and schedules itself", async () => {
    h = await startHarness({ env: { ALERT_RETENTION: "30d" } });
    const now = h.clock().getTime();
    const add = async (name: string, status: "pending" | "delivered" | "failed", ageDays: number) => {
      const at = new Date(now - ageDays * DAY);
      await insertAlerts(h.sql, [credentialsAlert("credentials_rejected", name, name, at)], at);
      const settled = status === "delivered" ? { deliveredAt: at } : status === "failed" ? { failedAt: at } : {};
      await h.db.alert.updateMany({ where: { dedupKey: `credentials:credentials_rejected:${name}` }, data: { status, ...settled } });
    };
    await add("old-delivered", "delivered", 31);
    await add("old-failed", "failed", 45);
    await add("old-pending", "pending", 400);
    await add("recent-delivered", "delivered", 29);
    await add("recent-failed", "failed", 1);
    const monitor = h.monitor();
    const left = async () => (await h.db.alert.findMany({ orderBy: { id: "asc" } })).map((a) => a.dedupKey.split(":").at(-1));

    expect(await monitor.pruneOnce()).toBe(2);
    expect(await left()).toEqual(["old-pending", "recent-delivered", "recent-failed"]);
    expect(await monitor.pruneOnce()).toBe(0);

    // The scheduler role prunes by itself, once an hour for the whole deployment: one started now does it at once.
    await add("old-again", "delivered", 60);
    await monitor.start(["scheduler"]);
    await expect.poll(left, { timeout: 10_000 }).toEqual(["old-pending", "recent-delivered", "recent-failed"]);
  });
});
