import { got } from "got";
import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { benchConfig, benchDatabase, benchInviteId, clearPrefix, generatedInvite, insertInvites, median, quietLogger, REDIS_URL } from "./benchEnv.js";

export interface PipelineResult {
  invites: number;
  concurrency: number;
  runs: number;
  pipelinePerSecond: number;
  barePerSecond: number;
  ratio: number;
  /** The same invites observed from one GET /user/invites answer: observed invites per second. */
  listPerSecond: number;
  listRatio: number;
  listCpuMsPer1000: number;
  pipelineCpuMsPer1000: number;
  bareCpuMsPer1000: number;
}

/**
 * Row 1: the full pipeline (sweep → queue → poll → diff → transaction → outbox) against a bare loop of got GETs
 * over the same ids, at the same concurrency, against the simulator with no latency and no rate limit. Both run
 * in this process with the simulator, so both CPU figures include the simulator's share.
 */
export async function pipelineOverhead(invites = 5_000, concurrency = 16, runs = 3): Promise<PipelineResult> {
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const ids = Array.from({ length: invites }, (_, i) => benchInviteId(i + 1));
  for (const id of ids) sim.setInvite({ ...generatedInvite(id), id });
  const pipeline: Array<{ perSecond: number; cpuMs: number }> = [];
  const bare: Array<{ perSecond: number; cpuMs: number }> = [];
  const listed: Array<{ perSecond: number; cpuMs: number }> = [];

  for (let run = 0; run < runs; run++) {
    bare.push(await measure(invites, async () => {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          await got(`${sim.baseUrl}/user/invites/${id}`, { headers: { authorization: "Bearer bench-token-0000" }, retry: { limit: 0 } }).text();
        }
      }));
    }));

    const database = await benchDatabase("pipeline");
    await insertInvites(database.db, invites);
    const prefix = `im-bench-pipeline-${run}`;
    await clearPrefix(prefix);
    const redis = createRedis(REDIS_URL);
    const config = benchConfig(database.url, prefix, { CLOUDFLARE_BASE_URL: sim.baseUrl, WORKER_CONCURRENCY: String(concurrency), SWEEP_INTERVAL: "60s", CLOUDFLARE_LIST: "off" });
    const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
    await monitor.start(["worker"]);
    pipeline.push(await measure(invites, async () => {
      await monitor.sweepOnce();
      await monitor.drain({ timeoutMs: 600_000 });
    }));
    const polled = await database.db.trackedInvite.count({ where: { lastCheckedAt: { not: null } } });
    if (polled !== invites) throw new Error(`pipeline polled ${polled} of ${invites}`);
    await monitor.stop();
    await redis.quit();
    await clearPrefix(prefix);
    await database.drop();
    listed.push(await measureList(sim.baseUrl, invites, run));
  }
  await sim.close();

  const pipelinePerSecond = median(pipeline.map((r) => r.perSecond));
  const barePerSecond = median(bare.map((r) => r.perSecond));
  return {
    invites,
    concurrency,
    runs,
    pipelinePerSecond,
    barePerSecond,
    ratio: pipelinePerSecond / barePerSecond,
    listPerSecond: median(listed.map((r) => r.perSecond)),
    listRatio: median(listed.map((r) => r.perSecond)) / barePerSecond,
    listCpuMsPer1000: median(listed.map((r) => r.cpuMs)) / (invites / 1000),
    pipelineCpuMsPer1000: median(pipeline.map((r) => r.cpuMs)) / (invites / 1000),
    bareCpuMsPer1000: median(bare.map((r) => r.cpuMs)) / (invites / 1000),
  };
}

/** One list cycle over the same invites, all of them first seen: the list path's worst case (every one is written). */
async function measureList(baseUrl: string, invites: number, run: number): Promise<{ perSecond: number; cpuMs: number }> {
  const database = await benchDatabase("pipeline");
  await insertInvites(database.db, invites);
  const prefix = `im-bench-pipeline-list-${run}`;
  await clearPrefix(prefix);
  const redis = createRedis(REDIS_URL);
  const config = benchConfig(database.url, prefix, { CLOUDFLARE_BASE_URL: baseUrl, SWEEP_INTERVAL: "60s" });
  const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
  await monitor.start(["worker"]);
  const result = await measure(invites, async () => {
    const cycle = await monitor.listOnce();
    if (cycle.outcome !== "listed" || cycle.changed !== invites) throw new Error(`the list observed ${JSON.stringify(cycle)}`);
  });
  await monitor.stop();
  await redis.quit();
  await clearPrefix(prefix);
  await database.drop();
  return result;
}

async function measure(count: number, work: () => Promise<void>): Promise<{ perSecond: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMs: (used.user + used.system) / 1000 };
}
