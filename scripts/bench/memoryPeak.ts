import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { benchDatabase, clearPrefix, generatedInvite, IMAGE_RUNTIME, insertInvites, REDIS_URL, sleep } from "./benchEnv.js";

export interface MemoryResult {
  tracked: number;
  polled: number;
  seconds: number;
  peakRssMb: number;
  /** How the daemon died before the cycle was over (its signal or exit code, and the end of its stderr), if it did. */
  died: string | null;
}

/** Row 3: the daemon's peak RSS (VmHWM) while a full cycle polls every one of `tracked` invites. Uses the build. */
export async function memoryPeak(tracked = 100_000, concurrency = 32, timeoutMs = 540_000): Promise<MemoryResult> {
  const database = await benchDatabase("memory");
  await insertInvites(database.db, tracked);
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const prefix = "im-bench-memory";
  await clearPrefix(prefix);
  const child = spawn(process.execPath, [...IMAGE_RUNTIME.nodeArgs, "dist/cli/main.js", "start", "--role", "scheduler", "worker", "notifier"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      ...IMAGE_RUNTIME.env,
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      CLOUDFLARE_API_TOKEN: "bench-token-0000",
      CLOUDFLARE_BASE_URL: sim.baseUrl,
      CLOUDFLARE_RATE_LIMIT: "1000000",
      CLOUDFLARE_RATE_WINDOW: "1s",
      CLOUDFLARE_BUDGET_SHARE: "1",
      WORKER_CONCURRENCY: String(concurrency),
      SWEEP_INTERVAL: "1s",
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
    },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const start = performance.now();
  let polled = 0;
  let peakKb = 0;
  while (performance.now() - start < timeoutMs && child.exitCode === null && child.signalCode === null) {
    await sleep(2_000);
    peakKb = Math.max(peakKb, readPeakKb(child.pid!));
    polled = await database.db.trackedInvite.count({ where: { lastCheckedAt: { not: null } } });
    if (polled >= tracked) break;
  }
  peakKb = Math.max(peakKb, readPeakKb(child.pid!));
  const seconds = (performance.now() - start) / 1000;
  // A daemon that died (out of heap, say) is the result, not something to wait for.
  const fatal = /FATAL ERROR: [^\n]*/.exec(stderr)?.[0];
  const died = child.exitCode !== null || child.signalCode !== null ? `${child.signalCode ?? `exit ${child.exitCode}`}${fatal ? ` (${fatal.trim()})` : ""}` : null;
  if (!died) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await sim.close();
  await clearPrefix(prefix);
  await database.drop();
  return { tracked, polled, seconds, peakRssMb: peakKb / 1024, died };
}

function readPeakKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
