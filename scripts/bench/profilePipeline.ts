// Profiles the poll pipeline, sweep to drain and nothing else: `npx tsx scripts/bench/profilePipeline.ts [invites]`
// writes /tmp/prof/pipeline.cpuprofile; summarise with `node scripts/bench/summariseProfile.mjs /tmp/prof`.
// Used for BENCHMARKS.md row 1.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createMonitor } from "../../src/daemon/createMonitor.js";
import { createRedis } from "../../src/daemon/redis.js";
import { systemClock } from "../../src/lib/clock.js";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { benchConfig, benchDatabase, clearPrefix, generatedInvite, insertInvites, prepareTemplate, quietLogger, REDIS_URL } from "./benchEnv.js";

const invites = Number(process.argv[2] ?? 2000);
await prepareTemplate();
const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
const database = await benchDatabase("profile");
await insertInvites(database.db, invites);
const prefix = "im-bench-profile";
await clearPrefix(prefix);
const redis = createRedis(REDIS_URL);
const config = benchConfig(database.url, prefix, { CLOUDFLARE_BASE_URL: sim.baseUrl, WORKER_CONCURRENCY: "16", SWEEP_INTERVAL: "60s" });
const monitor = createMonitor({ config, db: database.db, sql: database.sql, redis, logger: quietLogger, clock: systemClock });
await monitor.start(["worker"]);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const start = performance.now();
await monitor.sweepOnce();
await monitor.drain({ timeoutMs: 600_000 });
process.stdout.write(`${(invites / ((performance.now() - start) / 1000)).toFixed(0)} polls/s\n`);
const { profile } = await session.post("Profiler.stop");
mkdirSync("/tmp/prof", { recursive: true });
writeFileSync("/tmp/prof/pipeline.cpuprofile", JSON.stringify(profile));
await monitor.stop();
await redis.quit();
await clearPrefix(prefix);
await database.drop();
await sim.close();
process.exit(0);
