import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { spawnDaemon, type DaemonProcess } from "../helpers/daemonProcess.js";
import { waitUntil } from "../helpers/waitUntil.js";
import { inviteId, liveInviteFixture, TOKEN } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

let database: TestDatabase;
let sim: CloudflareSimulator;
let daemons: DaemonProcess[] = [];
let prefix: string;
afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
  daemons = [];
  await sim?.close();
  const redis = new Redis(inject("redisUrl"));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database?.drop();
});

describe("acceptance 7, as real processes: two daemons, each a scheduler and a worker", () => {
  it("polls each invite once per cycle, stores each change once, and stops cleanly on SIGTERM", async () => {
    database = await createTestDatabase();
    sim = await startCloudflareSimulator({ auth: { token: TOKEN } });
    prefix = `imtest-${randomBytes(5).toString("hex")}`;
    const ids = Array.from({ length: 10 }, (_, i) => inviteId(i + 1));
    for (const id of ids) sim.setInvite(liveInviteFixture(id));
    await trackInvites(database.db, ids.map((id) => ({ id, label: null, source: "test" })), new Date());

    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: prefix,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_BASE_URL: sim.baseUrl,
      CLOUDFLARE_RATE_LIMIT: "1000",
      CLOUDFLARE_RATE_WINDOW: "1s",
      CLOUDFLARE_BUDGET_SHARE: "1",
      POLL_INTERVAL: "2s",
      POLL_JITTER: "0",
      SWEEP_INTERVAL: "200ms",
      // Per-id polling is what is counted here; the list would observe the invites too (listObservation.test.ts).
      CLOUDFLARE_LIST: "off",
      LOG_LEVEL: "info",
      HTTP_PORT: "0",
    };
    daemons = [spawnDaemon(["start"], env), spawnDaemon(["start"], env)];
    await Promise.all(daemons.map((d) => d.waitForLog("invite-monitor started")));

    await waitUntil(() => ids.every((id) => sim.requestsFor(id).length >= 1));
    const flipped = ids.slice(0, 5);
    for (const id of flipped) sim.updateInvite(id, { status: "accepted" });
    await waitUntil(() => ids.every((id) => sim.requestsFor(id).length >= 3) || flipped.every((id) => sim.requestsFor(id).length >= 2));
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const codes = await Promise.all(daemons.map((d) => d.stop("SIGTERM")));
    expect(codes, daemons.map((d) => d.output()).join("\n")).toEqual([0, 0]);

    for (const id of ids) {
      const times = sim.requestsFor(id).map((r) => r.at).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gap between polls of ${id}`).toBeGreaterThan(1_500);
    }
    for (const id of flipped) expect(sim.requestsFor(id)).toHaveLength(2);
    const counts = await database.db.snapshot.groupBy({ by: ["inviteId"], _count: true });
    for (const { inviteId: id, _count } of counts) expect(_count).toBe(flipped.includes(id) ? 2 : 1);
  });
});
