import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { startSlackSimulator } from "../../src/simulator/slackSimulator.js";
import { createOwnRedis } from "../../test/helpers/ownRedis.js";
import { benchDatabase, benchInviteId, generatedInvite, IMAGE_RUNTIME, insertInvites, sleep } from "./benchEnv.js";

export interface SteadyResult {
  tracked: number;
  seconds: number;
  cpuSecondsPerMinute: number;
  rssMb: number;
  redisCommandsPerMinute: number;
  requestsPerMinute: number;
  slackMessages: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in these on Linux

/**
 * Row 8: what the built daemon (all roles, the default settings and budget) costs while nothing changes, measured
 * after a warm-up over `seconds`: its CPU time and RSS from /proc, and the commands its own redis-server answered.
 */
export async function steadyState(tracked: number, seconds = 300, warmupS = 40, roles: string[] = [], env: Record<string, string> = {}, nodeArgs: string[] = IMAGE_RUNTIME.nodeArgs): Promise<SteadyResult> {
  const database = await benchDatabase(`steady_${tracked}`);
  if (tracked > 0) await insertInvites(database.db, tracked);
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  for (let n = 1; n <= tracked; n++) sim.setInvite({ ...generatedInvite(benchInviteId(n)), id: benchInviteId(n) });
  const slack = await startSlackSimulator();
  const redisServer = await createOwnRedis();
  await redisServer.start();
  const child = spawn(process.execPath, [...nodeArgs, "dist/cli/main.js", "start", ...(roles.length > 0 ? ["--role", ...roles] : [])], {
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      REDIS_URL: redisServer.url,
      CLOUDFLARE_API_TOKEN: "bench-token-0000",
      CLOUDFLARE_BASE_URL: sim.baseUrl,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...IMAGE_RUNTIME.env,
      ...env,
    },
  });
  const probe = new Redis(redisServer.url);
  try {
    await sleep(warmupS * 1000);
    if (child.exitCode !== null) throw new Error(`the daemon exited with ${child.exitCode} during the warm-up`);
    const cpu0 = cpuTicks(child.pid!);
    const commands0 = await commandsProcessed(probe);
    const requests0 = sim.requests.length;
    await sleep(seconds * 1000);
    const cpu1 = cpuTicks(child.pid!);
    // Less the INFO calls of this probe itself.
    const commands = (await commandsProcessed(probe)) - commands0 - 1;
    return {
      tracked,
      seconds,
      cpuSecondsPerMinute: (cpu1 - cpu0) / TICKS_PER_SECOND / (seconds / 60),
      rssMb: rssKb(child.pid!) / 1024,
      redisCommandsPerMinute: commands / (seconds / 60),
      requestsPerMinute: (sim.requests.length - requests0) / (seconds / 60),
      slackMessages: slack.received.length,
    };
  } finally {
    probe.disconnect();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await redisServer.stop();
    await sim.close();
    await slack.close();
    await database.drop();
  }
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the
  // 14th field of the line, stime the 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
}

async function commandsProcessed(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info("stats"))?.[1] ?? 0);
}
