import { Queue } from "bullmq";
import { createRedis } from "../../src/daemon/redis.js";
import { POLL_QUEUE, type PollJobData } from "../../src/scheduling/queues.js";
import { runSweep } from "../../src/scheduling/runSweep.js";
import { benchDatabase, clearPrefix, insertInvites, median, REDIS_URL } from "./benchEnv.js";

export interface ScalingRow {
  tracked: number;
  due: number;
  sweepMs: number;
}

/**
 * Row 2: sweep latency (select the most overdue due invites + one bulk add) with 10k, 100k and 1M tracked invites
 * of which 1 % are due. A sweep takes `batch` invites, as the scheduler does.
 */
export async function schedulerScaling(sizes = [10_000, 100_000, 1_000_000], batch = 200, sweeps = 9): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const database = await benchDatabase("scheduler");
  let inserted = 0;
  for (const size of sizes) {
    // Grow the same table: 1 % of every block of rows is due.
    await insertInvites(database.db, size - inserted, { dueEvery: 100, start: inserted + 1 });
    inserted = size;
    const prefix = `im-bench-scheduler-${size}`;
    const redis = createRedis(REDIS_URL);
    const queue = new Queue<PollJobData>(POLL_QUEUE, { connection: redis, prefix });
    const times: number[] = [];
    for (let i = 0; i < sweeps + 1; i++) {
      await queue.obliterate({ force: true });
      const start = performance.now();
      await runSweep({ sql: database.sql, pollQueue: queue, now: new Date(), batchSize: batch });
      if (i > 0) times.push(performance.now() - start); // the first sweep warms connections and caches
    }
    await queue.close();
    await redis.quit();
    await clearPrefix(prefix);
    rows.push({ tracked: size, due: size / 100, sweepMs: median(times) });
  }
  await database.drop();
  return rows;
}
