import { afterEach, describe, expect, it } from "vitest";
import { createMonitor } from "../../src/daemon/createMonitor.js";
import { startHttpServer } from "../../src/http/startHttpServer.js";
import { recordObservations } from "../../src/polling/recordObservations.js";
import { createDb } from "../../src/storage/db.js";
import { createSqlPool } from "../../src/storage/sqlPool.js";
import { startHarness, inviteFields, inviteFixture, inviteId, type Harness } from "../helpers/harness.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheusText.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy.js";

let h: Harness;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await h?.close();
});

/** A proxy in front of the harness's database, so Postgres can be taken away from one monitor only. */
async function proxied(): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(h.database.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  cleanups.push(() => proxy.close());
  return { proxy, url: proxy.through(h.database.url) };
}

const samples = (text: string, name: string) => parsePrometheusText(text).filter((s) => s.name === name);

describe("/metrics reads memory, not Postgres", () => {
  it("has no sample before a reading, shows the background reading, and stays up (stale, with its timestamp) while Postgres is down", async () => {
    h = await startHarness();
    await h.track([1, 2, 3].map(inviteId));
    const { proxy, url } = await proxied();
    const sql = createSqlPool(url, 2, () => {});
    const db = createDb(sql);
    const monitor = createMonitor({ config: h.config, db, sql, redis: h.redis, logger: h.logs.logger, clock: h.clock });
    const http = await startHttpServer({ host: "127.0.0.1", port: 0, registry: monitor.metrics.registry, checks: {} });
    cleanups.push(() => sql.end(), () => db.$disconnect(), () => monitor.stop(), () => http.close());
    const scrape = async () => {
      const response = await fetch(`${http.url}/metrics`);
      expect(response.status).toBe(200);
      return response.text();
    };

    // Nothing read yet: absent, never a zero that reads as "no invites" or "quota exhausted".
    let text = await scrape();
    for (const name of ["invite_monitor_invites", "invite_monitor_oldest_overdue_seconds", "invite_monitor_cloudflare_remaining_requests", "invite_monitor_postgres_read_timestamp_seconds"]) {
      expect(samples(text, name), name).toHaveLength(0);
    }

    await monitor.refreshGauges();
    const readAt = h.clock().getTime() / 1000;
    text = await scrape();
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_invites", { effective_status: "unchecked" })).toBe(3);
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_postgres_read_timestamp_seconds", {})).toBe(readAt);

    proxy.refuse();
    h.clock.advance(60_000);
    await monitor.refreshGauges();
    text = await scrape();
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_invites", { effective_status: "unchecked" })).toBe(3);
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_postgres_read_timestamp_seconds", {})).toBe(readAt);
  });

  it("reports each quota of a multi-item Ratelimit header once one has been read", async () => {
    h = await startHarness({ simulator: { rateLimit: { limit: 1_000, windowMs: 60_000, burst: { limit: 50, windowMs: 5_000 } } } });
    const id = inviteId(1);
    h.sim.setInvite(inviteFixture(id));
    await h.track([id]);
    const monitor = h.monitor();
    await monitor.start(["worker"]);
    await monitor.sweepOnce();
    await monitor.drain();
    const text = await monitor.metrics.registry.metrics();
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_cloudflare_remaining_requests", { quota: "default" })).toBe(999);
    expect(sampleValue(parsePrometheusText(text), "invite_monitor_cloudflare_remaining_requests", { quota: "burst" })).toBe(49);
  });
});

describe("the pool's limits", () => {
  it("a half-open connection fails the write instead of hanging it, and the next write gets a fresh connection", async () => {
    h = await startHarness();
    const id = inviteId(4);
    await h.track([id]);
    const { proxy, url } = await proxied();
    const sql = createSqlPool(url, 1, () => {}, { statementMs: 1_000, queryMs: 1_500, connectMs: 1_500 });
    cleanups.push(() => sql.end());
    const settings = { intervalMs: 900_000, jitter: 0, failureBackoffMs: 30_000, expiryThresholdsMs: [3_600_000], random: () => 0 };
    const observation = { kind: "invite" as const, fields: inviteFields("pending"), payload: inviteFixture(id) };
    await recordObservations(sql, [{ inviteId: id, observation, now: h.clock() }], settings);

    proxy.freeze();
    h.clock.advance(60_000);
    const started = Date.now();
    const hung = recordObservations(sql, [{ inviteId: id, observation, now: h.clock() }], settings);
    const outcome = await Promise.race([hung.then(() => "written", () => "failed"), new Promise((resolve) => setTimeout(() => resolve("still hanging"), 10_000))]);
    expect(outcome).toBe("failed");
    expect(Date.now() - started).toBeLessThan(5_000);

    proxy.heal();
    await recordObservations(sql, [{ inviteId: id, observation, now: h.clock() }], settings);
    expect((await h.db.trackedInvite.findUniqueOrThrow({ where: { id } })).lastCheckedAt).toEqual(h.clock());
  });
});
