import type { Redis } from "ioredis";
import type pg from "pg";
import { loadConfig, type Config } from "../config/loadConfig.js";
import { createRedis } from "../daemon/redis.js";
import type { Clock } from "../lib/clock.js";
import { InviteMonitorError } from "../lib/errors.js";
import { createDb, type Db } from "../storage/db.js";
import { createSqlPool } from "../storage/sqlPool.js";

/** What a command may touch. main.ts passes the real process; tests pass their own streams, env and clock. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Whether stdout is a terminal: progress lines are shown only there. Default false. */
  stdoutIsTTY?: boolean;
  env: Record<string, string | undefined>;
  clock: Clock;
}

/** Connections of one command: `check` needs a few (its poll write, Prisma, and a worker's). */
const POOL_SIZE = 5;
/** How long a command waits for Redis before saying it cannot reach it: BullMQ's commands would wait forever. */
const REDIS_CONNECT_MS = 5_000;

/** Config, database and Redis, opened on first use and closed (in reverse order) once the command is done. */
export class CliContext {
  private config?: Config;
  private pool?: pg.Pool;
  private db?: Db;
  private redis?: Redis;

  constructor(readonly io: CliIo) {}

  /** The config, if a command has loaded it (and it was valid). */
  get loadedConfig(): Config | undefined {
    return this.config;
  }

  getConfig(): Config {
    this.config ??= loadConfig(this.io.env);
    return this.config;
  }

  /** Plain pg, shared with Prisma: one set of connections per command, as in the daemon. */
  getPool(): pg.Pool {
    this.pool ??= createSqlPool(this.getConfig().databaseUrl, POOL_SIZE, () => {});
    return this.pool;
  }

  getDb(): Db {
    this.db ??= createDb(this.getPool());
    return this.db;
  }

  /** Redis, once it answers; a clear error (no password in it) when it does not within a few seconds. */
  async getRedis(): Promise<Redis> {
    if (this.redis) return this.redis;
    const url = this.getConfig().redisUrl;
    const redis = createRedis(url);
    this.redis = redis;
    // ioredis reconnects by itself; a failure to connect at all is reported below.
    redis.on("error", () => {});
    if (redis.status !== "ready") {
      const ready = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), REDIS_CONNECT_MS);
        redis.once("ready", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!ready) {
        const { hostname, port } = new URL(url);
        throw new InviteMonitorError("SERVICE_UNAVAILABLE", `cannot reach Redis at ${hostname}:${port || 6379}; check REDIS_URL, and that Redis is running`);
      }
    }
    return redis;
  }

  async close(): Promise<void> {
    const redis = this.redis;
    // QUIT would wait for a connection that may never come back.
    if (redis) await (redis.status === "ready" ? redis.quit().catch(() => redis.disconnect()) : redis.disconnect());
    await this.db?.$disconnect().catch(() => {});
    await this.pool?.end();
  }
}
