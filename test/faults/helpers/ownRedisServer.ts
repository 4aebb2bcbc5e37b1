import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForRedis } from "../../helpers/ownRedis.js";

/**
 * A redis-server of the test's own on a free port, with an append-only file in its own directory so that a restart
 * can keep the data (the production setup: AOF on, `maxmemory-policy noeviction`) or start empty on purpose.
 */
export interface OwnRedisServer {
  readonly url: string;
  start(): Promise<void>;
  /** SIGKILL: no shutdown save, like a crash (the AOF keeps what was fsynced, at most 1 s is lost). */
  kill(): Promise<void>;
  /** Removes the AOF, so the next start is empty. */
  wipe(): void;
  /** Kills the server and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** Servers not destroyed yet: killed if the test process exits without its hooks running. */
const live = new Map<string, () => void>();
process.once("exit", () => {
  for (const kill of live.values()) kill();
});

export async function createOwnRedisServer(): Promise<OwnRedisServer> {
  const port = await freePort();
  const base = mkdtempSync(join(tmpdir(), "imfault-redis-"));
  let dataDir = join(base, "data-0");
  let generation = 0;
  let child: ChildProcess | null = null;
  live.set(base, () => {
    child?.kill("SIGKILL");
    rmSync(base, { recursive: true, force: true });
  });

  const server: OwnRedisServer = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--dir", ".",
        "--maxmemory-policy", "noeviction",
      ];
      mkdirSync(dataDir, { recursive: true });
      child = spawn("redis-server", args, { cwd: dataDir, stdio: "ignore" });
      // Loading a large AOF answers LOADING: waitForRedis waits for a real answer.
      await waitForRedis(port, 200);
    },
    async kill() {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once("exit", resolve));
      current.kill("SIGKILL");
      await exited;
    },
    wipe() {
      generation += 1;
      const old = dataDir;
      dataDir = join(base, `data-${generation}`);
      rmSync(old, { recursive: true, force: true });
    },
    async destroy() {
      await server.kill();
      rmSync(base, { recursive: true, force: true });
      live.delete(base);
    },
  };
  return server;
}
