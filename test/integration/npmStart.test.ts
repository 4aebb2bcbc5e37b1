import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { trackInvites } from "../../src/storage/trackInvites.js";
import { inviteId, liveInviteFixture, TOKEN } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";
import { waitUntil } from "../helpers/waitUntil.js";

/**
 * The README's commands wrap the daemon in npm (and a shell). A signal sent to the command a user ran, as a
 * supervisor or `kill <pid>` sends it, must stop the daemon, not leave it polling as an orphan.
 */

let database: TestDatabase | undefined;
let sim: CloudflareSimulator | undefined;
let outer: ChildProcess | undefined;
let prefix = "";

afterEach(async () => {
  // Everything this test started carries its prefix in its environment: kill each of them by pid, even on failure.
  for (const { pid } of processesWith(prefix)) killQuietly(pid);
  if (outer?.pid !== undefined) killQuietly(outer.pid);
  await sim?.close();
  const redis = new Redis(inject("redisUrl"));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database?.drop();
  database = sim = outer = undefined;
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Every live process whose environment holds QUEUE_PREFIX=<prefix>: the command, its shells and the daemon. */
function processesWith(queuePrefix: string): Array<{ pid: number; cmdline: string }> {
  if (!queuePrefix) return [];
  const marker = `\0QUEUE_PREFIX=${queuePrefix}\0`;
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!`\0${readFileSync(`/proc/${entry}/environ`, "latin1")}`.includes(marker)) continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, "latin1"))) continue;
      found.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim() });
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}

interface Outer {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], env: Record<string, string>): Outer {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: Array<Record<string, unknown>> = [];
  let raw = "";
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
    const lines = (pending + chunk.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // npm's own "> invite-monitor@... start" banner
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  // "exit", not "close": an orphaned daemon would hold the pipes open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, logs, output: () => raw, exited };
}

describe("a signal to the README's command stops the daemon", () => {
  it.each<{ name: string; command: string; args: string[]; signal: NodeJS.Signals; shellBetween?: boolean }>([
    { name: "npm start", command: "npm", args: ["start"], signal: "SIGTERM" },
    { name: "npm start", command: "npm", args: ["start"], signal: "SIGINT" },
    { name: "npm run cli -- start", command: "npm", args: ["run", "cli", "--", "start"], signal: "SIGTERM" },
    // npx runs the package's bin (the build) under `sh -c`, which passes no signal on: the daemon must notice that
    // its parent is gone and stop by itself.
    { name: "npx invite-monitor start", command: "npx", args: ["invite-monitor", "start"], signal: "SIGTERM", shellBetween: true },
  ])("$name, then $signal to npm", { timeout: 120_000 }, async ({ command, args, signal, shellBetween }) => {
    if (shellBetween) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "pipe" });
      // tsc writes the bin without the execute bit, which npm's install would set; npx then cannot run it.
      chmodSync("dist/cli/main.js", 0o755);
    }
    database = await createTestDatabase();
    sim = await startCloudflareSimulator({ auth: { token: TOKEN } });
    const ids = [inviteId(1), inviteId(2)];
    for (const id of ids) sim.setInvite(liveInviteFixture(id));
    await trackInvites(database.db, ids.map((id) => ({ id, label: null, source: "test" })), new Date());
    prefix = `imtest-${randomBytes(5).toString("hex")}`;

    const started = run(command, args, {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      npm_config_update_notifier: "false",
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: prefix,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_BASE_URL: sim.baseUrl,
      CLOUDFLARE_RATE_LIMIT: "1000",
      CLOUDFLARE_RATE_WINDOW: "1s",
      CLOUDFLARE_BUDGET_SHARE: "1",
      // Short enough that a daemon left running would be seen polling within the wait below.
      POLL_INTERVAL: "1s",
      POLL_JITTER: "0",
      SWEEP_INTERVAL: "200ms",
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    });
    outer = started.child;
    await waitUntil(() => started.logs.some((l) => l.msg === "invite-monitor started") || started.child.exitCode !== null, 60_000).catch(() => {});
    expect(started.logs.some((l) => l.msg === "invite-monitor started"), started.output()).toBe(true);
    await waitUntil(() => sim!.requests.length >= 3);

    started.child.kill(signal);
    const exit = await Promise.race([started.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 40_000))]);
    expect(exit, `${command} did not exit:\n${started.output()}`).not.toBe("still running");
    // Under npx the shell dies with npx, and the daemon stops a moment later, on its own.
    if (shellBetween) await waitUntil(() => processesWith(prefix).length === 0, 15_000).catch(() => {});
    expect(processesWith(prefix), "processes left running after the command exited").toEqual([]);
    // Stopped cleanly: the daemon's graceful stop ran, and (without a shell between) its exit code came through npm.
    expect(started.logs.some((l) => l.msg === "stopped"), started.output()).toBe(true);
    if (!shellBetween) expect(exit).toEqual({ code: 0, signal: null });

    const requests = sim.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(sim.requests.length, "requests reached Cloudflare after the command exited").toBe(requests);
  });
});
