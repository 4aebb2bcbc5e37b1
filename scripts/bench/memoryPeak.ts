import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { envelope, startCloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { MAX_ANSWER_BYTES } from "../../src/cloudflare/cloudflareClient.js";
import { benchDatabase, benchInviteId, clearPrefix, generatedInvite, IMAGE_RUNTIME, insertInvites, REDIS_URL, sleep } from "./benchEnv.js";

export interface MemoryResult {
  tracked: number;
  polled: number;
  seconds: number;
  peakRssMb: number;
  /** How the daemon died before the cycle was over (its signal or exit code, and the end of its stderr), if it did. */
  died: string | null;
}

export interface ListMemoryResult {
  listed: number;
  /** The length of one list answer, in bytes, against MAX_ANSWER_BYTES. */
  answerBytes: number;
  lists: number;
  seconds: number;
  peakRssMb: number;
  died: string | null;
}

/** Row 3: the daemon's peak RSS (VmHWM) while a full cycle polls every one of `tracked` invites. Uses the build. */
export async function memoryPeak(tracked = 100_000, concurrency = 32, timeoutMs = 540_000): Promise<MemoryResult> {
  const database = await benchDatabase("memory");
  await insertInvites(database.db, tracked);
  const sim = await startCloudflareSimulator({ defaultInvite: generatedInvite });
  const prefix = "im-bench-memory";
  await clearPrefix(prefix);
  const daemon = startDaemon({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, CLOUDFLARE_BASE_URL: sim.baseUrl, WORKER_CONCURRENCY: String(concurrency) });
  const start = performance.now();
  let polled = 0;
  while (performance.now() - start < timeoutMs && daemon.alive()) {
    await sleep(2_000);
    daemon.sample();
    polled = await database.db.trackedInvite.count({ where: { lastCheckedAt: { not: null } } });
    if (polled >= tracked) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const { peakRssMb, died } = await daemon.stop();
  await sim.close();
  await clearPrefix(prefix);
  await database.drop();
  return { tracked, polled, seconds, peakRssMb, died };
}

/**
 * Row 3's other worst case: a list just under MAX_ANSWER_BYTES, every entry tracked, read every 5 s for `seconds`,
 * while every entry is also due (the first list plans each one in full). Each answer is held as the body, its JSON
 * and the parsed invites at once.
 */
export async function listMemoryPeak(seconds = 90, concurrency = 32): Promise<ListMemoryResult> {
  const database = await benchDatabase("memory_list");
  const sim = await startCloudflareSimulator({});
  const entryBytes = JSON.stringify(generatedInvite(benchInviteId(1))).length + 1;
  const listed = Math.floor((MAX_ANSWER_BYTES - 1_000) / entryBytes);
  await insertInvites(database.db, listed);
  const invites = Array.from({ length: listed }, (_, i) => ({ ...generatedInvite(benchInviteId(i + 1)), id: benchInviteId(i + 1) }));
  for (const invite of invites) sim.setInvite(invite);
  const answerBytes = Buffer.byteLength(JSON.stringify(envelope(true, invites)));
  const prefix = "im-bench-memory-list";
  await clearPrefix(prefix);
  const daemon = startDaemon({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, CLOUDFLARE_BASE_URL: sim.baseUrl, WORKER_CONCURRENCY: String(concurrency), LIST_INTERVAL: "5s" });
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 && daemon.alive()) {
    await sleep(1_000);
    daemon.sample();
  }
  const lists = sim.requests.filter((r) => r.inviteId === null && r.path.endsWith("/user/invites")).length;
  const { peakRssMb, died } = await daemon.stop();
  await sim.close();
  await clearPrefix(prefix);
  await database.drop();
  return { listed, answerBytes, lists, seconds: (performance.now() - start) / 1000, peakRssMb, died };
}

/** The built daemon, all roles, as the image runs it, at an unlimited budget. */
function startDaemon(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [...IMAGE_RUNTIME.nodeArgs, "dist/cli/main.js", "start", "--role", "scheduler", "worker", "notifier"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      ...IMAGE_RUNTIME.env,
      REDIS_URL,
      CLOUDFLARE_API_TOKEN: "bench-token-0000",
      CLOUDFLARE_RATE_LIMIT: "1000000",
      CLOUDFLARE_RATE_WINDOW: "1s",
      CLOUDFLARE_BUDGET_SHARE: "1",
      SWEEP_INTERVAL: "1s",
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  let peakKb = 0;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const sample = () => void (peakKb = Math.max(peakKb, readPeakKb(child.pid!)));
  return {
    alive,
    sample,
    async stop(): Promise<{ peakRssMb: number; died: string | null }> {
      sample();
      // A daemon that died (out of heap, say) is the result, not something to wait for.
      const fatal = /FATAL ERROR: [^\n]*/.exec(stderr)?.[0];
      const died = alive() ? null : `${child.signalCode ?? `exit ${child.exitCode}`}${fatal ? ` (${fatal.trim()})` : ""}`;
      if (!died) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      return { peakRssMb: peakKb / 1024, died };
    },
  };
}

function readPeakKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
